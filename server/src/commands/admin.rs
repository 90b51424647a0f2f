//! Administering accounts: invitations, role grants and revocations, disabling accounts,
//! password-reset links, and accounts made from the command line. Each is audited in the
//! same transaction as the change.

use super::{Actor, AppError};
use crate::auth;
use app::domain::{grant_facts, AuditAction, AuditFact, LinkPurpose, Role};
use app::i18n::Key;
use app::input::{self, DisabledInput, GrantInput};
use app::policy;
use app::storage::{self, Conn, NewGrant};

/// Checks a grant as asked for, on the admin pages or the command line: the role must be
/// one of the four, the member must exist when the role needs one, and only a point of
/// contact's grant names an institution. Also returns its facts for the audit log.
pub async fn read_grant(
    conn: &mut dyn Conn,
    input: &GrantInput,
) -> Result<(NewGrant, Vec<(AuditFact, String)>), AppError> {
    let role = Role::from_machine(input.role.trim())
        .ok_or_else(|| AppError::invalid(GrantInput::role, Key::ErrRole))?;
    let (member_id, member_code) = if role.needs_member() {
        let code = input.member.trim().to_uppercase();
        if code.is_empty() {
            return Err(AppError::invalid(
                GrantInput::member,
                Key::ErrMemberRequired,
            ));
        }
        let id = storage::member_id_by_code(conn, &code)
            .await?
            .ok_or_else(|| AppError::invalid(GrantInput::member, Key::ErrMemberUnknown))?;
        (Some(id), Some(code))
    } else {
        (None, None)
    };
    let institution = match input.institution.trim() {
        "" => None,
        _ if role != Role::Poc => None,
        text => Some(input::required_text(
            text,
            GrantInput::institution,
            input::INSTITUTION_MAX_CHARS,
        )?),
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

/// An invited account: its id and the path of its one-time link.
#[derive(Debug)]
pub struct Invited {
    pub user_id: i64,
    pub link_path: String,
}

/// Creates an account with one role and an invitation link that sets its password.
pub async fn invite(
    db: &storage::Db,
    actor: &Actor,
    input: &GrantInput,
) -> Result<Invited, AppError> {
    let admin = actor.authorize(policy::may_administer)?;
    let email = input::email(&input.email, GrantInput::email)?;
    let display_name = input::required_text(
        &input.display_name,
        GrantInput::display_name,
        input::DISPLAY_NAME_MAX_CHARS,
    )?;
    let mut tx = db.begin().await?;
    let (grant, grant_facts) = read_grant(&mut tx, input).await?;
    if storage::user_id_by_email(&mut tx, &email).await?.is_some() {
        return Err(AppError::conflict(GrantInput::email, Key::ErrEmailTaken));
    }
    let now = storage::now();
    let admin_id = admin.map(|a| a.user_id);
    // Checked above; an invitation sent at the same moment can still take the address first.
    let user_id = match storage::insert_user(&mut tx, &email, &display_name, None, false, now).await
    {
        Ok(id) => id,
        Err(error) if error.is_unique_violation() => {
            return Err(AppError::conflict(GrantInput::email, Key::ErrEmailTaken))
        }
        Err(error) => return Err(error.into()),
    };
    storage::insert_grant(&mut tx, user_id, &grant, admin_id, now).await?;
    let link_path = auth::create_link(&mut tx, user_id, LinkPurpose::Invitation, admin_id).await?;
    actor
        .audit(
            &mut tx,
            AuditAction::Invited,
            Some(user_id),
            [vec![(AuditFact::Email, email)], grant_facts].concat(),
        )
        .await?;
    tx.commit().await?;
    Ok(Invited { user_id, link_path })
}

/// Grants one more role to an existing account.
pub async fn grant(
    db: &storage::Db,
    actor: &Actor,
    user_id: i64,
    input: &GrantInput,
) -> Result<(), AppError> {
    let admin = actor.authorize(policy::may_administer)?;
    let mut tx = db.begin().await?;
    if !storage::user_exists(&mut tx, user_id).await? {
        return Err(AppError::NotFound);
    }
    let (grant, facts) = read_grant(&mut tx, input).await?;
    if storage::has_grant(&mut tx, user_id, &grant).await? {
        return Err(AppError::conflict(GrantInput::role, Key::ErrGrantExists));
    }
    let admin_id = admin.map(|a| a.user_id);
    storage::insert_grant(&mut tx, user_id, &grant, admin_id, storage::now()).await?;
    actor
        .audit(&mut tx, AuditAction::RoleGranted, Some(user_id), facts)
        .await?;
    tx.commit().await?;
    Ok(())
}

/// Revokes a grant; answers whose grant it was. The last enabled admin keeps theirs.
pub async fn revoke(db: &storage::Db, actor: &Actor, grant_id: i64) -> Result<i64, AppError> {
    actor.authorize(policy::may_administer)?;
    let mut tx = db.begin().await?;
    storage::dialect::lock_admins(&mut tx).await?;
    let (user_id, grant) = storage::delete_grant(&mut tx, grant_id)
        .await?
        .ok_or(AppError::NotFound)?;
    // Checked after the change, under the lock: dropping the transaction undoes it.
    if grant.role == Role::Admin && storage::enabled_admin_count(&mut tx).await? == 0 {
        return Err(AppError::invalid("grant", Key::ErrLastAdmin));
    }
    let facts = grant_facts(
        grant.role,
        grant.member_code.as_deref(),
        grant.institution.as_deref(),
    );
    actor
        .audit(&mut tx, AuditAction::RoleRevoked, Some(user_id), facts)
        .await?;
    tx.commit().await?;
    Ok(user_id)
}

/// Disables an account (ending its sessions) or enables it again; answers which. The last
/// enabled admin stays enabled.
pub async fn set_disabled(
    db: &storage::Db,
    actor: &Actor,
    user_id: i64,
    input: &DisabledInput,
) -> Result<bool, AppError> {
    let admin = actor.authorize(policy::may_administer)?;
    let disabled = match input.disabled.as_str() {
        "true" => true,
        "false" => false,
        _ => return Err(AppError::invalid(DisabledInput::disabled, Key::ErrRequired)),
    };
    if disabled && admin.is_some_and(|a| a.user_id == user_id) {
        return Err(AppError::invalid(
            DisabledInput::disabled,
            Key::ErrSelfDisable,
        ));
    }
    let mut tx = db.begin().await?;
    storage::dialect::lock_admins(&mut tx).await?;
    if !storage::set_disabled(&mut tx, user_id, disabled).await? {
        return Err(AppError::NotFound);
    }
    if disabled && storage::enabled_admin_count(&mut tx).await? == 0 {
        return Err(AppError::invalid(
            DisabledInput::disabled,
            Key::ErrLastAdmin,
        ));
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
    actor.audit(&mut tx, action, Some(user_id), facts).await?;
    tx.commit().await?;
    Ok(disabled)
}

/// A password-reset link for an account (the newest replaces older ones); its path.
pub async fn reset_link(db: &storage::Db, actor: &Actor, user_id: i64) -> Result<String, AppError> {
    let admin = actor.authorize(policy::may_administer)?;
    let mut tx = db.begin().await?;
    if !storage::user_exists(&mut tx, user_id).await? {
        return Err(AppError::NotFound);
    }
    let path = auth::create_link(
        &mut tx,
        user_id,
        LinkPurpose::Reset,
        admin.map(|a| a.user_id),
    )
    .await?;
    actor
        .audit(
            &mut tx,
            AuditAction::ResetLinkCreated,
            Some(user_id),
            Vec::new(),
        )
        .await?;
    tx.commit().await?;
    Ok(path)
}

/// An account given a role from the command line, and its invitation link while it has
/// no password yet.
#[derive(Debug)]
pub struct RoleAdded {
    pub email: String,
    pub role: Role,
    pub invitation_path: Option<String>,
}

/// Creates the account (named after the e-mail's local part unless a name is given) or
/// finds it, and adds the role: the first admin comes this way. Same checks as the
/// invitation form.
pub async fn add_role(
    db: &storage::Db,
    actor: &Actor,
    input: &GrantInput,
) -> Result<RoleAdded, AppError> {
    let admin = actor.authorize(policy::may_administer)?;
    let email = input::email(&input.email, GrantInput::email)?;
    let name = match input.display_name.as_str() {
        "" => email.split('@').next().unwrap_or_default().to_string(),
        given => input::required_text(
            given,
            GrantInput::display_name,
            input::DISPLAY_NAME_MAX_CHARS,
        )?,
    };
    let mut tx = db.begin().await?;
    let (grant, facts) = read_grant(&mut tx, input).await?;
    let now = storage::now();
    let user_id = match storage::user_id_by_email(&mut tx, &email).await? {
        Some(id) => id,
        None => storage::insert_user(&mut tx, &email, &name, None, false, now).await?,
    };
    if storage::has_grant(&mut tx, user_id, &grant).await? {
        return Err(AppError::conflict(GrantInput::role, Key::ErrGrantExists));
    }
    let admin_id = admin.map(|a| a.user_id);
    storage::insert_grant(&mut tx, user_id, &grant, admin_id, now).await?;
    actor
        .audit(&mut tx, AuditAction::RoleGranted, Some(user_id), facts)
        .await?;
    let invitation_path = if storage::has_password(&mut tx, user_id).await? {
        None
    } else {
        Some(auth::create_link(&mut tx, user_id, LinkPurpose::Invitation, admin_id).await?)
    };
    tx.commit().await?;
    Ok(RoleAdded {
        email,
        role: grant.role,
        invitation_path,
    })
}

/// The account with this e-mail, for commands given one by the command line.
pub async fn account_by_email(db: &storage::Db, email: &str) -> Result<i64, AppError> {
    let email = input::email(email, GrantInput::email)?;
    storage::user_id_by_email(&mut db.acquire().await?, &email)
        .await?
        .ok_or_else(|| AppError::invalid(GrantInput::email, Key::ErrAccountUnknown))
}
