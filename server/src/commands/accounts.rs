//! Signing in and out, one's own password, and the one-time links that set a password.

use super::throttle::Attempt;
use super::{Actor, AppError};
use crate::auth::{self, token_hash};
use app::domain::{AuditAction, AuditFact, LinkPurpose};
use app::i18n::Key;
use app::input::{self, PasswordChangeInput, SetPasswordInput, SignInInput};
use app::policy;
use app::storage::{self, Conn, Db};
use chrono::{DateTime, Duration, Utc};

/// A new session: its token goes into the cookie.
#[derive(Debug)]
pub struct SignedIn {
    pub token: String,
    pub user_id: i64,
}

/// Starts a session for the account; its token.
async fn start_session(
    conn: &mut dyn Conn,
    user_id: i64,
    now: DateTime<Utc>,
) -> Result<String, AppError> {
    let token = auth::random_token();
    let expires = now + Duration::days(auth::SESSION_DAYS);
    storage::insert_session(conn, &token_hash(&token), user_id, now, expires).await?;
    Ok(token)
}

/// Signs in from `address`. An unknown e-mail, a wrong password and a disabled account get
/// one answer. The attempt is counted before the password is checked
/// ([`throttle`](super::throttle)); past a limit, sign-in is refused for the rest of its window.
pub async fn sign_in(db: &Db, address: &str, input: &SignInInput) -> Result<SignedIn, AppError> {
    let email = input::email(&input.email, SignInInput::email)?;
    if input.password.is_empty() {
        return Err(AppError::invalid(SignInInput::password, Key::ErrRequired));
    }
    let credentials = storage::credentials(&mut db.acquire().await?, &email).await?;
    let attempt = Attempt {
        email: &email,
        address,
    };
    attempt
        .count(db, credentials.as_ref().map(|c| c.user_id))
        .await?;
    let admission = attempt.admission(db).await?;
    let hash = credentials.as_ref().and_then(|c| c.password_hash.clone());
    let matches = auth::password_matches(admission, hash, &input.password).await?;
    let Some(c) = credentials.filter(|c| matches && !c.disabled) else {
        return Err(AppError::Rejected(Key::ErrSignInRejected));
    };
    let now = storage::now();
    let mut tx = db.begin().await?;
    attempt.forgive(&mut tx).await?;
    let token = start_session(&mut tx, c.user_id, now).await?;
    storage::record_sign_in(&mut tx, c.user_id, now).await?;
    tx.commit_unseen().await?;
    Ok(SignedIn {
        token,
        user_id: c.user_id,
    })
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
    auth::hash_password_off_workers(password).await
}

/// Changes the signed-in person's password. The current one is needed, and checking it
/// counts towards sign-in throttling. Every session of the account ends; the one making
/// the change goes on in a new session, whose token this answers.
pub async fn change_password(
    db: &Db,
    actor: &Actor,
    input: &PasswordChangeInput,
) -> Result<SignedIn, AppError> {
    let viewer = actor.signed_in(policy::may_manage_own_account)?;
    let Actor::Visitor { address, .. } = actor else {
        return Err(AppError::SignInRequired);
    };
    let mut conn = db.acquire().await?;
    let email = storage::account(&mut conn, viewer.user_id)
        .await?
        .ok_or(AppError::SignInRequired)?
        .email;
    let stored = storage::password_hash_of(&mut conn, viewer.user_id).await?;
    drop(conn);
    // Checked before the attempt is counted: a mistyped confirmation is no guess, and its
    // answer must not tell whether the current password was right.
    input::new_password(&input.password, &input.confirmation)?;
    let attempt = Attempt {
        email: &email,
        address,
    };
    attempt.count(db, Some(viewer.user_id)).await?;
    let admission = attempt.admission(db).await?;
    if !auth::password_matches(admission, stored, &input.current).await? {
        return Err(AppError::invalid(
            PasswordChangeInput::current,
            Key::ErrCurrentPassword,
        ));
    }
    attempt.forgive(&mut db.acquire().await?).await?;
    // Hashed before the transaction: it takes tens of milliseconds of CPU.
    let hash = new_password_hash(&input.password, &input.confirmation).await?;
    let now = storage::now();
    let mut tx = db.begin().await?;
    storage::set_password(&mut tx, viewer.user_id, &hash).await?;
    // Whoever knew the old password is out, on every device; this browser goes on.
    let ended = storage::delete_sessions_of(&mut tx, viewer.user_id).await?;
    let token = start_session(&mut tx, viewer.user_id, now).await?;
    actor
        .audit(
            &mut tx,
            AuditAction::PasswordChanged,
            Some(viewer.user_id),
            vec![(AuditFact::Sessions, ended.to_string())],
        )
        .await?;
    tx.commit().await?;
    Ok(SignedIn {
        token,
        user_id: viewer.user_id,
    })
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
        Actor::CommandLine | Actor::Account(_) => Actor::CommandLine,
    };
    anonymous
        .audit(&mut tx, action, Some(link.user_id), facts)
        .await?;
    tx.commit().await?;
    Ok(())
}

/// The account `email` as the command line acts for it (`--as`): its grants, if enabled.
pub async fn account_actor(db: &app::storage::Db, email: &str) -> Result<Actor, AppError> {
    let mut conn = db.acquire().await?;
    let email = app::input::email(email, "as")?;
    let id = storage::user_id_by_email(&mut conn, &email)
        .await?
        .ok_or_else(|| AppError::invalid("as", Key::ErrAccountUnknown))?;
    let account = storage::account(&mut conn, id)
        .await?
        .ok_or_else(|| AppError::invalid("as", Key::ErrAccountUnknown))?;
    if account.disabled {
        return Err(AppError::NotAllowed);
    }
    Ok(Actor::Account(app::domain::Viewer {
        user_id: account.id,
        display_name: account.display_name,
        grants: account.grants,
    }))
}
