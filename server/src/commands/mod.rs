//! Every state change is a command here, in a module per area. A command takes the
//! database, the actor and a typed input; it validates, asks the policy module, writes,
//! and records the audit line and the public history entry, all in one transaction, and
//! answers with a typed outcome or one [`AppError`]. The HTML form handlers
//! (`crate::forms`), the command line (`crate::cli`) and the coming REST API are adapters
//! that parse their input, call a command and render what it answers.

pub mod accounts;
pub mod admin;
pub mod assessments;
pub mod commitments;
pub mod demo;
pub mod imports;
pub mod members;
pub mod milestones;
pub mod plan_csv;
pub mod plans;
pub mod throttle;

pub use app::error::AppError;

use app::domain::{
    AuditAction, AuditFact, ChangeCause, PublicActor, Role, Viewer, VIA_COMMAND_LINE,
};
use app::policy::{self, Decision};
use app::storage::{self, Conn, NewAuditEntry, NewChange, StorageError};
use chrono::{DateTime, Utc};

/// Who runs a command, and through which door.
#[derive(Clone, Debug)]
pub enum Actor {
    /// Someone using the site, signed in or not, from an address.
    Visitor {
        viewer: Option<Viewer>,
        address: String,
    },
    /// Whoever runs `ogp-tracker` on the server: the installation's operator, who may do
    /// anything the database allows.
    CommandLine,
    /// The command line acting as an account (`--as EMAIL`): held to that account's grants,
    /// and named by its role in the history.
    Account(Viewer),
}

impl Actor {
    pub fn visitor(viewer: Option<Viewer>, address: &str) -> Actor {
        Actor::Visitor {
            viewer,
            address: address.to_string(),
        }
    }

    pub fn viewer(&self) -> Option<&Viewer> {
        match self {
            Actor::Visitor { viewer, .. } => viewer.as_ref(),
            Actor::CommandLine => None,
            Actor::Account(viewer) => Some(viewer),
        }
    }

    /// Whether the actor may act: a visitor as `decision` says for them; the command line
    /// always. Answers the signed-in person, if any.
    pub fn authorize(
        &self,
        decision: impl FnOnce(Option<&Viewer>) -> Decision,
    ) -> Result<Option<&Viewer>, AppError> {
        match self {
            Actor::Visitor { viewer, .. } => {
                decision(viewer.as_ref())?;
                Ok(viewer.as_ref())
            }
            Actor::CommandLine => Ok(None),
            Actor::Account(viewer) => {
                decision(Some(viewer))?;
                Ok(Some(viewer))
            }
        }
    }

    /// Like [`Actor::authorize`], for actions only a signed-in person takes.
    pub fn signed_in(
        &self,
        decision: impl FnOnce(Option<&Viewer>) -> Decision,
    ) -> Result<&Viewer, AppError> {
        self.authorize(decision)?.ok_or(AppError::SignInRequired)
    }

    /// The door a change came through, for its history.
    pub fn cause(&self) -> ChangeCause {
        match self {
            Actor::Visitor { .. } => ChangeCause::Form,
            Actor::CommandLine | Actor::Account(_) => ChangeCause::CommandLine,
        }
    }

    /// A change made now by this actor, publicly named as `public`.
    pub fn change(&self, at: DateTime<Utc>, public: PublicActor) -> NewChange {
        NewChange {
            at,
            cause: self.cause(),
            source: None,
            actor: public,
            actor_user_id: self.viewer().map(|v| v.user_id),
        }
    }

    /// How the history names someone keeping a member's plans and commitments: as the
    /// member's point of contact when they hold that role, else as an administrator.
    pub fn for_member(&self, member_code: &str) -> PublicActor {
        match self.viewer() {
            Some(viewer) if policy::poc_grant_for(viewer, member_code, None).is_some() => {
                PublicActor {
                    role: Some(Role::Poc),
                    member: Some(member_code.to_string()),
                    institution: None,
                }
            }
            Some(_) => PublicActor {
                role: Some(Role::Admin),
                member: None,
                institution: None,
            },
            None => PublicActor::default(),
        }
    }

    /// How the history names someone reporting on a commitment of `member_code` led by
    /// `lead`: a point of contact with their institution (their grant's, else the lead's,
    /// else the member's name), or an administrator.
    pub fn for_commitment(&self, member_code: &str, lead: Option<&str>) -> PublicActor {
        let viewer = self.viewer();
        match viewer.and_then(|v| policy::poc_grant_for(v, member_code, lead)) {
            Some(grant) => PublicActor {
                role: Some(Role::Poc),
                member: Some(member_code.to_string()),
                institution: grant
                    .institution
                    .clone()
                    .or_else(|| lead.map(str::to_string))
                    .or_else(|| grant.member_name.clone()),
            },
            None => PublicActor {
                role: viewer.map(|_| Role::Admin),
                member: None,
                institution: None,
            },
        }
    }

    /// Writes an audit line for this actor, in the command's transaction: the address of a
    /// visitor, or the fact that it came from the command line.
    pub async fn audit(
        &self,
        conn: &mut dyn Conn,
        action: AuditAction,
        subject_id: Option<i64>,
        mut facts: Vec<(AuditFact, String)>,
    ) -> Result<(), StorageError> {
        let address = match self {
            Actor::Visitor { address, .. } => Some(address.clone()),
            Actor::CommandLine | Actor::Account(_) => {
                facts.push((AuditFact::Via, VIA_COMMAND_LINE.to_string()));
                None
            }
        };
        let entry = NewAuditEntry {
            actor_id: self.viewer().map(|v| v.user_id),
            action,
            subject_id,
            facts,
            address,
        };
        storage::insert_audit(conn, &entry, storage::now()).await
    }
}
