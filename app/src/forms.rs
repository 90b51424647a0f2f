//! Form parts every write form uses: the CSRF field, labelled inputs that show their own
//! error, and the notice left by the last post. Forms post plainly (no JavaScript needed).

use crate::i18n::{t, use_lang, Key};
use crate::page_state::{page_state, NoticeKind, CSRF_FIELD};
use leptos::prelude::*;

/// The hidden token the security layer checks on every post.
#[component]
pub fn CsrfField() -> impl IntoView {
    view! { <input type="hidden" name=CSRF_FIELD value=page_state().csrf_token/> }
}

/// The reason a field was refused, when the last post failed on it. A refused post is
/// shown at its own address, whose page has that one form.
pub(crate) fn field_error(name: &str) -> Option<String> {
    let state = page_state();
    let notice = state.notice.as_ref().filter(|_| state.is_invalid(name))?;
    Some(notice.text(use_lang()))
}

/// A labelled input; `id` must be unique on the page.
#[component]
pub fn Field(
    id: String,
    name: &'static str,
    label: Key,
    #[prop(default = "text")] kind: &'static str,
    #[prop(default = "off")] autocomplete: &'static str,
    #[prop(default = true)] required: bool,
    #[prop(optional, into)] value: String,
    #[prop(optional)] hint: Option<Key>,
    /// A multi-line text (`<textarea>`) instead of an input.
    #[prop(default = false)]
    multiline: bool,
) -> impl IntoView {
    let error = field_error(name);
    let invalid = if error.is_some() { "true" } else { "false" };
    let described = format!("{id}-note");
    let control = if multiline {
        view! {
            <textarea
                id=id.clone()
                name=name
                rows="3"
                required=required
                aria-invalid=invalid
                aria-describedby=described.clone()
            >
                {value}
            </textarea>
        }
        .into_any()
    } else {
        view! {
            <input
                id=id.clone()
                name=name
                type=kind
                value=value
                required=required
                autocomplete=autocomplete
                aria-invalid=invalid
                aria-describedby=described.clone()
            />
        }
        .into_any()
    };
    view! {
        <div class="field">
            <label for=id>{t(label)}</label>
            {control}
            <p id=described class="field-note">
                {error
                    .map(|e| view! { <strong class="field-error">{e}</strong> }.into_any())
                    .unwrap_or_else(|| hint.map(t).unwrap_or_default().into_any())}
                " "
                <strong class="field-error" data-live-for=name aria-live="polite"></strong>
            </p>
        </div>
    }
}

/// A labelled choice among `options` (value, label).
#[component]
pub fn Choice(
    id: String,
    name: &'static str,
    label: Key,
    options: Vec<(String, String)>,
    #[prop(optional, into)] selected: String,
) -> impl IntoView {
    let error = field_error(name);
    let invalid = if error.is_some() { "true" } else { "false" };
    let described = format!("{id}-note");
    view! {
        <div class="field">
            <label for=id.clone()>{t(label)}</label>
            <select id=id name=name aria-invalid=invalid aria-describedby=described.clone()>
                {options
                    .into_iter()
                    .map(|(value, text)| {
                        let is_selected = value == selected;
                        view! { <option value=value selected=is_selected>{text}</option> }
                    })
                    .collect_view()}
            </select>
            <p id=described class="field-note">
                {error.map(|e| view! { <strong class="field-error">{e}</strong> })}
                <strong class="field-error" data-live-for=name aria-live="polite"></strong>
            </p>
        </div>
    }
}

/// How a form field is named to the reader, by its `name`, to say which field an error
/// is about: its label, or for a score of the scoring form its indicator and part.
fn field_name(name: &str) -> Option<String> {
    use crate::input::{AssessmentInput, ScorePart};
    if let Some((indicator, part)) = AssessmentInput::score_field(name) {
        let mut label = crate::components::indicator_name(indicator);
        match part {
            ScorePart::Level => {}
            ScorePart::Justification => {
                label = format!("{label} ({})", t(Key::HistoryJustification))
            }
            ScorePart::Evidence => label = format!("{label} ({})", t(Key::HistoryEvidence)),
        }
        return Some(label);
    }
    field_label(name).map(|key| t(key).to_string())
}

/// The label of a form field by its `name`.
fn field_label(name: &str) -> Option<Key> {
    Some(match name {
        "email" => Key::FieldEmail,
        "password" => Key::FieldPassword,
        "current" => Key::FieldCurrentPassword,
        "confirmation" => Key::FieldConfirmPassword,
        "display_name" => Key::FieldDisplayName,
        "role" => Key::ColRole,
        "member" => Key::FieldMember,
        "institution" => Key::FieldInstitution,
        "status" => Key::ColStatus,
        "progress" => Key::FieldProgressPercent,
        "narrative" => Key::FieldNarrative,
        "evidence" => Key::FieldEvidence,
        "code" => Key::FieldCode,
        "name" => Key::FieldName,
        "kind" => Key::FieldKind,
        "region" => Key::FieldRegion,
        "prefix" => Key::FieldPrefix,
        "number" => Key::FieldNumber,
        "title" => Key::FieldTitle,
        "start_date" => Key::FieldStartDate,
        "end_date" => Key::FieldEndDate,
        "document_url" => Key::FieldPlanDocument,
        "description" => Key::FieldDescription,
        "problem" => Key::FieldProblem,
        "lead_institution" => Key::FieldLeadInstitution,
        "supporting_institutions" => Key::FieldSupportingInstitutions,
        "policy_areas" => Key::FieldPolicyAreas,
        "budget_amount" => Key::FieldBudgetAmount,
        "budget_currency" => Key::FieldBudgetCurrency,
        "funding_source" => Key::FieldFundingSource,
        "funded" => Key::FieldFunded,
        "reason" => Key::FieldWithdrawalReason,
        "responsible_institution" => Key::FieldResponsibleInstitution,
        "planned_start" => Key::FieldPlannedStart,
        "planned_end" => Key::FieldPlannedEnd,
        "weight" => Key::FieldWeight,
        "stage" => Key::FieldStage,
        "completion" => Key::FieldCompletion,
        "justification" => Key::FieldJustification,
        "files" => Key::FieldFiles,
        "corrects" => Key::CorrectThisUpdate,
        _ => return None,
    })
}

/// The outcome of the last form post, at the top of the page it led to.
#[component]
pub fn NoticeBanner() -> impl IntoView {
    page_state().notice.map(|notice| {
        let reason = notice.text(use_lang());
        let message = match notice.field.as_deref().and_then(field_name) {
            Some(label) => format!("{label}: {reason}"),
            None => reason,
        };
        let link = notice.link.clone();
        let key = notice.message.name();
        match notice.kind {
            NoticeKind::Success => view! {
                <section class="notice notice-success" role="status" data-notice=key>
                    <p>{message}</p>
                    {link.map(|link| view! {
                        <p>
                            <label for="one-time-link">{t(Key::OneTimeLinkLabel)}</label>
                            <input id="one-time-link" class="link-output" type="text" readonly value=link/>
                        </p>
                        <p class="meta">{t(Key::OneTimeLinkNote)}</p>
                    })}
                </section>
            }
            .into_any(),
            NoticeKind::Error => view! {
                <section class="notice notice-error" role="alert" data-notice=key>
                    <h2>{t(Key::FormErrorTitle)}</h2>
                    <p>{message}</p>
                </section>
            }
            .into_any(),
        }
    })
}
