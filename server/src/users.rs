//! `ogp-tracker user ...`: accounts from the shell, for the first admin and for scripts.
//! Passwords never pass through the command line; it prints one-time links instead.

use crate::cli::{CliError, UserCommand};
use crate::commands::{admin, Actor};
use app::domain::LinkPurpose;
use app::input::GrantInput;
use app::storage::Db;

pub async fn run(db: &Db, command: UserCommand) -> Result<String, CliError> {
    match command {
        UserCommand::Add {
            email,
            role,
            member,
            institution,
            name,
            public_url,
        } => {
            let input = GrantInput {
                email,
                display_name: name.unwrap_or_default(),
                role,
                member: member.unwrap_or_default(),
                institution: institution.unwrap_or_default(),
            };
            let added = admin::add_role(db, &Actor::CommandLine, &input).await?;
            let mut out = format!(
                "{} now holds the {} role.",
                added.email,
                added.role.as_str()
            );
            if let Some(path) = added.invitation_path {
                out.push_str(&format!(
                    "\nInvitation link (valid {} days, once): {}{path}",
                    LinkPurpose::Invitation.lifetime_hours() / 24,
                    public_url.trim_end_matches('/')
                ));
            }
            Ok(out)
        }
        UserCommand::ResetLink { email, public_url } => {
            let user_id = admin::account_by_email(db, &email).await?;
            let path = admin::reset_link(db, &Actor::CommandLine, user_id).await?;
            Ok(format!(
                "Password-reset link for {} (valid {} hours, once):\n{}{path}",
                email.trim().to_lowercase(),
                LinkPurpose::Reset.lifetime_hours(),
                public_url.trim_end_matches('/')
            ))
        }
    }
}
