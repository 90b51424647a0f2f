//! The admin's writes: invitations, role grants and revocations, disabling accounts and
//! password-reset links. Each is audited in the same transaction as the change.

use super::{required_text, Ctx, Failure, DISPLAY_NAME_MAX_CHARS};
use crate::auth;
use app::domain::{grant_facts, AuditAction, AuditFact, LinkPurpose, Role, Viewer};
use app::i18n::Key;
use app::page_state::Notice;
use app::policy;
use app::storage::{self, NewGrant};
use axum::extract::Path;
use axum::response::Response;
use axum::Form;
use serde::Deserialize;

#[derive(Deserialize, Default)]
pub struct GrantForm {
    #[serde(default)]
    email: String,
    #[serde(default)]
    display_name: String,
    #[serde(default)]
    role: String,
    #[serde(default)]
    member: String,
    #[serde(default)]
    institution: String,
}

impl GrantForm {
    async fn read(
        &self,
        conn: &mut sqlx::AnyConnection,
    ) -> Result<(NewGrant, Vec<(AuditFact, String)>), Failure> {
        read_grant(conn, &self.role, &self.member, &self.institution).await
    }

    fn values(&self) -> Vec<(String, String)> {
        [
            ("email", &self.email),
            ("display_name", &self.display_name),
            ("role", &self.role),
            ("member", &self.member),
            ("institution", &self.institution),
        ]
        .into_iter()
        .map(|(n, v)| (n.to_string(), v.clone()))
        .collect()
    }
}

/// Checks a grant as asked for, on the admin pages or the command line: the role must be
/// one of the four, the member must exist when the role needs one, and only a point of
/// contact's grant names an institution. Also returns its facts for the audit log.
pub async fn read_grant(
    conn: &mut sqlx::AnyConnection,
    role: &str,
    member: &str,
    institution: &str,
) -> Result<(NewGrant, Vec<(AuditFact, String)>), Failure> {
    let role = Role::from_machine(role.trim()).ok_or(Failure::invalid("role", Key::ErrRole))?;
    let (member_id, member_code) = if role.needs_member() {
        let code = member.trim().to_uppercase();
        if code.is_empty() {
            return Err(Failure::invalid("member", Key::ErrMemberRequired));
        }
        let id = storage::member_id_by_code(conn, &code)
            .await?
            .ok_or(Failure::invalid("member", Key::ErrMemberUnknown))?;
        (Some(id), Some(code))
    } else {
        (None, None)
    };
    let institution = match institution.trim() {
        "" => None,
        _ if role != Role::Poc => None,
        text => Some(required_text(text, "institution", 200)?),
    };
    let facts = grant_facts(role, member_code.as_deref(), institution.as_deref());
    Ok((
        NewGrant {
            role,
            member_id,
            institution,
        },
        facts,
    ))
}

/// The link as the admin passes it on: absolute, on the public address when configured,
/// else on the address they are using.
fn absolute(ctx: &Ctx, path: &str) -> String {
    match &ctx.state.public_url {
        Some(base) => format!("{}{path}", base.trim_end_matches('/')),
        None => {
            let scheme = if ctx.info.https { "https" } else { "http" };
            format!("{scheme}://{}{path}", ctx.info.host)
        }
    }
}

pub async fn invite(ctx: Ctx, Form(form): Form<GrantForm>) -> Response {
    let result = async {
        let admin = ctx.allowed(policy::may_administer(ctx.viewer()))?;
        let email =
            auth::normalize_email(&form.email).ok_or(Failure::invalid("email", Key::ErrEmail))?;
        let display_name =
            required_text(&form.display_name, "display_name", DISPLAY_NAME_MAX_CHARS)?;
        let mut tx = ctx.state.db.begin().await?;
        let (grant, grant_facts) = form.read(&mut tx).await?;
        if storage::user_id_by_email(&mut tx, &email).await?.is_some() {
            return Err(Failure::Conflict {
                field: "email",
                message: Key::ErrEmailTaken,
            });
        }
        let now = auth::now();
        let user_id =
            storage::insert_user(&mut tx, &email, &display_name, None, false, &now).await?;
        storage::insert_grant(&mut tx, user_id, &grant, Some(admin.user_id), &now).await?;
        let path = auth::create_link(
            &mut tx,
            user_id,
            LinkPurpose::Invitation,
            Some(admin.user_id),
        )
        .await?;
        ctx.audit(
            &mut tx,
            Some(&admin),
            AuditAction::Invited,
            Some(user_id),
            [vec![(AuditFact::Email, email.clone())], grant_facts].concat(),
        )
        .await?;
        tx.commit().await?;
        Ok((user_id, path))
    }
    .await;
    match result {
        Ok((user_id, path)) => {
            let mut notice = Notice::success(Key::NoticeInvitationCreated);
            notice.link = Some(absolute(&ctx, &path));
            ctx.done(&format!("/admin/accounts/{user_id}"), notice)
        }
        Err(failure) => ctx.fail(failure, "/admin/accounts", form.values()).await,
    }
}

