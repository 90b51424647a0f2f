//! What people send: one struct per form, shared by the page that renders the form, the
//! server's form handler and command, and the browser. A field's name is written once,
//! in the struct: the form's `name=`, the error's field and the refilled value all read
//! it from there (`MilestoneUpdateInput::progress` is the string `"progress"`).
//!
//! Checks that need nothing but the typed text live here too, so the browser can run the
//! same code the server runs; checks against stored data belong to the commands.

use crate::domain::{
    slugify, ActionPlan, Budget, Commitment, EvidenceLink, Member, MemberKind, MilestoneStatus,
    OgpValue, PlanStatus, Region,
};
use crate::error::AppError;
use crate::i18n::Key;
use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};

mod assessment;
pub use assessment::*;

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
    /// An action plan of a member, new or edited.
    PlanInput {
        number,
        title,
        start_date,
        end_date,
        document_url,
        /// The plan's version an edit form was rendered from (empty when creating).
        version
    }
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
        version,
        /// The id of the earlier update this one corrects; empty for a new report.
        corrects
    }
}

form_input! {
    /// A commitment as a point of contact enters or edits it. The OGP values are four
    /// check boxes, named `value_` and the value's machine name.
    CommitmentInput {
        code,
        number,
        title,
        description,
        problem,
        lead_institution,
        supporting_institutions,
        value_access_to_information,
        value_civic_participation,
        value_public_accountability,
        value_technology_innovation,
        /// Policy areas, separated by commas or lines.
        policy_areas,
        start_date,
        end_date,
        budget_amount,
        budget_currency,
        funding_source,
        /// `yes`, `no`, or empty when not known.
        funded,
        /// The commitment's version an edit form was rendered from (empty when adding).
        version
    }
}

form_input! {
    /// A plan file sent back: as a file (the form's `files` field), or as the text its
    /// preview's confirm form carries (`csv`), with the plan's `state` that preview saw and
    /// `apply` set to `yes`.
    PlanUploadInput { csv, file_name, apply, state }
}

form_input! {
    /// Withdrawing a commitment: why, and the version the form saw.
    WithdrawalInput { reason, version }
}

form_input! {
    /// A milestone as a point of contact adds or edits it (its status and progress move
    /// with progress updates).
    MilestoneInput {
        title,
        description,
        responsible_institution,
        planned_start,
        planned_end,
        /// Its share of the commitment's progress; empty is 1.
        weight,
        /// The milestone's version an edit form was rendered from (empty when adding).
        version
    }
}

form_input! {
    /// Moving a milestone one place `up` or `down` in its commitment's list.
    MoveInput { direction, version }
}

form_input! {
    /// The government's own completion level of a commitment at a stage, with why.
    SelfAssessmentInput { stage, completion, justification }
}

pub const JUSTIFICATION_MAX_CHARS: usize = 5000;

impl SelfAssessmentInput {
    /// The stage (mid-term or end of term), a completion level of `scale`, and the
    /// justification, or the first that is wrong and why.
    pub fn validate(
        &self,
        scale: crate::domain::ScaleSet,
    ) -> Result<(crate::domain::Stage, crate::domain::Completion, String), AppError> {
        use crate::domain::{Completion, Stage};
        let stage = Stage::from_machine(self.stage.trim())
            .filter(|s| matches!(s, Stage::MidTerm | Stage::EndOfTerm))
            .ok_or_else(|| AppError::invalid(Self::stage, Key::ErrChoice))?;
        let completion = Completion::from_machine(self.completion.trim())
            .filter(|c| scale.completion_levels().contains(c))
            .ok_or_else(|| AppError::invalid(Self::completion, Key::ErrChoice))?;
        let justification = required_text(
            &self.justification,
            Self::justification,
            JUSTIFICATION_MAX_CHARS,
        )?;
        Ok((stage, completion, justification))
    }
}

pub const MIN_PASSWORD_CHARS: usize = 12;
pub const MAX_PASSWORD_CHARS: usize = 256;
/// The longest display name an account may have, wherever it is set.
pub const DISPLAY_NAME_MAX_CHARS: usize = 120;
pub const NARRATIVE_MAX_CHARS: usize = 5000;
pub const INSTITUTION_MAX_CHARS: usize = 200;

