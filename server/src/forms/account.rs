//! Signing in and out, one's own password, and the one-time links that set a password.

use super::{local_path, required_text, Ctx, Failure, DISPLAY_NAME_MAX_CHARS};
use crate::auth::{self, PasswordProblem, SignIn, SESSION_COOKIE};
use app::domain::{AuditAction, AuditFact, LinkPurpose};
use app::i18n::Key;
use app::page_state::Notice;
use app::policy;
use app::storage;
use axum::extract::Path;
use axum::response::Response;
use axum::Form;
use serde::Deserialize;

#[derive(Deserialize)]
pub struct SignInForm {
    #[serde(default)]
    email: String,
    #[serde(default)]
    password: String,
    #[serde(default)]
    next: String,
}

pub async fn sign_in(ctx: Ctx, Form(form): Form<SignInForm>) -> Response {
    let values = vec![
        ("email".to_string(), form.email.clone()),
        ("next".to_string(), form.next.clone()),
    ];
    let Some(email) = auth::normalize_email(&form.email) else {
        return ctx
            .fail(Failure::invalid("email", Key::ErrEmail), "/sign-in", values)
            .await;
    };
    if form.password.is_empty() {
        return ctx
            .fail(
                Failure::invalid("password", Key::ErrRequired),
                "/sign-in",
                values,
            )
            .await;
    }
    match auth::sign_in(&ctx.state.db, &email, &form.password, &ctx.info.address).await {
        Ok(SignIn::Accepted { token, user_id }) => {
            // A new session and a new CSRF token at every sign-in: nothing fixed beforehand survives.
            if let Some(old) = &ctx.info.session_token {
                let _ = storage::delete_session(&ctx.state.db, &auth::token_hash(old)).await;
            }
            tracing::info!(user_id, "signed in");
            let https = ctx.info.https;
            let cookies = vec![
                auth::cookie(SESSION_COOKIE, &token, auth::SESSION_DAYS * 86_400, https),
                auth::cookie(
                    auth::CSRF_COOKIE,
                    &auth::random_token(),
                    365 * 86_400,
                    https,
                ),
            ];
            let next = local_path(Some(&form.next), "/account");
            ctx.done_with_cookies(&next, Notice::success(Key::NoticeSignedIn), cookies)
        }
        Ok(SignIn::Rejected) => {
            // No field named: saying which one was wrong would tell whether the account exists.
            ctx.fail(
                Failure::Rejected(Key::ErrSignInRejected),
                "/sign-in",
                values,
            )
            .await
        }
        Ok(SignIn::Throttled) => ctx.fail(Failure::Throttled, "/sign-in", values).await,
        Err(error) => ctx.fail(error.into(), "/sign-in", values).await,
    }
}

pub async fn sign_out(ctx: Ctx) -> Response {
    if let Some(token) = &ctx.info.session_token {
        if let Err(error) = storage::delete_session(&ctx.state.db, &auth::token_hash(token)).await {
            return ctx.fail(error.into(), "/", Vec::new()).await;
        }
    }
    let cookie = auth::cookie(SESSION_COOKIE, "", 0, ctx.info.https);
    ctx.done_with_cookies("/", Notice::success(Key::NoticeSignedOut), vec![cookie])
}

pub async fn sign_out_everywhere(ctx: Ctx) -> Response {
    let result = async {
        let viewer = ctx.allowed(policy::may_manage_own_account(ctx.viewer()))?;
        let mut tx = ctx.state.db.begin().await?;
        let ended = storage::delete_sessions_of(&mut tx, viewer.user_id).await?;
        ctx.audit(
            &mut tx,
            Some(&viewer),
            AuditAction::SignedOutEverywhere,
            Some(viewer.user_id),
            vec![(AuditFact::Sessions, ended.to_string())],
        )
        .await?;
        tx.commit().await?;
        Ok::<_, Failure>(())
    }
    .await;
    match result {
        Ok(()) => {
            let cookie = auth::cookie(SESSION_COOKIE, "", 0, ctx.info.https);
            ctx.done_with_cookies(
                "/sign-in",
                Notice::success(Key::NoticeSignedOutEverywhere),
                vec![cookie],
            )
        }
        Err(failure) => ctx.fail(failure, "/account", Vec::new()).await,
    }
}

/// The hash of a new password typed twice, or why it is refused.
async fn new_password_hash(password: &str, confirmation: &str) -> Result<String, Failure> {
    auth::check_new_password(password, confirmation).map_err(|problem| match problem {
        PasswordProblem::TooShort => Failure::invalid("password", Key::ErrPasswordShort),
        PasswordProblem::TooLong => Failure::invalid("password", Key::ErrTooLong),
        PasswordProblem::Mismatch => Failure::invalid("confirmation", Key::ErrPasswordMismatch),
    })?;
    auth::hash_password_off_workers(password)
        .await
        .ok_or(Failure::Internal)
}