pub async fn grant(ctx: Ctx, Path(user_id): Path<i64>, Form(form): Form<GrantForm>) -> Response {
    let page = format!("/admin/accounts/{user_id}");
    let result = async {
        let admin = ctx.allowed(policy::may_administer(ctx.viewer()))?;
        let mut tx = ctx.state.db.begin().await?;
        if !storage::user_exists(&mut tx, user_id).await? {
            return Err(Failure::NotFound);
        }
        let (grant, facts) = form.read(&mut tx).await?;
        if storage::has_grant(&mut tx, user_id, &grant).await? {
            return Err(Failure::Conflict {
                field: "role",
                message: Key::ErrGrantExists,
            });
        }
        let now = auth::now();
        storage::insert_grant(&mut tx, user_id, &grant, Some(admin.user_id), &now).await?;
        ctx.audit(
            &mut tx,
            Some(&admin),
            AuditAction::RoleGranted,
            Some(user_id),
            facts,
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }
    .await;
    match result {
        Ok(()) => ctx.done(&page, Notice::success(Key::NoticeGranted)),
        Err(failure) => ctx.fail(failure, &page, form.values()).await,
    }
}

pub async fn revoke(ctx: Ctx, Path(grant_id): Path<i64>) -> Response {
    let result = async {
        let admin = ctx.allowed(policy::may_administer(ctx.viewer()))?;
        let mut tx = ctx.state.db.begin().await?;
        let (user_id, grant) = storage::delete_grant(&mut tx, grant_id)
            .await?
            .ok_or(Failure::NotFound)?;
        if grant.role == Role::Admin && storage::admin_grant_count(&mut tx).await? == 0 {
            return Err(Failure::invalid("grant", Key::ErrLastAdmin));
        }
        ctx.audit(
            &mut tx,
            Some(&admin),
            AuditAction::RoleRevoked,
            Some(user_id),
            grant_facts(
                grant.role,
                grant.member_code.as_deref(),
                grant.institution.as_deref(),
            ),
        )
        .await?;
        tx.commit().await?;
        Ok(user_id)
    }
    .await;
    match result {
        Ok(user_id) => ctx.done(
            &format!("/admin/accounts/{user_id}"),
            Notice::success(Key::NoticeRevoked),
        ),
        Err(failure) => ctx.fail(failure, "/admin/accounts", Vec::new()).await,
    }
}

#[derive(Deserialize)]
pub struct DisabledForm {
    #[serde(default)]
    disabled: String,
}

pub async fn set_disabled(
    ctx: Ctx,
    Path(user_id): Path<i64>,
    Form(form): Form<DisabledForm>,
) -> Response {
    let page = format!("/admin/accounts/{user_id}");
    let result = async {
        let admin: Viewer = ctx.allowed(policy::may_administer(ctx.viewer()))?;
        let disabled = match form.disabled.as_str() {
            "true" => true,
            "false" => false,
            _ => return Err(Failure::invalid("disabled", Key::ErrRequired)),
        };
        if disabled && user_id == admin.user_id {
            return Err(Failure::invalid("disabled", Key::ErrSelfDisable));
        }
        let mut tx = ctx.state.db.begin().await?;
        if !storage::set_disabled(&mut tx, user_id, disabled).await? {
            return Err(Failure::NotFound);
        }
        let (action, facts) = if disabled {
            let ended = storage::delete_sessions_of(&mut tx, user_id).await?;
            (
                AuditAction::AccountDisabled,
                vec![(AuditFact::Sessions, ended.to_string())],
            )
        } else {
            (AuditAction::AccountEnabled, Vec::new())
        };
        ctx.audit(&mut tx, Some(&admin), action, Some(user_id), facts)
            .await?;
        tx.commit().await?;
        Ok(disabled)
    }
    .await;
    match result {
        Ok(true) => ctx.done(&page, Notice::success(Key::NoticeDisabled)),
        Ok(false) => ctx.done(&page, Notice::success(Key::NoticeEnabled)),
        Err(failure) => ctx.fail(failure, &page, Vec::new()).await,
    }
}

pub async fn reset_link(ctx: Ctx, Path(user_id): Path<i64>) -> Response {
    let page = format!("/admin/accounts/{user_id}");
    let result = async {
        let admin = ctx.allowed(policy::may_administer(ctx.viewer()))?;
        let mut tx = ctx.state.db.begin().await?;
        if !storage::user_exists(&mut tx, user_id).await? {
            return Err(Failure::NotFound);
        }
        let path =
            auth::create_link(&mut tx, user_id, LinkPurpose::Reset, Some(admin.user_id)).await?;
        ctx.audit(
            &mut tx,
            Some(&admin),
            AuditAction::ResetLinkCreated,
            Some(user_id),
            Vec::new(),
        )
        .await?;
        tx.commit().await?;
        Ok(path)
    }
    .await;
    match result {
        Ok(path) => {
            let mut notice = Notice::success(Key::NoticeResetLinkCreated);
            notice.link = Some(absolute(&ctx, &path));
            ctx.done(&page, notice)
        }
        Err(failure) => ctx.fail(failure, &page, Vec::new()).await,
    }
}
