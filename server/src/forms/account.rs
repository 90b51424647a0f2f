//! Signing in and out, one's own password, and the one-time links that set a password.

use super::{local_path, Ctx, Input};
use crate::auth::{self, SESSION_COOKIE};
use crate::commands::accounts;
use app::domain::LinkPurpose;
use app::i18n::Key;
use app::input::{PasswordChangeInput, SetPasswordInput, SignInInput};
use app::page_state::Notice;
use axum::extract::Path;
use axum::response::Response;

pub async fn sign_in(ctx: Ctx, Input(input): Input<SignInInput>) -> Response {
    match accounts::sign_in(&ctx.state.db, &ctx.info.address, &input).await {
        Ok(signed_in) => {
            // A new session and a new CSRF token at every sign-in: nothing fixed beforehand
            // survives. The browser's earlier session ends.
            let _ = accounts::sign_out(&ctx.state.db, ctx.info.session_token.as_deref()).await;
            tracing::info!(user_id = signed_in.user_id, "signed in");
            let https = ctx.info.https;
            let cookies = vec![
                auth::cookie(
                    SESSION_COOKIE,
                    &signed_in.token,
                    auth::SESSION_DAYS * 86_400,
                    https,
                ),
                auth::cookie(
                    auth::CSRF_COOKIE,
                    &auth::random_token(),
                    365 * 86_400,
                    https,
                ),
            ];
            let next = local_path(Some(&input.next), "/account");
            ctx.done_with_cookies(&next, Notice::success(Key::NoticeSignedIn), cookies)
        }
        Err(error) => {
            let values = vec![
                (SignInInput::email.to_string(), input.email.clone()),
                (SignInInput::next.to_string(), input.next.clone()),
            ];
            ctx.fail(error, values).await
        }
    }
}

pub async fn sign_out(ctx: Ctx) -> Response {
    match accounts::sign_out(&ctx.state.db, ctx.info.session_token.as_deref()).await {
        Ok(()) => {
            let cookie = auth::cookie(SESSION_COOKIE, "", 0, ctx.info.https);
            ctx.done_with_cookies("/", Notice::success(Key::NoticeSignedOut), vec![cookie])
        }
        Err(error) => ctx.fail(error, Vec::new()).await,
    }
}

pub async fn sign_out_everywhere(ctx: Ctx) -> Response {
    match accounts::sign_out_everywhere(&ctx.state.db, &ctx.actor()).await {
        Ok(()) => {
            let cookie = auth::cookie(SESSION_COOKIE, "", 0, ctx.info.https);
            ctx.done_with_cookies(
                "/sign-in",
                Notice::success(Key::NoticeSignedOutEverywhere),
                vec![cookie],
            )
        }
        Err(error) => ctx.fail(error, Vec::new()).await,
    }
}

pub async fn change_password(ctx: Ctx, Input(input): Input<PasswordChangeInput>) -> Response {
    match accounts::change_password(&ctx.state.db, &ctx.actor(), &input).await {
        Ok(signed_in) => {
            let cookie = auth::cookie(
                SESSION_COOKIE,
                &signed_in.token,
                auth::SESSION_DAYS * 86_400,
                ctx.info.https,
            );
            ctx.done_with_cookies(
                "/account",
                Notice::success(Key::NoticePasswordChanged),
                vec![cookie],
            )
        }
        // Passwords are never sent back.
        Err(error) => ctx.fail(error, Vec::new()).await,
    }
}

async fn use_link(
    ctx: Ctx,
    token: String,
    purpose: LinkPurpose,
    input: SetPasswordInput,
) -> Response {
    match accounts::use_link(&ctx.state.db, &ctx.actor(), &token, purpose, &input).await {
        Ok(()) => {
            let notice = match purpose {
                LinkPurpose::Invitation => Key::NoticeInvitationAccepted,
                LinkPurpose::Reset => Key::NoticePasswordReset,
            };
            ctx.done("/sign-in", Notice::success(notice))
        }
        Err(error) => {
            let values = vec![(
                SetPasswordInput::display_name.to_string(),
                input.display_name.clone(),
            )];
            ctx.fail(error, values).await
        }
    }
}

pub async fn accept_invitation(
    ctx: Ctx,
    Path(token): Path<String>,
    Input(input): Input<SetPasswordInput>,
) -> Response {
    use_link(ctx, token, LinkPurpose::Invitation, input).await
}

pub async fn reset_password(
    ctx: Ctx,
    Path(token): Path<String>,
    Input(input): Input<SetPasswordInput>,
) -> Response {
    use_link(ctx, token, LinkPurpose::Reset, input).await
}
