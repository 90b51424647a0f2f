//! `ogp-tracker user ...`: accounts from the shell, for the first admin and for scripts.
//! Passwords never pass through the command line; it prints one-time links instead.

use crate::auth;
use crate::cli::{CliError, UserCommand};
use app::domain::{AuditAction, LinkPurpose, Role};
use app::storage::{self, Db, NewAuditEntry, NewGrant};

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
            audit(
                &mut tx,
                AuditAction::ResetLinkCreated,
                user_id,
                "created a password-reset link on the command line".into(),
            )
            .await?;
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
    detail: String,
) -> Result<(), CliError> {
    let entry = NewAuditEntry {
        actor_id: None,
        action,
        subject_id: Some(subject),
        detail,
        address: Some("command line".into()),
    };
    Ok(storage::insert_audit(conn, &entry, &auth::now()).await?)
}

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
    let role = Role::from_machine(role.trim()).ok_or_else(|| {
        CliError::Invalid(format!(
            "--role: {role:?} is not a role; use admin, poc, reviewer or irm"
        ))
    })?;
    let mut tx = db.begin().await?;
    let member_id = match (role.needs_member(), member) {
        (false, _) => None,
        (true, None) => {
            return Err(CliError::Invalid(format!(
                "--member: the {} role needs a member code (e.g. --member AR)",
                role.as_str()
            )))
        }
        (true, Some(code)) => {
            let code = code.trim().to_uppercase();
            Some(
                storage::member_id_by_code(&mut tx, &code)
                    .await?
                    .ok_or_else(|| {
                        CliError::Invalid(format!("--member: no member has code {code}"))
                    })?,
            )
        }
    };
    let grant = NewGrant {
        role,
        member_id,
        institution: institution
            .map(|i| i.trim().to_string())
            .filter(|i| !i.is_empty() && role == Role::Poc),
    };
    let now = auth::now();
    let (user_id, created) = match storage::user_id_by_email(&mut tx, &email).await? {
        Some(id) => (id, false),
        None => {
            let name = name
                .filter(|n| !n.trim().is_empty())
                .unwrap_or_else(|| email.split('@').next().unwrap_or_default().to_string());
            (
                storage::insert_user(&mut tx, &email, name.trim(), None, false, &now).await?,
                true,
            )
        }
    };
    if storage::has_grant(&mut tx, user_id, &grant).await? {
        return Err(CliError::Invalid(format!(
            "--role: {email} already holds this role with this scope"
        )));
    }
    storage::insert_grant(&mut tx, user_id, &grant, None, &now).await?;
    audit(
        &mut tx,
        AuditAction::RoleGranted,
        user_id,
        format!("granted {} on the command line", role.as_str()),
    )
    .await?;
    let mut out = format!("{email} now holds the {} role.", role.as_str());
    let has_password = storage::password_hash_of(db, user_id).await?.is_some();
    if created || !has_password {
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