/// Trims a text field and refuses it when empty or too long. Line ends are kept as `\n`
/// (browsers send a text area's as `\r\n`), so the same text is stored alike from a form,
/// a file or the browser's own check.
pub fn required_text(value: &str, field: &str, max_chars: usize) -> Result<String, AppError> {
    let value = value.trim().replace("\r\n", "\n");
    if value.is_empty() {
        Err(AppError::invalid(field, Key::ErrRequired))
    } else if value.chars().count() > max_chars {
        Err(AppError::invalid(field, Key::ErrTooLong))
    } else {
        Ok(value)
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
    pub corrects: Option<i64>,
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
        base_version(&self.version)
    }

    /// The update, or the first field that is wrong and why. A completed milestone is at
    /// 100%: the tracker does not guess which of the two the person meant.
    pub fn validate(&self) -> Result<MilestoneUpdate, AppError> {
        self.validate_with_files(0)
    }

    /// Like [`MilestoneUpdateInput::validate`] for an update that also brings `files`
    /// evidence files, which count as evidence of completion.
    pub fn validate_with_files(&self, files: usize) -> Result<MilestoneUpdate, AppError> {
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
        if status == MilestoneStatus::Completed && evidence.is_empty() && files == 0 {
            return Err(AppError::invalid(
                Self::evidence,
                Key::ErrCompletedNeedsEvidence,
            ));
        }
        let version = self.base_version()?;
        let corrects = match self.corrects.trim() {
            "" => None,
            id => Some(
                id.parse()
                    .map_err(|_| AppError::invalid(Self::corrects, Key::ErrCorrects))?,
            ),
        };
        Ok(MilestoneUpdate {
            status,
            progress,
            narrative,
            evidence,
            version,
            corrects,
        })
    }
}

pub const MEMBER_NAME_MAX_CHARS: usize = 200;
pub const PLAN_TITLE_MAX_CHARS: usize = 300;

/// Powers of ten an `f64` holds exactly.
const EXACT_POWERS_OF_TEN: [f64; 23] = [
    1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16,
    1e17, 1e18, 1e19, 1e20, 1e21, 1e22,
];

/// Most significant digits a typed number may have: fewer than an `f64` holds exactly.
const DECIMAL_DIGITS_MAX: usize = 15;

/// A number typed as digits with an optional decimal point (`1250`, `1250.50`, `.5`),
/// read to the same `f64` as `str::parse` reads it, bit for bit; anything else (signs,
/// exponents, `inf`, more than 15 significant digits) is refused.
///
/// Written out rather than calling `str::parse::<f64>` because the forms' checks run in
/// the browser too, and the general float parser was about 12 KB of the first load
/// (brotli). With at most 15 significant digits the digits are an exact integer and
/// the power of ten is exact, so one multiplication or division rounds correctly, as the
/// general parser does.
pub fn decimal_number(typed: &str) -> Option<f64> {
    let (whole, fraction) = typed.split_once('.').unwrap_or((typed, ""));
    if (whole.is_empty() && fraction.is_empty()) || !all_digits(whole) || !all_digits(fraction) {
        return None;
    }
    let digits = format!("{whole}{fraction}");
    let significant = digits.trim_start_matches('0');
    let trimmed = significant.trim_end_matches('0');
    if trimmed.is_empty() {
        return Some(0.0);
    }
    let exponent = (significant.len() - trimmed.len()) as i64 - fraction.len() as i64;
    let power = EXACT_POWERS_OF_TEN.get(exponent.unsigned_abs() as usize)?;
    if trimmed.len() > DECIMAL_DIGITS_MAX {
        return None;
    }
    let mantissa = trimmed
        .bytes()
        .fold(0u64, |n, digit| n * 10 + u64::from(digit - b'0')) as f64;
    Some(if exponent < 0 {
        mantissa / power
    } else {
        mantissa * power
    })
}

fn all_digits(part: &str) -> bool {
    part.bytes().all(|b| b.is_ascii_digit())
}

/// A date typed as `YYYY-MM-DD` (what a date input sends; a month or day of one digit is
/// read too, as people type it where the browser offers no date picker). Chrono's
/// `%Y-%m-%d` also read years of other lengths, signs and spaces; those are refused.
///
/// Read by hand rather than with chrono's `parse_from_str`, whose format-string reader
/// is only needed here and would ship to the browser with the forms' checks.
pub fn date(value: &str, field: &str) -> Result<NaiveDate, AppError> {
    let number = |part: &str, digits: std::ops::RangeInclusive<usize>| {
        (digits.contains(&part.len()) && all_digits(part))
            .then(|| part.parse::<u32>().ok())
            .flatten()
    };
    let mut parts = value.trim().split('-');
    let (year, month, day) = (parts.next(), parts.next(), parts.next());
    match (year, month, day, parts.next()) {
        (Some(year), Some(month), Some(day), None) => number(year, 4..=4)
            .zip(number(month, 1..=2))
            .zip(number(day, 1..=2))
            .and_then(|((y, m), d)| NaiveDate::from_ymd_opt(y as i32, m, d)),
        _ => None,
    }
    .ok_or_else(|| AppError::invalid(field, Key::ErrDate))
}

