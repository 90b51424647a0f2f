//! What people send: one struct per form, shared by the page that renders the form, the
//! server's form handler and command, and the browser. A field's name is written once,
//! in the struct: the form's `name=`, the error's field and the refilled value all read
//! it from there (`MilestoneUpdateInput::progress` is the string `"progress"`).
//!
//! Checks that need nothing but the typed text live here too, so the browser can run the
//! same code the server runs; checks against stored data belong to the commands.

use crate::domain::{
    slugify, ActionPlan, EvidenceLink, Member, MemberKind, MilestoneStatus, PlanStatus, Region,
};
use crate::error::AppError;
use crate::i18n::Key;
use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};

/// Declares a form's input: every field is the text as typed (absent fields are empty),
/// and each field's name is an associated constant of the same name.
macro_rules! form_input {
    ($(#[$meta:meta])* $name:ident { $($(#[$field_meta:meta])* $field:ident),+ $(,)? }) => {
        $(#[$meta])*
        #[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
        pub struct $name {
            $($(#[$field_meta])* #[serde(default)] pub $field: String,)+
        }

        #[allow(non_upper_case_globals)]
        impl $name {
            $(pub const $field: &'static str = stringify!($field);)+

            /// The form's fields as (name, value), in declaration order.
            pub fn fields(&self) -> Vec<(String, String)> {
                vec![$((stringify!($field).to_string(), self.$field.clone())),+]
            }
        }
    };
}

form_input! {
    SignInInput { email, password, next }
}

form_input! {
    /// Changing one's own password.
    PasswordChangeInput { current, password, confirmation }
}

form_input! {
    /// Setting a password from an invitation (with a name) or a reset link.
    SetPasswordInput { display_name, password, confirmation }
}

form_input! {
    /// An admin's invitation (with e-mail and name) or a role granted to an account.
    GrantInput { email, display_name, role, member, institution }
}

form_input! {
    DisabledInput { disabled }
}

form_input! {
    /// A member as an admin creates or edits it.
    MemberInput {
        code,
        name,
        kind,
        region,
        prefix,
        /// The member's version an edit form was rendered from (empty when creating).
        version
    }
}

form_input! {
    /// A new action plan of a member.
    PlanInput { number, title, start_date, end_date, document_url }
}

form_input! {
    /// The status a plan moves on to.
    PlanStatusInput { status }
}

impl PlanStatusInput {
    pub fn validate(&self) -> Result<PlanStatus, AppError> {
        PlanStatus::from_machine(self.status.trim())
            .ok_or_else(|| AppError::invalid(Self::status, Key::ErrPlanStatusStep))
    }
}

form_input! {
    /// A point of contact's update of one milestone.
    MilestoneUpdateInput {
        status,
        progress,
        narrative,
        /// Evidence links, one per line: the web address, then an optional title.
        evidence,
        /// The milestone's version the form was rendered from.
        version
    }
}

pub const MIN_PASSWORD_CHARS: usize = 12;
pub const MAX_PASSWORD_CHARS: usize = 256;
/// The longest display name an account may have, wherever it is set.
pub const DISPLAY_NAME_MAX_CHARS: usize = 120;
pub const NARRATIVE_MAX_CHARS: usize = 5000;
pub const INSTITUTION_MAX_CHARS: usize = 200;

/// Trims a text field and refuses it when empty or too long.
pub fn required_text(value: &str, field: &str, max_chars: usize) -> Result<String, AppError> {
    let value = value.trim();
    if value.is_empty() {
        Err(AppError::invalid(field, Key::ErrRequired))
    } else if value.chars().count() > max_chars {
        Err(AppError::invalid(field, Key::ErrTooLong))
    } else {
        Ok(value.to_string())
    }
}

pub const WEB_LINK_MAX_CHARS: usize = 2000;

/// Whether `url` is an absolute http or https address with a host: the only links pages
/// make clickable (a `javascript:` or `data:` link would run in the reader's session).
pub fn is_web_link(url: &str) -> bool {
    let url = url.trim();
    let Some((scheme, rest)) = url.split_once("://") else {
        return false;
    };
    let host = rest.split(['/', '?', '#']).next().unwrap_or_default();
    (scheme.eq_ignore_ascii_case("http") || scheme.eq_ignore_ascii_case("https"))
        && !host.is_empty()
        && !url.chars().any(|c| c.is_whitespace() || c.is_control())
}

/// A web address typed into a form (evidence, say): http or https only.
pub fn web_link(value: &str, field: &str) -> Result<String, AppError> {
    let value = required_text(value, field, WEB_LINK_MAX_CHARS)?;
    if is_web_link(&value) {
        Ok(value)
    } else {
        Err(AppError::invalid(field, Key::ErrWebLink))
    }
}

/// A plausible e-mail address, lower-cased; `None` when it cannot be one.
pub fn normalize_email(raw: &str) -> Option<String> {
    let email = raw.trim().to_lowercase();
    let (local, domain) = email.split_once('@')?;
    let fine = !local.is_empty()
        && domain.contains('.')
        && !domain.starts_with('.')
        && !domain.ends_with('.')
        && !domain.contains('@')
        && email.len() <= 254
        && !email.chars().any(|c| c.is_whitespace() || c.is_control());
    fine.then_some(email)
}

/// An e-mail address from the field `field`, or why it cannot be one.
pub fn email(value: &str, field: &str) -> Result<String, AppError> {
    normalize_email(value).ok_or_else(|| AppError::invalid(field, Key::ErrEmail))
}

/// A new password typed twice (fields `password` and `confirmation`), or why it is refused.
pub fn new_password(password: &str, confirmation: &str) -> Result<(), AppError> {
    let chars = password.chars().count();
    if chars < MIN_PASSWORD_CHARS {
        Err(AppError::invalid("password", Key::ErrPasswordShort))
    } else if chars > MAX_PASSWORD_CHARS {
        Err(AppError::invalid("password", Key::ErrTooLong))
    } else if password != confirmation {
        Err(AppError::invalid("confirmation", Key::ErrPasswordMismatch))
    } else {
        Ok(())
    }
}

/// A milestone update, checked.
#[derive(Clone, Debug, PartialEq)]
pub struct MilestoneUpdate {
    pub status: MilestoneStatus,
    pub progress: i64,
    pub narrative: String,
    pub evidence: Vec<EvidenceLink>,
    pub version: i64,
}

pub const EVIDENCE_MAX_LINKS: usize = 10;
pub const EVIDENCE_TITLE_MAX_CHARS: usize = 200;

/// Evidence links typed one per line, "address title": each address must be http(s); a
/// line without a title is titled with its address.
pub fn evidence_links(value: &str, field: &str) -> Result<Vec<EvidenceLink>, AppError> {
    let lines: Vec<&str> = value
        .lines()
        .map(str::trim)
        .filter(|line| !line.is_empty())
        .collect();
    if lines.len() > EVIDENCE_MAX_LINKS {
        return Err(AppError::invalid(field, Key::ErrTooManyLinks));
    }
    lines
        .into_iter()
        .map(|line| {
            let (url, title) = line.split_once(char::is_whitespace).unwrap_or((line, ""));
            let url = web_link(url, field)?;
            let title = match title.trim() {
                "" => url.clone(),
                title if title.chars().count() > EVIDENCE_TITLE_MAX_CHARS => {
                    return Err(AppError::invalid(field, Key::ErrTooLong))
                }
                title => title.to_string(),
            };
            Ok(EvidenceLink { url, title })
        })
        .collect()
}

impl MilestoneUpdateInput {
    /// The milestone version the form was rendered from. It is the page's, not the
    /// person's: a missing one means a form from before versions, to be reloaded like a
    /// stale one.
    pub fn base_version(&self) -> Result<i64, AppError> {
        self.version.trim().parse().map_err(|_| AppError::Stale)
    }

    /// The update, or the first field that is wrong and why. A completed milestone is at
    /// 100%: the tracker does not guess which of the two the person meant.
    pub fn validate(&self) -> Result<MilestoneUpdate, AppError> {
        let status = MilestoneStatus::from_machine(self.status.trim())
            .ok_or_else(|| AppError::invalid(Self::status, Key::ErrStatus))?;
        let progress: i64 = self
            .progress
            .trim()
            .parse()
            .ok()
            .filter(|p| (0..=100).contains(p))
            .ok_or_else(|| AppError::invalid(Self::progress, Key::ErrProgress))?;
        if status == MilestoneStatus::Completed && progress != 100 {
            return Err(AppError::invalid(Self::progress, Key::ErrCompletedProgress));
        }
        let narrative = required_text(&self.narrative, Self::narrative, NARRATIVE_MAX_CHARS)?;
        let evidence = evidence_links(&self.evidence, Self::evidence)?;
        // Completion is a claim the public can check: it comes with evidence.
        if status == MilestoneStatus::Completed && evidence.is_empty() {
            return Err(AppError::invalid(
                Self::evidence,
                Key::ErrCompletedNeedsEvidence,
            ));
        }
        let version = self.base_version()?;
        Ok(MilestoneUpdate {
            status,
            progress,
            narrative,
            evidence,
            version,
        })
    }
}

pub const MEMBER_NAME_MAX_CHARS: usize = 200;
pub const PLAN_TITLE_MAX_CHARS: usize = 300;

/// A date typed as `YYYY-MM-DD` (what a date input sends).
pub fn date(value: &str, field: &str) -> Result<NaiveDate, AppError> {
    NaiveDate::parse_from_str(value.trim(), "%Y-%m-%d")
        .map_err(|_| AppError::invalid(field, Key::ErrDate))
}

impl PlanInput {
    /// The plan of `member_code` as typed, a draft, or the first field that is wrong and
    /// why: its number is 1 to 99, it ends after it starts, and a document link is a web
    /// address.
    pub fn validate(&self, member_code: &str) -> Result<ActionPlan, AppError> {
        let number: i64 = self
            .number
            .trim()
            .parse()
            .ok()
            .filter(|n| (1..=99).contains(n))
            .ok_or_else(|| AppError::invalid(Self::number, Key::ErrPlanNumber))?;
        let title = match self.title.trim() {
            "" => None,
            title => Some(required_text(title, Self::title, PLAN_TITLE_MAX_CHARS)?),
        };
        let start = date(&self.start_date, Self::start_date)?;
        let end = date(&self.end_date, Self::end_date)?;
        if end <= start {
            return Err(AppError::invalid(Self::end_date, Key::ErrEndBeforeStart));
        }
        let document_url = match self.document_url.trim() {
            "" => None,
            url => Some(web_link(url, Self::document_url)?),
        };
        Ok(ActionPlan {
            key: ActionPlan::key_for(member_code, number),
            member_code: member_code.to_string(),
            number,
            title,
            year_submitted: Some(i64::from(start.year())),
            end_year: Some(i64::from(end.year())),
            start_date: Some(start),
            end_date: Some(end),
            status: PlanStatus::Draft,
            document_url,
        })
    }
}

/// Upper-case letters and digits, `min..=max` of them, with `-` allowed inside.
fn code_like(value: &str, min: usize, max: usize) -> Option<String> {
    let value = value.trim().to_uppercase();
    let fine = (min..=max).contains(&value.chars().count())
        && value
            .chars()
            .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == '-')
        && !value.starts_with('-')
        && !value.ends_with('-');
    fine.then_some(value)
}

impl MemberInput {
    /// The member as typed, or the first field that is wrong and why. Its code is 2 to 12
    /// letters or digits (`ARG`, `BR-SP`), its commitment-ID prefix 2 to 8 letters (`AR`,
    /// the start of `AR0045`); both are kept upper-case.
    pub fn validate(&self) -> Result<Member, AppError> {
        let code = code_like(&self.code, 2, 12)
            .ok_or_else(|| AppError::invalid(Self::code, Key::ErrMemberCode))?;
        self.validate_for(code, None)
    }

    /// The edited fields of the stored member `stored`: its code stays, and its prefix is
    /// checked only when it changes (imported members may hold one the form would refuse).
    pub fn validate_edit(&self, stored: &Member) -> Result<Member, AppError> {
        let member = self.validate_for(stored.code.clone(), Some(&stored.commitment_prefix))?;
        Ok(Member {
            demo: stored.demo,
            ..member
        })
    }

    fn validate_for(&self, code: String, stored_prefix: Option<&str>) -> Result<Member, AppError> {
        let name = required_text(&self.name, Self::name, MEMBER_NAME_MAX_CHARS)?;
        // A name in a script slugs cannot spell (Arabic, say) takes its address from the code.
        let slug = match slugify(&name) {
            slug if slug.is_empty() => slugify(&code),
            slug => slug,
        };
        if slug.is_empty() {
            return Err(AppError::invalid(Self::name, Key::ErrMemberName));
        }
        let kind = MemberKind::from_machine(self.kind.trim())
            .ok_or_else(|| AppError::invalid(Self::kind, Key::ErrMemberKind))?;
        let region = match self.region.trim() {
            "" => None,
            region => Some(
                Region::from_machine(region)
                    .ok_or_else(|| AppError::invalid(Self::region, Key::ErrRegion))?,
            ),
        };
        let typed_prefix = self.prefix.trim().to_uppercase();
        let prefix = match stored_prefix {
            Some(stored) if stored == typed_prefix => typed_prefix,
            _ => code_like(&self.prefix, 2, 8)
                .filter(|p| p.chars().all(|c| c.is_ascii_uppercase()))
                .ok_or_else(|| AppError::invalid(Self::prefix, Key::ErrPrefix))?,
        };
        Ok(Member {
            code,
            name,
            slug,
            kind,
            region,
            commitment_prefix: prefix,
            demo: false,
        })
    }

    /// The version an edit form was rendered from; a form without one is stale.
    pub fn base_version(&self) -> Result<i64, AppError> {
        self.version.trim().parse().map_err(|_| AppError::Stale)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn evidence_is_web_links_one_per_line_and_completion_needs_some() {
        let links = evidence_links(
            "https://example.org/law.pdf The law as published\n\n  http://example.org/x  ",
            "evidence",
        )
        .unwrap();
        assert_eq!(
            links,
            vec![
                EvidenceLink {
                    url: "https://example.org/law.pdf".into(),
                    title: "The law as published".into()
                },
                EvidenceLink {
                    url: "http://example.org/x".into(),
                    title: "http://example.org/x".into()
                },
            ]
        );
        for bad in [
            "javascript:alert(1) x",
            "example.org/law",
            "data:text/html,x",
        ] {
            assert_eq!(
                evidence_links(bad, "evidence"),
                Err(AppError::invalid("evidence", Key::ErrWebLink)),
                "{bad}"
            );
        }
        let many = "https://example.org/\n".repeat(EVIDENCE_MAX_LINKS + 1);
        assert_eq!(
            evidence_links(&many, "evidence"),
            Err(AppError::invalid("evidence", Key::ErrTooManyLinks))
        );
        let completed = MilestoneUpdateInput {
            status: "completed".into(),
            progress: "100".into(),
            narrative: "Adopted".into(),
            evidence: String::new(),
            version: "1".into(),
        };
        assert_eq!(
            completed.validate(),
            Err(AppError::invalid(
                MilestoneUpdateInput::evidence,
                Key::ErrCompletedNeedsEvidence
            ))
        );
        let with_evidence = MilestoneUpdateInput {
            evidence: "https://example.org/gazette".into(),
            ..completed
        };
        assert_eq!(with_evidence.validate().unwrap().evidence.len(), 1);
    }

    #[test]
    fn plans_are_checked_field_by_field() {
        let input = PlanInput {
            number: "6".into(),
            title: String::new(),
            start_date: "2025-01-01".into(),
            end_date: "2028-12-31".into(),
            document_url: "https://www.opengovpartnership.org/plan.pdf".into(),
        };
        let plan = input.validate("ARG").unwrap();
        assert_eq!(plan.key, "AP_ARG06");
        assert_eq!(
            (plan.year_submitted, plan.end_year),
            (Some(2025), Some(2028))
        );
        assert_eq!(plan.status, PlanStatus::Draft);
        let wrong = |change: fn(&mut PlanInput), field: &str, reason: Key| {
            let mut bad = input.clone();
            change(&mut bad);
            assert_eq!(bad.validate("ARG"), Err(AppError::invalid(field, reason)));
        };
        wrong(
            |i| i.number = "0".into(),
            PlanInput::number,
            Key::ErrPlanNumber,
        );
        wrong(
            |i| i.number = "x".into(),
            PlanInput::number,
            Key::ErrPlanNumber,
        );
        wrong(
            |i| i.start_date = "2025-02-30".into(),
            PlanInput::start_date,
            Key::ErrDate,
        );
        wrong(
            |i| i.end_date = "2024-12-31".into(),
            PlanInput::end_date,
            Key::ErrEndBeforeStart,
        );
        wrong(
            |i| i.document_url = "javascript:alert(1)".into(),
            PlanInput::document_url,
            Key::ErrWebLink,
        );
    }

    #[test]
    fn members_are_checked_field_by_field() {
        let input = MemberInput {
            code: " arg ".into(),
            name: "Argentina".into(),
            kind: "national".into(),
            region: "americas".into(),
            prefix: "ar".into(),
            version: String::new(),
        };
        let member = input.validate().unwrap();
        assert_eq!(
            (
                member.code.as_str(),
                member.slug.as_str(),
                member.commitment_prefix.as_str()
            ),
            ("ARG", "argentina", "AR")
        );
        assert_eq!(member.region, Some(Region::Americas));
        let wrong = |change: fn(&mut MemberInput), field: &str, reason: Key| {
            let mut bad = input.clone();
            change(&mut bad);
            assert_eq!(bad.validate(), Err(AppError::invalid(field, reason)));
        };
        wrong(
            |i| i.code = "A".into(),
            MemberInput::code,
            Key::ErrMemberCode,
        );
        wrong(
            |i| i.code = "AR G".into(),
            MemberInput::code,
            Key::ErrMemberCode,
        );
        wrong(
            |i| i.code = "-AR".into(),
            MemberInput::code,
            Key::ErrMemberCode,
        );
        wrong(|i| i.name = " ".into(), MemberInput::name, Key::ErrRequired);
        let mut arabic = input.clone();
        arabic.name = "الأرجنتين".into();
        assert_eq!(
            arabic.validate().unwrap().slug,
            "arg",
            "the code gives the address"
        );
        let imported = Member {
            commitment_prefix: "A".into(),
            ..input.validate().unwrap()
        };
        let mut kept = input.clone();
        kept.prefix = "a".into();
        assert_eq!(
            kept.validate_edit(&imported).unwrap().commitment_prefix,
            "A",
            "an imported prefix the form would refuse can stay"
        );
        wrong(
            |i| i.kind = "country".into(),
            MemberInput::kind,
            Key::ErrMemberKind,
        );
        wrong(
            |i| i.region = "mars".into(),
            MemberInput::region,
            Key::ErrRegion,
        );
        wrong(
            |i| i.prefix = "A1".into(),
            MemberInput::prefix,
            Key::ErrPrefix,
        );
        wrong(
            |i| i.prefix = "ABCDEFGHI".into(),
            MemberInput::prefix,
            Key::ErrPrefix,
        );
        let mut no_region = input.clone();
        no_region.region = String::new();
        assert_eq!(no_region.validate().unwrap().region, None);
        assert_eq!(input.base_version(), Err(AppError::Stale));
    }

    #[test]
    fn only_http_and_https_addresses_are_web_links() {
        for fine in [
            "https://www.opengovpartnership.org/members/",
            "http://example.org",
            "HTTPS://EXAMPLE.ORG/a?b#c",
        ] {
            assert!(is_web_link(fine), "{fine}");
            assert_eq!(web_link(fine, "url"), Ok(fine.to_string()));
        }
        for refused in [
            "javascript:alert(1)",
            "JavaScript://%0aalert(1)",
            "data:text/html,<script>alert(1)</script>",
            "vbscript:msgbox",
            "//evil.example/",
            "/relative/path",
            "ftp://example.org/file",
            "https://",
            "https:///path",
            "https://exa mple.org",
            "example.org",
        ] {
            assert!(!is_web_link(refused), "{refused}");
            assert_eq!(
                web_link(refused, "url"),
                Err(AppError::invalid("url", Key::ErrWebLink))
            );
        }
        assert_eq!(
            web_link("  ", "url"),
            Err(AppError::invalid("url", Key::ErrRequired))
        );
    }

    fn update(status: &str, progress: &str, narrative: &str) -> MilestoneUpdateInput {
        MilestoneUpdateInput {
            status: status.into(),
            progress: progress.into(),
            narrative: narrative.into(),
            evidence: String::new(),
            version: "3".into(),
        }
    }

    #[test]
    fn field_names_are_the_struct_fields() {
        assert_eq!(MilestoneUpdateInput::progress, "progress");
        let names: Vec<String> = MilestoneUpdateInput::default()
            .fields()
            .into_iter()
            .map(|(name, _)| name)
            .collect();
        assert_eq!(
            names,
            ["status", "progress", "narrative", "evidence", "version"]
        );
    }

    #[test]
    fn milestone_updates_are_checked_field_by_field() {
        assert_eq!(
            update("in_progress", " 40 ", " Tendered. ").validate(),
            Ok(MilestoneUpdate {
                status: MilestoneStatus::InProgress,
                progress: 40,
                narrative: "Tendered.".into(),
                evidence: Vec::new(),
                version: 3,
            })
        );
        let field =
            |input: MilestoneUpdateInput| input.validate().unwrap_err().field().map(String::from);
        assert_eq!(field(update("finished", "40", "x")), Some("status".into()));
        assert_eq!(
            field(update("in_progress", "150", "x")),
            Some("progress".into())
        );
        assert_eq!(
            field(update("in_progress", "4.5", "x")),
            Some("progress".into())
        );
        assert_eq!(
            field(update("completed", "90", "x")),
            Some("progress".into())
        );
        assert_eq!(
            field(update("in_progress", "40", "  ")),
            Some("narrative".into())
        );
        let mut stale = update("in_progress", "40", "x");
        stale.version = String::new();
        assert_eq!(stale.validate(), Err(AppError::Stale));
    }

    #[test]
    fn emails_are_normalized_or_refused() {
        assert_eq!(
            normalize_email("  Ana@Example.ORG "),
            Some("ana@example.org".into())
        );
        for bad in [
            "",
            "ana",
            "ana@",
            "@example.org",
            "ana@example",
            "a b@example.org",
        ] {
            assert_eq!(normalize_email(bad), None, "{bad}");
        }
    }

    #[test]
    fn new_passwords_need_length_and_confirmation() {
        let field = |p: &str, c: &str| new_password(p, c).unwrap_err().field().map(String::from);
        assert_eq!(field("short", "short"), Some("password".into()));
        assert_eq!(
            field("long enough pass", "long enough pasS"),
            Some("confirmation".into())
        );
        assert_eq!(new_password("long enough pass", "long enough pass"), Ok(()));
    }
}
