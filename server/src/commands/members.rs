//! Members: an admin creates and edits them (from the admin pages or the command line), so
//! an installation for one country or city starts with its own member. Each change leaves
//! its public history.

use super::{Actor, AppError};
use app::domain::{Member, PublicActor, RecordKind, Role};
use app::i18n::Key;
use app::input::MemberInput;
use app::policy;
use app::storage::{self, ChangeRecorder, Conn, Db, NewEntry};

/// How the history names an admin: by role only.
fn public_actor(actor: &Actor) -> PublicActor {
    PublicActor {
        role: actor.viewer().map(|_| Role::Admin),
        member: None,
        institution: None,
    }
}

/// Refuses a name or prefix another member holds already.
async fn refuse_clashes(
    conn: &mut dyn Conn,
    member: &Member,
    except: Option<i64>,
    prefix_changed: bool,
) -> Result<(), AppError> {
    let (slug_taken, prefix_taken) = storage::member_clashes(conn, member, except).await?;
    if slug_taken {
        return Err(AppError::conflict(
            MemberInput::name,
            Key::ErrMemberNameTaken,
        ));
    }
    // Imported members may share a prefix already; only a new or changed one is checked.
    if prefix_taken && prefix_changed {
        return Err(AppError::conflict(MemberInput::prefix, Key::ErrPrefixTaken));
    }
    Ok(())
}

/// Creates a member; answers it as stored.
pub async fn add(db: &Db, actor: &Actor, input: &MemberInput) -> Result<Member, AppError> {
    actor.authorize(policy::may_manage_members)?;
    let member = input.validate()?;
    let mut tx = db.begin().await?;
    if storage::stored_member(&mut tx, &member.code)
        .await?
        .is_some()
    {
        return Err(AppError::conflict(
            MemberInput::code,
            Key::ErrMemberCodeTaken,
        ));
    }
    refuse_clashes(&mut tx, &member, None, true).await?;
    let id = match storage::insert_member(&mut tx, &member, false).await {
        Ok(id) => id,
        // Checked above; a member created at the same moment can still take the code.
        Err(error) if error.is_unique_violation() => {
            return Err(AppError::conflict(
                MemberInput::code,
                Key::ErrMemberCodeTaken,
            ))
        }
        Err(error) => return Err(error.into()),
    };
    let mut history = ChangeRecorder::new(actor.change(storage::now(), public_actor(actor)));
    let created = NewEntry::created(RecordKind::Member, id, None, None, &member.name);
    history.record(&mut tx, &[created]).await?;
    tx.commit().await?;
    Ok(member)
}

/// Edits the member `code` as the form rendered from `input.version` saw it; its code
/// stays (commitment IDs and grants name it). Answers it as stored.
pub async fn edit(
    db: &Db,
    actor: &Actor,
    code: &str,
    input: &MemberInput,
) -> Result<Member, AppError> {
    actor.authorize(policy::may_manage_members)?;
    let mut tx = db.begin().await?;
    let (id, stored, stored_version) = storage::member_for_edit(&mut tx, &code.to_uppercase())
        .await?
        .ok_or(AppError::NotFound)?;
    // An outdated form is refused as such before its fields are judged.
    let version = input.base_version()?;
    if version != stored_version {
        return Err(AppError::Stale);
    }
    let member = input.validate_edit(&stored)?;
    if member == stored {
        return Ok(member);
    }
    let prefix_changed = member.commitment_prefix != stored.commitment_prefix;
    refuse_clashes(&mut tx, &member, Some(id), prefix_changed).await?;
    if !storage::update_member(&mut tx, id, &member, Some(version)).await? {
        return Err(AppError::Stale);
    }
    let mut history = ChangeRecorder::new(actor.change(storage::now(), public_actor(actor)));
    let entries = NewEntry::changes(
        RecordKind::Member,
        id,
        None,
        None,
        &stored.history_values(),
        &member.history_values(),
    );
    history.record(&mut tx, &entries).await?;
    tx.commit().await?;
    Ok(member)
}