impl PlanInput {
    /// The edited fields of the stored plan `stored`: its number (which its key is made
    /// of) and its status stay.
    /// A date left empty stays empty where the stored plan has none (imported plans may
    /// lack them); the years follow the dates only when the dates change.
    pub fn validate_edit(&self, stored: &ActionPlan) -> Result<ActionPlan, AppError> {
        let title = optional_text(&self.title, Self::title, PLAN_TITLE_MAX_CHARS)?;
        let read = |typed: &str, field: &str, stored: Option<NaiveDate>| match typed.trim() {
            "" if stored.is_none() => Ok(None),
            typed => date(typed, field).map(Some),
        };
        let start_date = read(&self.start_date, Self::start_date, stored.start_date)?;
        let end_date = read(&self.end_date, Self::end_date, stored.end_date)?;
        if let (Some(start), Some(end)) = (start_date, end_date) {
            if end <= start {
                return Err(AppError::invalid(Self::end_date, Key::ErrEndBeforeStart));
            }
        }
        let document_url = match self.document_url.trim() {
            "" => None,
            url => Some(web_link(url, Self::document_url)?),
        };
        let year = |date: Option<NaiveDate>, stored_date: Option<NaiveDate>, stored_year| {
            if date == stored_date {
                stored_year
            } else {
                date.map(|d| i64::from(d.year()))
            }
        };
        Ok(ActionPlan {
            title,
            year_submitted: year(start_date, stored.start_date, stored.year_submitted),
            end_year: year(end_date, stored.end_date, stored.end_year),
            start_date,
            end_date,
            document_url,
            ..stored.clone()
        })
    }

    pub fn base_version(&self) -> Result<i64, AppError> {
        base_version(&self.version)
    }

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

/// The version an edit form was rendered from. It is the page's, not the person's: a form
/// without one is outdated, and refused as stale.
pub fn base_version(value: &str) -> Result<i64, AppError> {
    value.trim().parse().map_err(|_| AppError::Stale)
}

/// An optional text field: `None` when left empty, else trimmed and at most `max_chars`.
pub fn optional_text(
    value: &str,
    field: &str,
    max_chars: usize,
) -> Result<Option<String>, AppError> {
    match value.trim() {
        "" => Ok(None),
        value => required_text(value, field, max_chars).map(Some),
    }
}

/// An optional date; the end, when both are given, after the start.
fn optional_dates(
    start: (&str, &str),
    end: (&str, &str),
) -> Result<(Option<NaiveDate>, Option<NaiveDate>), AppError> {
    let read = |(value, field): (&str, &str)| match value.trim() {
        "" => Ok(None),
        value => date(value, field).map(Some),
    };
    let (start_date, end_date) = (read(start)?, read(end)?);
    if let (Some(s), Some(e)) = (start_date, end_date) {
        if e < s {
            return Err(AppError::invalid(end.1, Key::ErrEndBeforeStart));
        }
    }
    Ok((start_date, end_date))
}

pub const COMMITMENT_NUMBER_MAX_CHARS: usize = 20;
pub const COMMITMENT_TITLE_MAX_CHARS: usize = 500;
pub const COMMITMENT_TEXT_MAX_CHARS: usize = 20_000;
pub const POLICY_AREA_MAX_CHARS: usize = 100;
pub const POLICY_AREAS_MAX: usize = 12;
pub const WITHDRAWAL_REASON_MAX_CHARS: usize = 2000;

/// What a point of contact types for a commitment, checked.
#[derive(Clone, Debug, PartialEq)]
pub struct CommitmentFields {
    pub code: String,
    pub number: String,
    pub title: String,
    pub full_text: Option<String>,
    pub problem: Option<String>,
    pub lead_institution: Option<String>,
    pub supporting_institutions: Option<String>,
    pub values: Vec<OgpValue>,
    pub policy_areas: Vec<String>,
    pub start_date: Option<NaiveDate>,
    pub end_date: Option<NaiveDate>,
    pub budget: Option<Budget>,
}

impl CommitmentFields {
    /// A new commitment of the plan `plan_key`, entered in the tracker.
    pub fn into_new(self, plan_key: &str) -> Commitment {
        let blank = Commitment {
            code: String::new(),
            code_derived: false,
            plan_key: plan_key.to_string(),
            number: String::new(),
            title: String::new(),
            short_title: None,
            full_text: None,
            theme: None,
            start_date: None,
            end_date: None,
            lead_institution: None,
            supporting_institutions: None,
            values: Vec::new(),
            policy_areas: Vec::new(),
            carried_forward: None,
            active: None,
            cluster_ids: None,
            source_url: None,
            budget: None,
            demo: false,
            problem: None,
            entered: true,
            withdrawal: None,
        };
        self.apply_to(&blank)
    }

    /// `stored` with these fields. A commitment that came from an OGP import keeps the
    /// values the IRM's data gave it.
    pub fn apply_to(self, stored: &Commitment) -> Commitment {
        let code_derived = stored.code_derived && stored.code == self.code;
        Commitment {
            code: self.code,
            code_derived,
            number: self.number,
            title: self.title,
            full_text: self.full_text,
            problem: self.problem,
            lead_institution: self.lead_institution,
            supporting_institutions: self.supporting_institutions,
            values: if stored.entered {
                self.values
            } else {
                stored.values.clone()
            },
            policy_areas: self.policy_areas,
            start_date: self.start_date,
            end_date: self.end_date,
            budget: self.budget,
            ..stored.clone()
        }
    }
}

/// Whether `code` is an OGP-style commitment ID of a member with `prefix`: the prefix
/// and four digits (`AR0045`).
pub fn is_commitment_code(code: &str, prefix: &str) -> bool {
    code.strip_prefix(prefix)
        .is_some_and(|digits| digits.len() == 4 && all_digits(digits))
}

impl CommitmentInput {
    /// The name of the check box for `value`.
    pub fn value_field(value: OgpValue) -> &'static str {
        match value {
            OgpValue::AccessToInformation => Self::value_access_to_information,
            OgpValue::CivicParticipation => Self::value_civic_participation,
            OgpValue::PublicAccountability => Self::value_public_accountability,
            OgpValue::TechnologyInnovation => Self::value_technology_innovation,
        }
    }

