//! Signing in and out, one's own password, and the one-time links that set a password.

use super::{Actor, AppError};
use crate::auth::{self, token_hash};
use app::domain::{AuditAction, AuditFact, LinkPurpose};
use app::i18n::Key;
use app::input::{self, PasswordChangeInput, SetPasswordInput, SignInInput};
use app::policy;
use app::storage::{self, Db};
use chrono::Duration;

/// Failed sign-ins within the window after which an account (as typed) is refused.
pub const ACCOUNT_FAILURE_LIMIT: i64 = 5;
/// Failed sign-ins from one address within the window after which it is refused.
pub const ADDRESS_FAILURE_LIMIT: i64 = 30;
pub const THROTTLE_WINDOW_MINUTES: i64 = 15;

/// A new session: its token goes into the cookie.
#[derive(Debug)]
pub struct SignedIn {
    pub token: String,
    pub user_id: i64,
}

/// Signs in from `address`. An unknown e-mail, a wrong password and a disabled account get
/// one answer; after too many failures for the e-mail or from the address, sign-in is
/// refused for the rest of the window.
pub async fn sign_in(db: &Db, address: &str, input: &SignInInput) -> Result<SignedIn, AppError> {
    let email = input::email(&input.email, SignInInput::email)?;
    if input.password.is_empty() {
        return Err(AppError::invalid(SignInInput::password, Key::ErrRequired));
    }
    let mut conn = db.acquire().await?;
    let now = storage::now();
    let since = now - Duration::minutes(THROTTLE_WINDOW_MINUTES);
    let account_failures =
        storage::sign_in_failures_since(&mut conn, "account", &email, since).await?;
    let address_failures =
        storage::sign_in_failures_since(&mut conn, "address", address, since).await?;
    if account_failures >= ACCOUNT_FAILURE_LIMIT || address_failures >= ADDRESS_FAILURE_LIMIT {
        return Err(AppError::Throttled {
            minutes: THROTTLE_WINDOW_MINUTES,
        });
    }
    let credentials = storage::credentials(&mut conn, &email).await?;
    let hash = credentials.as_ref().and_then(|c| c.password_hash.clone());
    let matches = auth::password_matches(hash, &input.password).await;
    drop(conn);
    // The checks above ran without the write lock (a password check takes tens of
    // milliseconds); what follows is written in one transaction.
    let mut tx = db.begin().await?;
    let outcome = match credentials {
        Some(c) if matches && !c.disabled => {
            storage::clear_sign_in_failures(&mut tx, "account", &email).await?;
            let token = auth::random_token();
            let expires = now + Duration::days(auth::SESSION_DAYS);
            storage::insert_session(&mut tx, &token_hash(&token), c.user_id, now, expires).await?;
            storage::record_sign_in(&mut tx, c.user_id, now).await?;
            Ok(SignedIn {
                token,
                user_id: c.user_id,
            })
        }
        credentials => {
            storage::insert_sign_in_failure(&mut tx, "account", &email, now).await?;
            storage::insert_sign_in_failure(&mut tx, "address", address, now).await?;
            // The typed e-mail is recorded for a burst on one account (it may name no
            // account); the address column already says where a burst came from.
            let burst = if account_failures + 1 == ACCOUNT_FAILURE_LIMIT {
                Some(vec![
                    (AuditFact::Email, email.clone()),
                    (AuditFact::Attempts, ACCOUNT_FAILURE_LIMIT.to_string()),
                ])
            } else if address_failures + 1 == ADDRESS_FAILURE_LIMIT {
                Some(vec![(
                    AuditFact::Attempts,
                    ADDRESS_FAILURE_LIMIT.to_string(),
                )])
            } else {
                None
            };
            if let Some(facts) = burst {
                let subject = credentials.map(|c| c.user_id);
                Actor::visitor(None, address)
                    .audit(&mut tx, AuditAction::SignInThrottled, subject, facts)
                    .await?;
            }
            Err(AppError::Rejected(Key::ErrSignInRejected))
        }
    };
    tx.commit().await?;
    outcome
}

/// Ends the session whose token the browser holds, if any.
pub async fn sign_out(db: &Db, session_token: Option<&str>) -> Result<(), AppError> {
    if let Some(token) = session_token {
        let mut conn = db.acquire().await?;
        storage::delete_session(&mut conn, &token_hash(token)).await?;
    }
    Ok(())
}

