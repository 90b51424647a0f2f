//! The admin's writes: invitations, role grants and revocations, disabling accounts and
//! password-reset links.

use super::{Ctx, Input, RecordId};
use crate::commands::{admin, members};
use app::components::isolated;
use app::i18n::Key;
use app::input::{DisabledInput, GrantInput, MemberInput};
use app::page_state::Notice;
use axum::extract::Path;
use axum::response::Response;

fn with_link(ctx: &Ctx, message: Key, path: &str) -> Notice {
    let mut notice = Notice::success(message);
    // As the admin passes it on: absolute, on the public address when configured.
    notice.link = Some(ctx.state.absolute_url(&ctx.info, path));
    notice
}

pub async fn invite(ctx: Ctx, Input(input): Input<GrantInput>) -> Response {
    match admin::invite(&ctx.state.db, &ctx.actor(), &input).await {
        Ok(invited) => {
            let notice = with_link(&ctx, Key::NoticeInvitationCreated, &invited.link_path);
            let to = format!("/admin/accounts/{}", invited.user_id);
            ctx.show_link(&to, notice).await
        }
        Err(error) => ctx.fail(error, input.fields()).await,
    }
}

pub async fn grant(
    ctx: Ctx,
    RecordId(user_id): RecordId,
    Input(input): Input<GrantInput>,
) -> Response {
    match admin::grant(&ctx.state.db, &ctx.actor(), user_id, &input).await {
        Ok(()) => ctx.done(
            &format!("/admin/accounts/{user_id}"),
            Notice::success(Key::NoticeGranted),
        ),
        Err(error) => ctx.fail(error, input.fields()).await,
    }
}

pub async fn revoke(ctx: Ctx, RecordId(grant_id): RecordId) -> Response {
    match admin::revoke(&ctx.state.db, &ctx.actor(), grant_id).await {
        Ok(user_id) => ctx.done(
            &format!("/admin/accounts/{user_id}"),
            Notice::success(Key::NoticeRevoked),
        ),
        Err(error) => ctx.fail(error, Vec::new()).await,
    }
}

pub async fn set_disabled(
    ctx: Ctx,
    RecordId(user_id): RecordId,
    Input(input): Input<DisabledInput>,
) -> Response {
    match admin::set_disabled(&ctx.state.db, &ctx.actor(), user_id, &input).await {
        Ok(disabled) => {
            let notice = if disabled {
                Key::NoticeDisabled
            } else {
                Key::NoticeEnabled
            };
            ctx.done(
                &format!("/admin/accounts/{user_id}"),
                Notice::success(notice),
            )
        }
        Err(error) => ctx.fail(error, Vec::new()).await,
    }
}

pub async fn reset_link(ctx: Ctx, RecordId(user_id): RecordId) -> Response {
    match admin::reset_link(&ctx.state.db, &ctx.actor(), user_id).await {
        Ok(path) => {
            let notice = with_link(&ctx, Key::NoticeResetLinkCreated, &path);
            ctx.show_link(&format!("/admin/accounts/{user_id}"), notice)
                .await
        }
        Err(error) => ctx.fail(error, Vec::new()).await,
    }
}

pub async fn add_member(ctx: Ctx, Input(input): Input<MemberInput>) -> Response {
    match members::add(&ctx.state.db, &ctx.actor(), &input).await {
        Ok(member) => ctx.done(
            &format!("/admin/members/{}", member.code),
            Notice::success(Key::NoticeMemberCreated).with("name", isolated(&member.name)),
        ),
        Err(error) => ctx.fail(error, input.fields()).await,
    }
}

pub async fn edit_member(
    ctx: Ctx,
    Path(code): Path<String>,
    Input(input): Input<MemberInput>,
) -> Response {
    match members::edit(&ctx.state.db, &ctx.actor(), &code, &input).await {
        Ok(member) => ctx.done(
            &format!("/admin/members/{}", member.code),
            Notice::success(Key::NoticeMemberSaved).with("name", isolated(&member.name)),
        ),
        Err(error) => ctx.fail(error, input.fields()).await,
    }
}