    /// Whether the check box for `value` was ticked.
    pub fn value_checked(&self, value: OgpValue) -> bool {
        let typed = match value {
            OgpValue::AccessToInformation => &self.value_access_to_information,
            OgpValue::CivicParticipation => &self.value_civic_participation,
            OgpValue::PublicAccountability => &self.value_public_accountability,
            OgpValue::TechnologyInnovation => &self.value_technology_innovation,
        };
        !typed.trim().is_empty()
    }

    /// The form filled from a stored commitment, as an edit form shows it.
    pub fn from_commitment(commitment: &Commitment, version: i64) -> CommitmentInput {
        let budget = commitment.budget.as_ref();
        let text = |value: &Option<String>| value.clone().unwrap_or_default();
        let checked = |value: OgpValue| {
            if commitment.values.contains(&value) {
                "on".to_string()
            } else {
                String::new()
            }
        };
        CommitmentInput {
            code: commitment.code.clone(),
            number: commitment.number.clone(),
            title: commitment.title.clone(),
            description: text(&commitment.full_text),
            problem: text(&commitment.problem),
            lead_institution: text(&commitment.lead_institution),
            supporting_institutions: text(&commitment.supporting_institutions),
            value_access_to_information: checked(OgpValue::AccessToInformation),
            value_civic_participation: checked(OgpValue::CivicParticipation),
            value_public_accountability: checked(OgpValue::PublicAccountability),
            value_technology_innovation: checked(OgpValue::TechnologyInnovation),
            policy_areas: commitment.policy_areas.join(", "),
            start_date: commitment
                .start_date
                .map(|d| d.to_string())
                .unwrap_or_default(),
            end_date: commitment
                .end_date
                .map(|d| d.to_string())
                .unwrap_or_default(),
            budget_amount: budget
                .and_then(|b| b.amount)
                .map(|a| a.to_string())
                .unwrap_or_default(),
            budget_currency: budget.and_then(|b| b.currency.clone()).unwrap_or_default(),
            funding_source: budget
                .and_then(|b| b.funding_source.clone())
                .unwrap_or_default(),
            funded: match budget.and_then(|b| b.funded) {
                Some(true) => "yes".into(),
                Some(false) => "no".into(),
                None => String::new(),
            },
            version: version.to_string(),
        }
    }

    pub fn base_version(&self) -> Result<i64, AppError> {
        base_version(&self.version)
    }

    /// The commitment's fields, or the first that is wrong and why. Its code is the
    /// member's `prefix` and four digits, unless it is `stored_code` unchanged (imported
    /// IDs may be otherwise).
    pub fn validate(
        &self,
        prefix: &str,
        stored: Option<&Commitment>,
    ) -> Result<CommitmentFields, AppError> {
        let code = self.code.trim().to_uppercase();
        let stored_code = stored.map(|c| c.code.as_str());
        if stored_code != Some(code.as_str()) && !is_commitment_code(&code, prefix) {
            return Err(AppError::invalid(Self::code, Key::ErrCommitmentCode));
        }
        let number = required_text(&self.number, Self::number, COMMITMENT_NUMBER_MAX_CHARS)?;
        let title = required_text(&self.title, Self::title, COMMITMENT_TITLE_MAX_CHARS)?;
        let full_text = optional_text(
            &self.description,
            Self::description,
            COMMITMENT_TEXT_MAX_CHARS,
        )?;
        let problem = optional_text(&self.problem, Self::problem, COMMITMENT_TEXT_MAX_CHARS)?;
        // Needed (it decides who reports on the commitment), unless an imported
        // commitment came without one and still has none.
        let lead_institution = match stored {
            Some(stored)
                if stored.lead_institution.is_none() && self.lead_institution.trim().is_empty() =>
            {
                None
            }
            _ => Some(required_text(
                &self.lead_institution,
                Self::lead_institution,
                INSTITUTION_MAX_CHARS,
            )?),
        };
        let supporting_institutions = optional_text(
            &self.supporting_institutions,
            Self::supporting_institutions,
            COMMITMENT_TEXT_MAX_CHARS,
        )?;
        let values = OgpValue::ALL
            .iter()
            .copied()
            .filter(|v| self.value_checked(*v))
            .collect();
        let policy_areas = policy_areas(&self.policy_areas, Self::policy_areas)?;
        let (start_date, end_date) = optional_dates(
            (&self.start_date, Self::start_date),
            (&self.end_date, Self::end_date),
        )?;
        let budget = self.budget()?;
        Ok(CommitmentFields {
            code,
            number,
            title,
            full_text,
            problem,
            lead_institution,
            supporting_institutions,
            values,
            policy_areas,
            start_date,
            end_date,
            budget,
        })
    }