/// Ends every session of the signed-in person's account.
pub async fn sign_out_everywhere(db: &Db, actor: &Actor) -> Result<(), AppError> {
    let viewer = actor.signed_in(policy::may_manage_own_account)?;
    let mut tx = db.begin().await?;
    let ended = storage::delete_sessions_of(&mut tx, viewer.user_id).await?;
    actor
        .audit(
            &mut tx,
            AuditAction::SignedOutEverywhere,
            Some(viewer.user_id),
            vec![(AuditFact::Sessions, ended.to_string())],
        )
        .await?;
    tx.commit().await?;
    Ok(())
}

/// The argon2 hash of a new password typed twice, or why it is refused.
async fn new_password_hash(password: &str, confirmation: &str) -> Result<String, AppError> {
    input::new_password(password, confirmation)?;
    auth::hash_password_off_workers(password)
        .await
        .ok_or(AppError::Internal)
}

/// Changes the signed-in person's password; the current one is needed.
pub async fn change_password(
    db: &Db,
    actor: &Actor,
    input: &PasswordChangeInput,
) -> Result<(), AppError> {
    let viewer = actor.signed_in(policy::may_manage_own_account)?;
    let stored = storage::password_hash_of(&mut db.acquire().await?, viewer.user_id).await?;
    if !auth::password_matches(stored, &input.current).await {
        return Err(AppError::invalid(
            PasswordChangeInput::current,
            Key::ErrCurrentPassword,
        ));
    }
    // Hashed before the transaction: it takes tens of milliseconds of CPU.
    let hash = new_password_hash(&input.password, &input.confirmation).await?;
    let mut tx = db.begin().await?;
    storage::set_password(&mut tx, viewer.user_id, &hash).await?;
    actor
        .audit(
            &mut tx,
            AuditAction::PasswordChanged,
            Some(viewer.user_id),
            Vec::new(),
        )
        .await?;
    tx.commit().await?;
    Ok(())
}

/// Accepts an invitation (name and password) or a reset (password): one use, before the
/// link expires. Every session of the account ends.
pub async fn use_link(
    db: &Db,
    actor: &Actor,
    token: &str,
    purpose: LinkPurpose,
    input: &SetPasswordInput,
) -> Result<(), AppError> {
    let token_hash = token_hash(token);
    let link = storage::link(&mut db.acquire().await?, &token_hash)
        .await?
        .filter(|l| l.purpose == purpose)
        .ok_or(AppError::NotFound)?;
    if link.used_at.is_some() {
        return Err(AppError::invalid("token", Key::ErrLinkUsed));
    }
    if link.expires_at <= storage::now() {
        return Err(AppError::invalid("token", Key::ErrLinkExpired));
    }
    let display_name = match purpose {
        LinkPurpose::Invitation => Some(input::required_text(
            &input.display_name,
            SetPasswordInput::display_name,
            input::DISPLAY_NAME_MAX_CHARS,
        )?),
        LinkPurpose::Reset => None,
    };
    let hash = new_password_hash(&input.password, &input.confirmation).await?;
    let mut tx = db.begin().await?;
    // Checked again inside the transaction: of two uses racing, one wins.
    if !storage::consume_link(&mut tx, &token_hash, storage::now()).await? {
        return Err(AppError::invalid("token", Key::ErrLinkUsed));
    }
    storage::set_password(&mut tx, link.user_id, &hash).await?;
    if let Some(name) = &display_name {
        storage::set_display_name(&mut tx, link.user_id, name).await?;
    }
    // Whoever knew the old password is out.
    let ended = storage::delete_sessions_of(&mut tx, link.user_id).await?;
    let action = match purpose {
        LinkPurpose::Invitation => AuditAction::InvitationAccepted,
        LinkPurpose::Reset => AuditAction::PasswordReset,
    };
    let facts = match ended {
        0 => Vec::new(),
        ended => vec![(AuditFact::Sessions, ended.to_string())],
    };
    // The link's holder is not signed in: the line names the account, not an actor.
    let anonymous = match actor {
        Actor::Visitor { address, .. } => Actor::visitor(None, address),
        Actor::CommandLine => Actor::CommandLine,
    };
    anonymous
        .audit(&mut tx, action, Some(link.user_id), facts)
        .await?;
    tx.commit().await?;
    Ok(())
}
