//! Who may do what: one function per action, checked on the server by every handler that
//! writes and by the pages that decide which controls to show. Hiding a control is never
//! the check; these functions are.

use crate::domain::{Grant, Role, Viewer};
use crate::error::AppError;

/// Allowed, or refused as `AppError::SignInRequired` (nobody is signed in) or
/// `AppError::NotAllowed` (no grant covers the action).
pub type Decision = Result<(), AppError>;

fn signed_in(viewer: Option<&Viewer>) -> Result<&Viewer, AppError> {
    viewer.ok_or(AppError::SignInRequired)
}

fn any_grant(viewer: Option<&Viewer>, covers: impl Fn(&Grant) -> bool) -> Decision {
    let viewer = signed_in(viewer)?;
    if viewer.grants.iter().any(covers) {
        Ok(())
    } else {
        Err(AppError::NotAllowed)
    }
}

fn is_admin(grant: &Grant) -> bool {
    grant.role == Role::Admin
}

fn same_institution(a: &str, b: &str) -> bool {
    a.trim().eq_ignore_ascii_case(b.trim())
}

/// Managing accounts, grants and links, and reading the audit log.
pub fn may_administer(viewer: Option<&Viewer>) -> Decision {
    any_grant(viewer, is_admin)
}

/// Creating and editing members.
pub fn may_manage_members(viewer: Option<&Viewer>) -> Decision {
    may_administer(viewer)
}

/// Creating and keeping the action plans of `member`: admins, and the member's points of
/// contact whose grant is not limited to one institution (a plan is the whole member's).
pub fn may_keep_plans(viewer: Option<&Viewer>, member: &str) -> Decision {
    any_grant(viewer, |g| {
        is_admin(g)
            || (g.role == Role::Poc
                && g.member_code.as_deref() == Some(member)
                && g.institution.is_none())
    })
}

/// Changing one's own password, signing out everywhere.
pub fn may_manage_own_account(viewer: Option<&Viewer>) -> Decision {
    signed_in(viewer).map(|_| ())
}

/// The grant a point of contact writes a milestone update under, if any.
pub fn poc_grant_for<'v>(
    viewer: &'v Viewer,
    member: &str,
    lead_institution: Option<&str>,
) -> Option<&'v Grant> {
    viewer.grants.iter().find(|g| {
        g.role == Role::Poc
            && g.member_code.as_deref() == Some(member)
            && match (&g.institution, lead_institution) {
                (None, _) => true,
                (Some(own), Some(lead)) => same_institution(own, lead),
                (Some(_), None) => false,
            }
    })
}

/// Posting a progress update on a milestone of a commitment of `member` led by
/// `lead_institution`: the member's points of contact (limited to their institution when
/// their grant names one) and admins.
pub fn may_update_milestone(
    viewer: Option<&Viewer>,
    member: &str,
    lead_institution: Option<&str>,
) -> Decision {
    let viewer = signed_in(viewer)?;
    if viewer.grants.iter().any(is_admin)
        || poc_grant_for(viewer, member, lead_institution).is_some()
    {
        Ok(())
    } else {
        Err(AppError::NotAllowed)
    }
}

/// Scoring a commitment of `member` as civil society.
pub fn may_review(viewer: Option<&Viewer>, member: &str) -> Decision {
    any_grant(viewer, |g| {
        g.role == Role::Reviewer && g.member_code.as_deref() == Some(member)
    })
}

/// Recording the official IRM assessment of a commitment of `member`.
pub fn may_assess_as_irm(viewer: Option<&Viewer>, member: &str) -> Decision {
    any_grant(viewer, |g| {
        g.role == Role::Irm && g.member_code.as_deref() == Some(member)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn grant(role: Role, member: Option<&str>, institution: Option<&str>) -> Grant {
        Grant {
            id: 1,
            role,
            member_code: member.map(str::to_string),
            member_name: None,
            institution: institution.map(str::to_string),
        }
    }

    fn viewer(grants: Vec<Grant>) -> Viewer {
        Viewer {
            user_id: 7,
            display_name: "Test".into(),
            grants,
        }
    }

    #[test]
    fn anonymous_must_sign_in_for_every_action() {
        assert_eq!(may_administer(None), Err(AppError::SignInRequired));
        assert_eq!(may_manage_own_account(None), Err(AppError::SignInRequired));
        assert_eq!(
            may_update_milestone(None, "AA", None),
            Err(AppError::SignInRequired)
        );
        assert_eq!(may_review(None, "AA"), Err(AppError::SignInRequired));
        assert_eq!(may_assess_as_irm(None, "AA"), Err(AppError::SignInRequired));
    }

    #[test]
    fn poc_is_limited_to_member_and_named_institution() {
        let whole_member = viewer(vec![grant(Role::Poc, Some("AA"), None)]);
        assert_eq!(
            may_update_milestone(Some(&whole_member), "AA", Some("Any")),
            Ok(())
        );
        assert_eq!(
            may_update_milestone(Some(&whole_member), "BB", Some("Any")),
            Err(AppError::NotAllowed)
        );
        let one_institution = viewer(vec![grant(
            Role::Poc,
            Some("AA"),
            Some("Ministry of Finance"),
        )]);
        assert_eq!(
            may_update_milestone(Some(&one_institution), "AA", Some(" ministry of finance ")),
            Ok(())
        );
        assert_eq!(
            may_update_milestone(Some(&one_institution), "AA", Some("Ministry of Justice")),
            Err(AppError::NotAllowed)
        );
        assert_eq!(
            may_update_milestone(Some(&one_institution), "AA", None),
            Err(AppError::NotAllowed)
        );
    }

    #[test]
    fn roles_do_not_stand_in_for_each_other() {
        let reviewer = viewer(vec![grant(Role::Reviewer, Some("AA"), None)]);
        let irm = viewer(vec![grant(Role::Irm, Some("AA"), None)]);
        let admin = viewer(vec![grant(Role::Admin, None, None)]);
        assert_eq!(may_review(Some(&reviewer), "AA"), Ok(()));
        assert_eq!(may_review(Some(&reviewer), "BB"), Err(AppError::NotAllowed));
        assert_eq!(
            may_assess_as_irm(Some(&reviewer), "AA"),
            Err(AppError::NotAllowed)
        );
        assert_eq!(may_assess_as_irm(Some(&irm), "AA"), Ok(()));
        assert_eq!(
            may_update_milestone(Some(&irm), "AA", None),
            Err(AppError::NotAllowed)
        );
        assert_eq!(may_administer(Some(&reviewer)), Err(AppError::NotAllowed));
        assert_eq!(may_administer(Some(&admin)), Ok(()));
        // An admin keeps records straight but does not speak for civil society or the IRM.
        assert_eq!(may_review(Some(&admin), "AA"), Err(AppError::NotAllowed));
        assert_eq!(may_update_milestone(Some(&admin), "AA", None), Ok(()));
    }

    #[test]
    fn several_grants_add_up() {
        let both = viewer(vec![
            grant(Role::Reviewer, Some("AA"), None),
            grant(Role::Poc, Some("BB"), None),
        ]);
        assert_eq!(may_review(Some(&both), "AA"), Ok(()));
        assert_eq!(may_update_milestone(Some(&both), "BB", None), Ok(()));
        assert_eq!(
            may_update_milestone(Some(&both), "AA", None),
            Err(AppError::NotAllowed)
        );
    }
}
