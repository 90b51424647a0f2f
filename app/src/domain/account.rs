//! People who write to the tracker: their roles, the scope of each role, and what the
//! pages may know about the person viewing them. E-mail addresses stay on the server
//! except on the person's own account page and in the admin's account list.

use super::levels::normalize_label;
use crate::i18n::Key;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

level_enum! {
    /// What a role grant lets its holder do; the scope is on the grant.
    Role {
        Admin = "admin" => RoleAdmin,
        Poc = "poc" => RolePoc,
        Reviewer = "reviewer" => RoleReviewer,
        Irm = "irm" => RoleIrm,
    }
}

impl Role {
    /// Roles other than admin only make sense for a member.
    pub fn needs_member(self) -> bool {
        self != Role::Admin
    }
}

/// One role held by one person, with its scope.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Grant {
    pub id: i64,
    pub role: Role,
    /// The code of the member the role is limited to; `None` for admins.
    pub member_code: Option<String>,
    pub member_name: Option<String>,
    /// For a point of contact: the one lead institution whose commitments they keep.
    pub institution: Option<String>,
}

/// The signed-in person as every page and handler sees them.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Viewer {
    pub user_id: i64,
    pub display_name: String,
    pub grants: Vec<Grant>,
}

/// An account as the admin's list shows it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Account {
    pub id: i64,
    pub email: String,
    pub display_name: String,
    pub disabled: bool,
    /// The account has a password (an invitation not yet accepted leaves it without).
    pub active: bool,
    pub demo: bool,
    pub created_at: DateTime<Utc>,
    pub last_sign_in_at: Option<DateTime<Utc>>,
    pub grants: Vec<Grant>,
}

level_enum! {
    /// What an audit log line records.
    AuditAction {
        Invited = "invited" => AuditInvited,
        InvitationAccepted = "invitation_accepted" => AuditInvitationAccepted,
        RoleGranted = "role_granted" => AuditRoleGranted,
        RoleRevoked = "role_revoked" => AuditRoleRevoked,
        AccountDisabled = "account_disabled" => AuditAccountDisabled,
        AccountEnabled = "account_enabled" => AuditAccountEnabled,
        ResetLinkCreated = "reset_link_created" => AuditResetLinkCreated,
        PasswordReset = "password_reset" => AuditPasswordReset,
        PasswordChanged = "password_changed" => AuditPasswordChanged,
        SignedOutEverywhere = "signed_out_everywhere" => AuditSignedOutEverywhere,
        SignInThrottled = "sign_in_throttled" => AuditSignInThrottled,
        DataImported = "data_imported" => AuditDataImported,
        DemoDataLoaded = "demo_data_loaded" => AuditDemoDataLoaded,
        LeadInstitutionChanged = "lead_institution_changed" => AuditLeadInstitutionChanged,
        AssessmentDrafted = "assessment_drafted" => AuditAssessmentDrafted,
        AssessmentDraftDeleted = "assessment_draft_deleted" => AuditAssessmentDraftDeleted,
    }
}

level_enum! {
    /// A fact an audit line records beside its action. Lines store facts, not sentences,
    /// so the log reads in the admin's language and stays machine-readable.
    AuditFact {
        Email = "email" => AuditFactEmail,
        Role = "role" => AuditFactRole,
        Member = "member" => AuditFactMember,
        Institution = "institution" => AuditFactInstitution,
        Sessions = "sessions" => AuditFactSessions,
        Attempts = "attempts" => AuditFactAttempts,
        Via = "via" => AuditFactVia,
        File = "file" => AuditFactFile,
        Changes = "changes" => AuditFactChanges,
        Limit = "limit" => AuditFactLimit,
        Commitment = "commitment" => AuditFactCommitment,
        Previous = "previous" => AuditFactPrevious,
        Scale = "scale" => AuditFactScale,
        Seed = "seed" => AuditFactSeed,
        Commitments = "commitments" => AuditFactCommitments,
        Accounts = "accounts" => AuditFactAccounts,
        Assessment = "assessment" => AuditFactAssessment,
    }
}

/// The value of [`AuditFact::Via`] for changes made with `ogp-tracker user ...`.
pub const VIA_COMMAND_LINE: &str = "command_line";

/// The facts describing a role grant: its role (machine name) and scope.
pub fn grant_facts(
    role: Role,
    member_code: Option<&str>,
    institution: Option<&str>,
) -> Vec<(AuditFact, String)> {
    let mut facts = vec![(AuditFact::Role, role.as_str().to_string())];
    if let Some(code) = member_code {
        facts.push((AuditFact::Member, code.to_string()));
    }
    if let Some(institution) = institution {
        facts.push((AuditFact::Institution, institution.to_string()));
    }
    facts
}

/// One line of the audit log.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct AuditEntry {
    pub id: i64,
    pub at: DateTime<Utc>,
    pub actor: Option<String>,
    pub action: String,
    pub subject: Option<String>,
    /// In [`AuditFact`] order.
    pub facts: Vec<(AuditFact, String)>,
    pub address: Option<String>,
}

/// What a one-time link is for.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum LinkPurpose {
    Invitation,
    Reset,
}

impl LinkPurpose {
    pub fn as_str(self) -> &'static str {
        match self {
            LinkPurpose::Invitation => "invitation",
            LinkPurpose::Reset => "reset",
        }
    }

    pub fn from_machine(name: &str) -> Option<LinkPurpose> {
        match name {
            "invitation" => Some(LinkPurpose::Invitation),
            "reset" => Some(LinkPurpose::Reset),
            _ => None,
        }
    }

    /// Where the link leads; the token follows.
    pub fn path(self) -> &'static str {
        match self {
            LinkPurpose::Invitation => "/invitations/",
            LinkPurpose::Reset => "/password-reset/",
        }
    }

    /// How long a link stays usable.
    pub fn lifetime_hours(self) -> i64 {
        match self {
            LinkPurpose::Invitation => 7 * 24,
            LinkPurpose::Reset => 24,
        }
    }
}

/// Member code every demo account's role is limited to (the first demo member).
pub const DEMO_MEMBER_CODE: &str = "XAA";

/// The demo accounts, one per role, with their published passwords. They exist only in
/// demo installations, and the sign-in page lists them only there.
pub const DEMO_ACCOUNTS: &[(Role, &str, &str)] = &[
    (Role::Admin, "admin@demo.example", "demo-admin-password"),
    (Role::Poc, "poc@demo.example", "demo-poc-password"),
    (
        Role::Reviewer,
        "reviewer@demo.example",
        "demo-reviewer-password",
    ),
    (Role::Irm, "irm@demo.example", "demo-irm-password"),
];