    /// The budget, or `None` when every budget field is empty. An amount needs its
    /// currency, a three-letter code such as EUR.
    fn budget(&self) -> Result<Option<Budget>, AppError> {
        let amount = match self.budget_amount.trim().replace([' ', '\u{a0}'], "") {
            typed if typed.is_empty() => None,
            typed => Some(
                decimal_number(&typed)
                    .ok_or_else(|| AppError::invalid(Self::budget_amount, Key::ErrAmount))?,
            ),
        };
        let currency = match self.budget_currency.trim().to_uppercase() {
            typed if typed.is_empty() => None,
            typed if typed.len() == 3 && typed.chars().all(|c| c.is_ascii_uppercase()) => {
                Some(typed)
            }
            _ => return Err(AppError::invalid(Self::budget_currency, Key::ErrCurrency)),
        };
        if amount.is_some() && currency.is_none() {
            return Err(AppError::invalid(Self::budget_currency, Key::ErrCurrency));
        }
        let funding_source = optional_text(
            &self.funding_source,
            Self::funding_source,
            INSTITUTION_MAX_CHARS,
        )?;
        let funded = match self.funded.trim() {
            "" => None,
            "yes" => Some(true),
            "no" => Some(false),
            _ => return Err(AppError::invalid(Self::funded, Key::ErrChoice)),
        };
        let any =
            amount.is_some() || currency.is_some() || funding_source.is_some() || funded.is_some();
        Ok(any.then_some(Budget {
            amount,
            currency,
            funding_source,
            funded,
        }))
    }
}

/// Policy areas separated by commas or lines, each kept once (by its address form).
pub fn policy_areas(value: &str, field: &str) -> Result<Vec<String>, AppError> {
    let mut areas: Vec<String> = Vec::new();
    for area in value
        .split([',', '\n'])
        .map(str::trim)
        .filter(|a| !a.is_empty())
    {
        if area.chars().count() > POLICY_AREA_MAX_CHARS {
            return Err(AppError::invalid(field, Key::ErrTooLong));
        }
        if slugify(area).is_empty() {
            return Err(AppError::invalid(field, Key::ErrPolicyArea));
        }
        if !areas.iter().any(|known| slugify(known) == slugify(area)) {
            areas.push(area.to_string());
        }
    }
    if areas.len() > POLICY_AREAS_MAX {
        return Err(AppError::invalid(field, Key::ErrTooManyAreas));
    }
    Ok(areas)
}

impl WithdrawalInput {
    /// Why the commitment is withdrawn, and the version the form saw.
    pub fn validate(&self) -> Result<(String, i64), AppError> {
        let version = base_version(&self.version)?;
        let reason = required_text(&self.reason, Self::reason, WITHDRAWAL_REASON_MAX_CHARS)?;
        Ok((reason, version))
    }
}

pub const MILESTONE_TITLE_MAX_CHARS: usize = 500;
pub const WEIGHT_MAX: f64 = 100.0;

/// A milestone's fields as typed, checked.
#[derive(Clone, Debug, PartialEq)]
pub struct MilestoneFields {
    pub title: String,
    pub description: Option<String>,
    pub responsible_institution: Option<String>,
    pub planned_start: Option<NaiveDate>,
    pub planned_end: Option<NaiveDate>,
    pub weight: f64,
}

impl MilestoneInput {
    /// The form filled from a stored milestone, as its edit form shows it.
    pub fn from_milestone(milestone: &crate::domain::Milestone) -> MilestoneInput {
        let day = |d: Option<NaiveDate>| d.map(|d| d.to_string()).unwrap_or_default();
        MilestoneInput {
            title: milestone.title.clone(),
            description: milestone.description.clone().unwrap_or_default(),
            responsible_institution: milestone
                .responsible_institution
                .clone()
                .unwrap_or_default(),
            planned_start: day(milestone.planned_start),
            planned_end: day(milestone.planned_end),
            weight: milestone.weight.to_string(),
            version: milestone.version.to_string(),
        }
    }

    pub fn base_version(&self) -> Result<i64, AppError> {
        base_version(&self.version)
    }

    /// The milestone's fields, or the first that is wrong and why: a title, an end after
    /// the start, and a weight from 0 to 100 (0 leaves it out of the commitment's progress).
    pub fn validate(&self) -> Result<MilestoneFields, AppError> {
        let title = required_text(&self.title, Self::title, MILESTONE_TITLE_MAX_CHARS)?;
        let description = optional_text(
            &self.description,
            Self::description,
            COMMITMENT_TEXT_MAX_CHARS,
        )?;
        let responsible_institution = optional_text(
            &self.responsible_institution,
            Self::responsible_institution,
            INSTITUTION_MAX_CHARS,
        )?;
        let (planned_start, planned_end) = optional_dates(
            (&self.planned_start, Self::planned_start),
            (&self.planned_end, Self::planned_end),
        )?;
        let weight = match self.weight.trim() {
            "" => 1.0,
            typed => decimal_number(typed)
                .filter(|w| (0.0..=WEIGHT_MAX).contains(w))
                .ok_or_else(|| AppError::invalid(Self::weight, Key::ErrWeight))?,
        };
        Ok(MilestoneFields {
            title,
            description,
            responsible_institution,
            planned_start,
            planned_end,
            weight,
        })
    }
}

