//! Who may do what: one function per action, checked on the server by every handler that
//! writes and by the pages that decide which controls to show. Hiding a control is never
//! the check; these functions are.

use crate::domain::{AssessmentSource, Grant, Role, Scorer, Viewer};
use crate::error::AppError;
use crate::i18n::Key;

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
                (Some(own), Some(lead)) => crate::domain::same_name(own, lead),
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

/// Who someone scores the commitments of `member` as: the IRM when they hold that role for
/// it (theirs is the official assessment), else civil society; named publicly by the
/// organisation their grant names, never by their e-mail. Refused as `NotAllowed` without
/// either role, and with a reason when the grant names no organisation (an admin adds it).
pub fn scorer_for(viewer: Option<&Viewer>, member: &str) -> Result<Scorer, AppError> {
    let viewer = signed_in(viewer)?;
    let grants = |role: Role| {
        viewer
            .grants
            .iter()
            .filter(move |g| g.role == role && g.member_code.as_deref() == Some(member))
    };
    let named = |role: Role| {
        grants(role).find_map(|g| {
            let name = g.institution.as_deref()?.trim();
            (!name.is_empty()).then(|| name.to_string())
        })
    };
    let scorer = |source, organisation| Scorer {
        source,
        organisation,
    };
    if let Some(organisation) = named(Role::Irm) {
        return Ok(scorer(AssessmentSource::Irm, organisation));
    }
    if let Some(organisation) = named(Role::Reviewer) {
        return Ok(scorer(AssessmentSource::CivilSociety, organisation));
    }
    if grants(Role::Irm)
        .chain(grants(Role::Reviewer))
        .next()
        .is_some()
    {
        Err(AppError::Rejected(Key::ErrNoOrganisation))
    } else {
        Err(AppError::NotAllowed)
    }
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
    fn a_scorer_is_the_irm_before_civil_society_and_needs_an_organisation() {
        let reviewer = viewer(vec![grant(Role::Reviewer, Some("AA"), Some("Civic Watch"))]);
        assert_eq!(
            scorer_for(Some(&reviewer), "AA"),
            Ok(Scorer {
                source: AssessmentSource::CivilSociety,
                organisation: "Civic Watch".into()
            })
        );
        assert_eq!(scorer_for(Some(&reviewer), "BB"), Err(AppError::NotAllowed));
        let both = viewer(vec![
            grant(Role::Reviewer, Some("AA"), Some("Civic Watch")),
            grant(Role::Irm, Some("AA"), Some("IRM")),
        ]);
        assert_eq!(
            scorer_for(Some(&both), "AA").map(|s| s.source),
            Ok(AssessmentSource::Irm)
        );
        let unnamed = viewer(vec![grant(Role::Reviewer, Some("AA"), None)]);
        assert_eq!(
            scorer_for(Some(&unnamed), "AA"),
            Err(AppError::Rejected(Key::ErrNoOrganisation))
        );
        let admin = viewer(vec![grant(Role::Admin, None, None)]);
        assert_eq!(scorer_for(Some(&admin), "AA"), Err(AppError::NotAllowed));
        assert_eq!(scorer_for(None, "AA"), Err(AppError::SignInRequired));
        // An IRM role without an organisation does not hide a named reviewer role.
        let mixed = viewer(vec![
            grant(Role::Irm, Some("AA"), None),
            grant(Role::Reviewer, Some("AA"), Some(" Civic Watch ")),
        ]);
        assert_eq!(
            scorer_for(Some(&mixed), "AA"),
            Ok(Scorer {
                source: AssessmentSource::CivilSociety,
                organisation: "Civic Watch".into()
            })
        );
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
