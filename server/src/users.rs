//! `ogp-tracker user ...`: accounts from the shell, for the first admin and for scripts.
//! Passwords never pass through the command line; it prints one-time links instead.

use crate::cli::{CliError, UserCommand};
use crate::{auth, forms};
use app::domain::{AuditAction, AuditFact, LinkPurpose, VIA_COMMAND_LINE};
use app::storage::{self, Db, NewAuditEntry};

pub async fn run(db: &Db, command: UserCommand) -> Result<String, CliError> {
    match command {
        UserCommand::Add {
            email,
            role,
            member,
            institution,
            name,
            public_url,
        } => add(db, &email, &role, member, institution, name, &public_url).await,
        UserCommand::ResetLink { email, public_url } => {
            let email = valid_email(&email)?;
            let mut tx = db.begin().await?;
            let user_id = storage::user_id_by_email(&mut tx, &email)
                .await?
                .ok_or_else(|| CliError::Invalid(format!("--email: no account has {email}")))?;
            let path = auth::create_link(&mut tx, user_id, LinkPurpose::Reset, None).await?;
            audit(&mut tx, AuditAction::ResetLinkCreated, user_id, Vec::new()).await?;
            tx.commit().await.map_err(storage::StorageError::from)?;
            Ok(format!(
                "Password-reset link for {email} (valid {} hours, once):\n{}{path}",
                LinkPurpose::Reset.lifetime_hours(),
                public_url.trim_end_matches('/')
            ))
        }
    }
}

fn valid_email(raw: &str) -> Result<String, CliError> {
    auth::normalize_email(raw)
        .ok_or_else(|| CliError::Invalid(format!("--email: {raw:?} is not an e-mail address")))
}

async fn audit(
    conn: &mut sqlx::AnyConnection,
    action: AuditAction,
    subject: i64,
    mut facts: Vec<(AuditFact, String)>,
) -> Result<(), CliError> {
    facts.push((AuditFact::Via, VIA_COMMAND_LINE.to_string()));
    let entry = NewAuditEntry {
        actor_id: None,
        action,
        subject_id: Some(subject),
        facts,
        address: None,
    };
    Ok(storage::insert_audit(conn, &entry, &auth::now()).await?)
}

/// Creates the account, or adds the role to an existing one, with the same checks as the
/// admin's invitation form; a link is printed while the account has no password yet.
async fn add(
    db: &Db,
    email: &str,
    role: &str,
    member: Option<String>,
    institution: Option<String>,
    name: Option<String>,
    public_url: &str,
) -> Result<String, CliError> {
    let email = valid_email(email)?;
    let name = match name {
        Some(name) => forms::required_text(&name, "display_name", forms::DISPLAY_NAME_MAX_CHARS)?,
        None => email.split('@').next().unwrap_or_default().to_string(),
    };
    let mut tx = db.begin().await?;
    let (grant, facts) = forms::read_grant(
        &mut tx,
        role,
        member.as_deref().unwrap_or_default(),
        institution.as_deref().unwrap_or_default(),
    )
    .await?;
    let now = auth::now();
    let user_id = match storage::user_id_by_email(&mut tx, &email).await? {
        Some(id) => id,
        None => storage::insert_user(&mut tx, &email, &name, None, false, &now).await?,
    };
    if storage::has_grant(&mut tx, user_id, &grant).await? {
        return Err(CliError::Invalid(format!(
            "--role: {email} already holds this role with this scope"
        )));
    }
    storage::insert_grant(&mut tx, user_id, &grant, None, &now).await?;
    audit(&mut tx, AuditAction::RoleGranted, user_id, facts).await?;
    let mut out = format!("{email} now holds the {} role.", grant.role.as_str());
    if !storage::has_password(&mut tx, user_id).await? {
        let path = auth::create_link(&mut tx, user_id, LinkPurpose::Invitation, None).await?;
        out.push_str(&format!(
            "\nInvitation link (valid {} days, once): {}{path}",
            LinkPurpose::Invitation.lifetime_hours() / 24,
            public_url.trim_end_matches('/')
        ));
    }
    tx.commit().await.map_err(storage::StorageError::from)?;
    Ok(out)
}