/// Which way a milestone moves in its list.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Direction {
    Up,
    Down,
}

impl MoveInput {
    pub fn validate(&self) -> Result<(Direction, i64), AppError> {
        let direction = match self.direction.trim() {
            "up" => Direction::Up,
            "down" => Direction::Down,
            _ => return Err(AppError::invalid(Self::direction, Key::ErrChoice)),
        };
        Ok((direction, base_version(&self.version)?))
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
        base_version(&self.version)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_date_with_a_four_digit_year_reads_as_chrono_reads_it() {
        let chrono = |typed: &str| NaiveDate::parse_from_str(typed.trim(), "%Y-%m-%d").ok();
        let mut read = 0;
        for year in ["2025", "0999", "9999", "1900", "2000", "2024"] {
            for month in ["0", "1", "01", "02", "12", "13", "00", "001"] {
                for day in ["0", "1", "01", "28", "29", "30", "31", "32", "010"] {
                    let typed = format!("{year}-{month}-{day}");
                    let ours = date(&typed, "d").ok();
                    assert_eq!(ours, chrono(&typed), "{typed}");
                    read += usize::from(ours.is_some());
                }
            }
        }
        assert!(read > 100, "only {read} read");
        assert_eq!(
            date(" 2025-03-07 ", "d").ok(),
            NaiveDate::from_ymd_opt(2025, 3, 7)
        );
        for refused in [
            "",
            "2025",
            "2025-03",
            "2025-03-07-01",
            "2025/03/07",
            "25-03-07",
            "2025-3-",
            "-03-07",
            "2025--3-07",
            "2025-+3-07",
            "twenty-five",
            "٢٠٢٥-٠٣-٠٧",
            "20250-03-07",
        ] {
            let refusal = date(refused, "planned_end").unwrap_err();
            assert_eq!(
                refusal,
                AppError::invalid("planned_end", Key::ErrDate),
                "{refused}"
            );
        }
    }

    #[test]
    fn a_decimal_number_reads_as_the_general_parser_reads_it_and_nothing_else() {
        // A fixed pseudo-random walk over digit strings, so a failure repeats.
        let mut seed: u64 = 0x9e37_79b9_7f4a_7c15;
        let mut next = |below: u64| {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            seed % below
        };
        let mut compared = 0;
        for _ in 0..200_000 {
            let digits = |n: u64, next: &mut dyn FnMut(u64) -> u64| {
                (0..n)
                    .map(|_| char::from(b'0' + next(10) as u8))
                    .collect::<String>()
            };
            let whole = digits(next(18), &mut next);
            let typed = match next(3) {
                0 => whole,
                1 => format!("{whole}.{}", digits(next(18), &mut next)),
                _ => format!("{whole}.{}0000", digits(next(6), &mut next)),
            };
            let general = typed.parse::<f64>().ok();
            match decimal_number(&typed) {
                Some(ours) => {
                    assert_eq!(Some(ours.to_bits()), general.map(f64::to_bits), "{typed}");
                    compared += 1;
                }
                // Refused only for too many significant digits, or for no digits at all.
                None => assert!(
                    typed.trim_matches(['0', '.']).replace('.', "").len() > DECIMAL_DIGITS_MAX
                        || typed.is_empty()
                        || typed == ".",
                    "{typed} was refused"
                ),
            }
        }
        assert!(compared > 100_000, "only {compared} compared");
        for (typed, read) in [
            ("1250.50", 1250.5),
            (".5", 0.5),
            ("5.", 5.0),
            ("000", 0.0),
            ("0.1", 0.1),
            ("100", 100.0),
            ("123456789012345", 123_456_789_012_345.0),
            ("1000000000000000000000", 1e21),
            ("10000000000000000000000", 1e22),
            ("0.000000000000000000001", 1e-21),
            ("0.0000000000000000000001", 1e-22),
            ("0.", 0.0),
            (".0", 0.0),
            ("00.00", 0.0),
        ] {
            assert_eq!(decimal_number(typed), Some(read), "{typed}");
        }
        // The largest mantissa at the largest exponents, against the general parser.
        for typed in [
            format!("999999999999999{}", "0".repeat(22)),
            format!("0.{}999999999999999", "0".repeat(7)),
        ] {
            let general = typed.parse::<f64>().unwrap();
            assert_eq!(
                decimal_number(&typed).map(f64::to_bits),
                Some(general.to_bits())
            );
        }
        // What a stored number shows in its edit form reads back to the same number.
        for stored in [
            0.0,
            0.1,
            2.5,
            33.3,
            1250.5,
            1e21,
            1e-22,
            123_456_789_012_345.0,
        ] {
            assert_eq!(
                decimal_number(&stored.to_string()),
                Some(stored),
                "{stored}"
            );
        }
        for refused in [
            "",
            ".",
            "1e3",
            "+1",
            "-1",
            "1.2.3",
            "1,5",
            " 1",
            "inf",
            "NaN",
            "1_000",
            "1234567890123456",
            "0.1234567890123456",
            "100000000000000000000000",
            "0.00000000000000000000001",
            "-0",
            "١٢",
        ] {
            assert_eq!(decimal_number(refused), None, "{refused}");
        }
    }

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
            corrects: String::new(),
        };
        assert_eq!(
            completed.validate_with_files(1).map(|u| u.status),
            Ok(MilestoneStatus::Completed),
            "a file is evidence too"
        );
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
    fn a_plan_edit_keeps_what_it_does_not_change() {
        let stored = ActionPlan {
            key: "AP_ARG04".into(),
            member_code: "ARG".into(),
            number: 4,
            title: Some("Fourth plan".into()),
            year_submitted: Some(2019),
            end_year: Some(2022),
            start_date: None,
            end_date: None,
            status: PlanStatus::Completed,
            document_url: None,
        };
        let title_only = PlanInput {
            title: "Fourth national action plan".into(),
            ..PlanInput::default()
        };
        let edited = title_only.validate_edit(&stored).unwrap();
        assert_eq!(edited.title.as_deref(), Some("Fourth national action plan"));
        assert_eq!(
            (edited.year_submitted, edited.end_year, edited.start_date),
            (Some(2019), Some(2022), None),
            "an imported plan without dates keeps its years"
        );
        assert_eq!((edited.number, edited.status), (4, PlanStatus::Completed));
        let dated = PlanInput {
            start_date: "2020-01-01".into(),
            end_date: "2019-12-31".into(),
            ..title_only
        };
        assert_eq!(
            dated.validate_edit(&stored),
            Err(AppError::invalid(
                PlanInput::end_date,
                Key::ErrEndBeforeStart
            ))
        );
    }