#[derive(Deserialize)]
pub struct PasswordForm {
    #[serde(default)]
    current: String,
    #[serde(default)]
    password: String,
    #[serde(default)]
    confirmation: String,
}

pub async fn change_password(ctx: Ctx, Form(form): Form<PasswordForm>) -> Response {
    let result = async {
        let viewer = ctx.allowed(policy::may_manage_own_account(ctx.viewer()))?;
        let stored = storage::password_hash_of(&ctx.state.db, viewer.user_id).await?;
        if !auth::password_matches(stored, &form.current).await {
            return Err(Failure::invalid("current", Key::ErrCurrentPassword));
        }
        let hash = new_password_hash(&form.password, &form.confirmation).await?;
        let mut tx = ctx.state.db.begin().await?;
        storage::set_password(&mut tx, viewer.user_id, &hash).await?;
        ctx.audit(
            &mut tx,
            Some(&viewer),
            AuditAction::PasswordChanged,
            Some(viewer.user_id),
            Vec::new(),
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }
    .await;
    match result {
        Ok(()) => ctx.done("/account", Notice::success(Key::NoticePasswordChanged)),
        Err(failure) => ctx.fail(failure, "/account", Vec::new()).await,
    }
}

#[derive(Deserialize)]
pub struct SetPasswordForm {
    #[serde(default)]
    display_name: String,
    #[serde(default)]
    password: String,
    #[serde(default)]
    confirmation: String,
}

/// Accepts an invitation (name and password) or a reset (password): one use, before expiry.
async fn use_link(
    ctx: &Ctx,
    token: &str,
    purpose: LinkPurpose,
    form: &SetPasswordForm,
) -> Result<(), Failure> {
    let token_hash = auth::token_hash(token);
    let link = storage::link(&ctx.state.db, &token_hash)
        .await?
        .filter(|l| l.purpose == purpose)
        .ok_or(Failure::NotFound)?;
    if link.used_at.is_some() {
        return Err(Failure::invalid("token", Key::ErrLinkUsed));
    }
    if link.expires_at <= auth::now() {
        return Err(Failure::invalid("token", Key::ErrLinkExpired));
    }
    let display_name = match purpose {
        LinkPurpose::Invitation => Some(required_text(
            &form.display_name,
            "display_name",
            DISPLAY_NAME_MAX_CHARS,
        )?),
        LinkPurpose::Reset => None,
    };
    let hash = new_password_hash(&form.password, &form.confirmation).await?;
    let now = auth::now();
    let mut tx = ctx.state.db.begin().await?;
    // Checked again inside the transaction: of two uses racing, one wins.
    if !storage::consume_link(&mut tx, &token_hash, &now).await? {
        return Err(Failure::invalid("token", Key::ErrLinkUsed));
    }
    storage::set_password(&mut tx, link.user_id, &hash).await?;
    if let Some(name) = &display_name {
        storage::set_display_name(&mut tx, link.user_id, name).await?;
    }
    // A reset ends every session: whoever knew the old password is out.
    let ended = storage::delete_sessions_of(&mut tx, link.user_id).await?;
    let action = match purpose {
        LinkPurpose::Invitation => AuditAction::InvitationAccepted,
        LinkPurpose::Reset => AuditAction::PasswordReset,
    };
    let facts = match ended {
        0 => Vec::new(),
        ended => vec![(AuditFact::Sessions, ended.to_string())],
    };
    ctx.audit(&mut tx, None, action, Some(link.user_id), facts)
        .await?;
    tx.commit().await?;
    Ok(())
}

pub async fn accept_invitation(
    ctx: Ctx,
    Path(token): Path<String>,
    Form(form): Form<SetPasswordForm>,
) -> Response {
    match use_link(&ctx, &token, LinkPurpose::Invitation, &form).await {
        Ok(()) => ctx.done("/sign-in", Notice::success(Key::NoticeInvitationAccepted)),
        Err(failure) => {
            let values = vec![("display_name".to_string(), form.display_name.clone())];
            let page = format!("/invitations/{token}");
            ctx.fail(failure, &page, values).await
        }
    }
}

pub async fn reset_password(
    ctx: Ctx,
    Path(token): Path<String>,
    Form(form): Form<SetPasswordForm>,
) -> Response {
    match use_link(&ctx, &token, LinkPurpose::Reset, &form).await {
        Ok(()) => ctx.done("/sign-in", Notice::success(Key::NoticePasswordReset)),
        Err(failure) => {
            let page = format!("/password-reset/{token}");
            ctx.fail(failure, &page, Vec::new()).await
        }
    }
}