    #[test]
    fn plans_are_checked_field_by_field() {
        let input = PlanInput {
            number: "6".into(),
            title: String::new(),
            start_date: "2025-01-01".into(),
            end_date: "2028-12-31".into(),
            document_url: "https://www.opengovpartnership.org/plan.pdf".into(),
            version: String::new(),
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
    fn commitments_are_checked_field_by_field() {
        let input = CommitmentInput {
            code: " ar0046 ".into(),
            number: "3".into(),
            title: "Open contracting".into(),
            lead_institution: "Ministry of Finance".into(),
            value_civic_participation: "on".into(),
            policy_areas: "Fiscal openness,\nOpen contracting, fiscal openness".into(),
            start_date: "2026-01-01".into(),
            end_date: "2027-12-31".into(),
            budget_amount: "1 250.50".into(),
            budget_currency: "eur".into(),
            funded: "no".into(),
            ..CommitmentInput::default()
        };
        let fields = input.validate("AR", None).unwrap();
        assert_eq!(fields.code, "AR0046");
        assert_eq!(fields.values, vec![OgpValue::CivicParticipation]);
        assert_eq!(
            fields.policy_areas,
            vec!["Fiscal openness", "Open contracting"]
        );
        assert_eq!(
            fields.budget,
            Some(Budget {
                amount: Some(1250.5),
                currency: Some("EUR".into()),
                funding_source: None,
                funded: Some(false),
            })
        );
        let new = fields.clone().into_new("AP_ARG05");
        assert!(new.entered && new.withdrawal.is_none());
        let wrong = |change: fn(&mut CommitmentInput), field: &str, reason: Key| {
            let mut bad = input.clone();
            change(&mut bad);
            assert_eq!(
                bad.validate("AR", None),
                Err(AppError::invalid(field, reason))
            );
        };
        wrong(
            |i| i.code = "BR0046".into(),
            CommitmentInput::code,
            Key::ErrCommitmentCode,
        );
        wrong(
            |i| i.code = "AR46".into(),
            CommitmentInput::code,
            Key::ErrCommitmentCode,
        );
        wrong(
            |i| i.title = " ".into(),
            CommitmentInput::title,
            Key::ErrRequired,
        );
        wrong(
            |i| i.lead_institution = String::new(),
            CommitmentInput::lead_institution,
            Key::ErrRequired,
        );
        wrong(
            |i| i.end_date = "2025-12-31".into(),
            CommitmentInput::end_date,
            Key::ErrEndBeforeStart,
        );
        wrong(
            |i| i.budget_amount = "-1".into(),
            CommitmentInput::budget_amount,
            Key::ErrAmount,
        );
        wrong(
            |i| i.budget_amount = "NaN".into(),
            CommitmentInput::budget_amount,
            Key::ErrAmount,
        );
        wrong(
            |i| i.budget_currency = String::new(),
            CommitmentInput::budget_currency,
            Key::ErrCurrency,
        );
        wrong(
            |i| i.funded = "maybe".into(),
            CommitmentInput::funded,
            Key::ErrChoice,
        );
        wrong(
            |i| {
                i.policy_areas = (0..13)
                    .map(|n| format!("Area {n}"))
                    .collect::<Vec<_>>()
                    .join(",")
            },
            CommitmentInput::policy_areas,
            Key::ErrTooManyAreas,
        );
        // An imported ID that is not prefix and four digits may stay as it is.
        let mut imported = input.clone();
        imported.code = "AR-X-12".into();
        let stored_import = Commitment {
            code: "AR-X-12".into(),
            lead_institution: None,
            ..new.clone()
        };
        assert!(imported.validate("AR", Some(&stored_import)).is_ok());
        let mut no_lead = imported.clone();
        no_lead.lead_institution = String::new();
        assert_eq!(
            no_lead
                .validate("AR", Some(&stored_import))
                .unwrap()
                .lead_institution,
            None,
            "an imported commitment without a lead institution may stay without"
        );
        let new_without_lead = CommitmentInput {
            lead_institution: String::new(),
            ..input.clone()
        };
        assert_eq!(
            new_without_lead.validate("AR", None),
            Err(AppError::invalid(
                CommitmentInput::lead_institution,
                Key::ErrRequired
            ))
        );
        // An imported commitment keeps the IRM's values whatever the form sends.
        let stored = Commitment {
            entered: false,
            values: vec![OgpValue::AccessToInformation],
            ..new
        };
        assert_eq!(
            fields.apply_to(&stored).values,
            vec![OgpValue::AccessToInformation]
        );
        let filled = CommitmentInput::from_commitment(&stored, 4);
        assert_eq!(filled.version, "4");
        assert_eq!(filled.value_access_to_information, "on");
        assert_eq!(filled.budget_amount, "1250.5");
    }

    #[test]
    fn a_self_assessment_takes_a_completion_level_of_the_plans_scale() {
        use crate::domain::{Completion, ScaleSet, Stage};
        let input = SelfAssessmentInput {
            stage: "end_of_term".into(),
            completion: "substantial".into(),
            justification: " Two of three milestones done. ".into(),
        };
        assert_eq!(
            input.validate(ScaleSet::Refreshed),
            Ok((
                Stage::EndOfTerm,
                Completion::Substantial,
                "Two of three milestones done.".into()
            ))
        );
        let design = SelfAssessmentInput {
            stage: "design".into(),
            ..input.clone()
        };
        assert_eq!(
            design.validate(ScaleSet::Classic),
            Err(AppError::invalid(
                SelfAssessmentInput::stage,
                Key::ErrChoice
            ))
        );
        let withdrawn = SelfAssessmentInput {
            completion: "withdrawn".into(),
            ..input.clone()
        };
        assert!(withdrawn.validate(ScaleSet::Classic).is_ok());
        assert_eq!(
            withdrawn.validate(ScaleSet::Refreshed),
            Err(AppError::invalid(
                SelfAssessmentInput::completion,
                Key::ErrChoice
            )),
            "the refreshed scale has no withdrawn level"
        );
        let unjustified = SelfAssessmentInput {
            justification: " ".into(),
            ..input
        };
        assert_eq!(
            unjustified.validate(ScaleSet::Refreshed),
            Err(AppError::invalid(
                SelfAssessmentInput::justification,
                Key::ErrRequired
            ))
        );
        assert_eq!(ScaleSet::for_plan_year(Some(2019)), ScaleSet::Classic);
        assert_eq!(ScaleSet::for_plan_year(Some(2023)), ScaleSet::Refreshed);
    }

    #[test]
    fn milestones_and_moves_are_checked() {
        let input = MilestoneInput {
            title: "Publish the register".into(),
            planned_start: "2026-01-01".into(),
            planned_end: "2026-06-30".into(),
            ..MilestoneInput::default()
        };
        assert_eq!(input.validate().unwrap().weight, 1.0, "empty weighs 1");
        for (weight, fine) in [
            ("0", true),
            ("2.5", true),
            ("100", true),
            ("101", false),
            ("-1", false),
            ("inf", false),
            ("x", false),
        ] {
            let typed = MilestoneInput {
                weight: weight.into(),
                ..input.clone()
            };
            assert_eq!(typed.validate().is_ok(), fine, "{weight}");
        }
        let backwards = MilestoneInput {
            planned_end: "2025-12-31".into(),
            ..input.clone()
        };
        assert_eq!(
            backwards.validate(),
            Err(AppError::invalid(
                MilestoneInput::planned_end,
                Key::ErrEndBeforeStart
            ))
        );
        let up = MoveInput {
            direction: "up".into(),
            version: "2".into(),
        };
        assert_eq!(up.validate(), Ok((Direction::Up, 2)));
        let sideways = MoveInput {
            direction: "left".into(),
            ..up.clone()
        };
        assert_eq!(
            sideways.validate(),
            Err(AppError::invalid(MoveInput::direction, Key::ErrChoice))
        );
        let unversioned = MoveInput {
            version: String::new(),
            ..up
        };
        assert_eq!(unversioned.validate(), Err(AppError::Stale));
        let withdrawal = WithdrawalInput {
            reason: "  ".into(),
            version: "1".into(),
        };
        assert_eq!(
            withdrawal.validate(),
            Err(AppError::invalid(WithdrawalInput::reason, Key::ErrRequired))
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
            corrects: String::new(),
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
            [
                "status",
                "progress",
                "narrative",
                "evidence",
                "version",
                "corrects"
            ]
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
                corrects: None,
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
