//! `/milestones/{id}/updates`: one milestone, every update posted on it, and the form for
//! a new one. The update forms post here, so a refused update is shown on this page, with
//! the milestone as it is now beside what the person typed.

use crate::components::{
    author_text, date_text, record_view, time_text, DemoBanner, DueDate, EvidenceList, LevelBadge,
    Loading, ProgressBar,
};
use crate::domain::{MilestoneDetail, MilestoneStatus};
use crate::forms::{Choice, CsrfField, Field};
use crate::i18n::{t, t_with, Key};
use crate::input::MilestoneUpdateInput;
use crate::live::{checked, FormCheck};
use crate::page_state::page_state;
use crate::server_fns::get_milestone;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::{use_params_map, use_query_map};

#[component]
pub fn MilestonePage() -> impl IntoView {
    let params = use_params_map();
    let id = move || crate::components::number_param(&params.read(), "id");
    let milestone = crate::components::page_data(id, get_milestone);
    // `?corrects=ID`: the form corrects that earlier update.
    let query = use_query_map();
    let corrects = move || {
        query
            .read()
            .get("corrects")
            .and_then(|id| id.parse::<i64>().ok())
    };
    view! {
        <Suspense fallback=Loading>
            {move || Suspend::new(async move {
                let corrects = corrects();
                record_view(milestone.await, |detail| view! { <MilestoneBody detail corrects/> }.into_any())
            })}
        </Suspense>
    }
}

#[component]
fn MilestoneBody(detail: MilestoneDetail, corrects: Option<i64>) -> impl IntoView {
    let MilestoneDetail {
        milestone,
        commitment_code,
        commitment_title,
        member_code,
        lead_institution,
        demo,
        updates,
        as_of,
    } = detail;
    let can_update = crate::policy::may_update_milestone(
        page_state().viewer.as_ref(),
        &member_code,
        lead_institution.as_deref(),
    )
    .is_ok();
    let commitment_href = format!("/commitments/{commitment_code}");
    // Only an update of this milestone can be corrected here.
    let corrected_date = |id: i64| {
        updates
            .iter()
            .find(|u| u.id == id)
            .map(|u| time_text(u.created_at))
    };
    let corrects = corrects.filter(|id| corrected_date(*id).is_some());
    let correcting = corrects.and_then(corrected_date);
    let corrected: Vec<i64> = updates.iter().filter_map(|u| u.corrects).collect();
    let dates: Vec<(i64, String)> = updates
        .iter()
        .map(|u| (u.id, time_text(u.created_at)))
        .collect();
    let milestone_id = milestone.id;
    // Sent with `fetch` (this page then loaded again) only from a page that shows no refused
    // post (whose values would come back into the form) and for a new report (a correction
    // then leads back to the plain page).
    let send_in_page = page_state().form_values.is_empty() && corrects.is_none();
    let not_available = || t(Key::NotAvailable).to_string();
    view! {
        <Title text=format!("{} · {}", milestone.title, commitment_code)/>
        <nav aria-label=t(Key::BreadcrumbLabel) class="breadcrumb">
            <a href=commitment_href.clone()>{commitment_code.clone()}" · "<bdi>{commitment_title}</bdi></a>
        </nav>
        {demo.then(|| view! { <DemoBanner/> })}
        <h1 dir="auto">{milestone.title.clone()}</h1>
        <section aria-labelledby="now-heading" class="current-state" data-version=milestone.version>
            <h2 id="now-heading">{t(Key::MilestoneNow)}</h2>
            <dl class="facts">
                <dt>{t(Key::ColStatus)}</dt>
                <dd data-status=milestone.status.as_str()>
                    <LevelBadge key=milestone.status.label_key() machine=milestone.status.as_str()/>
                </dd>
                <dt>{t(Key::ColProgress)}</dt>
                <dd data-progress=milestone.progress><ProgressBar value=Some(milestone.progress as f64)/></dd>
                <dt>{t(Key::ColDue)}</dt>
                <dd><DueDate planned_end=milestone.planned_end overdue=milestone.is_overdue(as_of)/></dd>
                <dt>{t(Key::FieldCompletedOn)}</dt>
                <dd>{milestone.completed_on.map(date_text).unwrap_or_else(not_available)}</dd>
            </dl>
        </section>
        {can_update.then(|| view! {
            <section aria-labelledby="update-heading">
                <h2 id="update-heading">{t(Key::PostUpdateSummary)}</h2>
                {correcting.map(|date| view! {
                    <p class="notice notice-info" data-correcting="true">{t_with(Key::CorrectingNote, &[("date", &date)])}</p>
                })}
                <MilestoneUpdateForm
                    id=milestone.id
                    status=milestone.status
                    progress=milestone.progress
                    version=milestone.version
                    refill=true
                    corrects
                    send_in_page
                />
            </section>
        })}
        <section aria-labelledby="updates-heading">
            <h2 id="updates-heading">{t(Key::MilestoneUpdatesTitle)}</h2>
            {if updates.is_empty() {
                view! { <p class="empty">{t(Key::NoUpdates)}</p> }.into_any()
            } else {
                view! {
                    <ol class="updates">
                        {updates
                            .into_iter()
                            .map(|u| {
                                let corrects_date = u
                                    .corrects
                                    .and_then(|id| dates.iter().find(|(d, _)| *d == id).cloned());
                                let is_corrected = corrected.contains(&u.id);
                                view! {
                                <li data-update=u.id id=format!("update-{}", u.id) data-corrected=is_corrected.to_string()>
                                    <p class="meta">
                                        {time_text(u.created_at)} " · " {author_text(&u.author)} " · "
                                        <LevelBadge key=u.status.label_key() machine=u.status.as_str()/>
                                        " " {t_with(Key::ProgressValue, &[("percent", &u.progress.to_string())])}
                                    </p>
                                    {corrects_date.map(|(id, date)| view! {
                                        <p class="meta" data-corrects=id>
                                            <a href=format!("#update-{id}")>{t_with(Key::CorrectsUpdate, &[("date", &date)])}</a>
                                        </p>
                                    })}
                                    {is_corrected.then(|| view! { <p class="meta corrected">{t(Key::CorrectedLater)}</p> })}
                                    <p dir="auto">{u.narrative}</p>
                                    <EvidenceList links=u.evidence files=u.files/>
                                    {can_update.then(|| view! {
                                        <p>
                                            <a href=format!("/milestones/{milestone_id}/updates?corrects={}#update-heading", u.id)>
                                                {t(Key::CorrectThisUpdate)}
                                            </a>
                                        </p>
                                    })}
                                </li>
                                }
                            })
                            .collect_view()}
                    </ol>
                }
                .into_any()
            }}
        </section>
        <p><a href=commitment_href>{t(Key::BackToCommitment)}</a></p>
    }
}

/// A point of contact's update of one milestone: new status, progress and what happened,
/// with the version of the milestone it was made from. With `refill`, a refused update's
/// values come back into the form (the version is always the milestone's current one).
#[component]
pub fn MilestoneUpdateForm(
    id: i64,
    status: MilestoneStatus,
    progress: i64,
    version: i64,
    refill: bool,
    /// The earlier update this one corrects, if any.
    corrects: Option<i64>,
    /// With JavaScript, the form is sent with `fetch` and the page then loaded again.
    #[prop(default = false)]
    send_in_page: bool,
) -> impl IntoView {
    let state = page_state();
    let refilled = refill && !state.form_values.is_empty();
    let value = |name: &str, current: String| {
        if refill {
            state.form_value_or(name, current)
        } else {
            current
        }
    };
    let options = MilestoneStatus::ALL
        .iter()
        .map(|s| (s.as_str().to_string(), t(s.label_key()).to_string()))
        .collect();
    // Field ids are unique on the commitment page, where every milestone has a form.
    let field_id = |name: &str| format!("{name}-{id}");
    // A refused edit keeps the version it was made from (after a stale one the server
    // leaves it out, so the current version is taken).
    let version = match state.form_value(MilestoneUpdateInput::version) {
        typed if refilled && !typed.is_empty() => typed,
        _ => version.to_string(),
    };
    view! {
        {checked(FormCheck::MilestoneUpdate { send_in_page }, view! {
        <form
            method="post"
            action=format!("/milestones/{id}/updates")
            enctype="multipart/form-data"
            // Loaded again after an update is sent, the page shows the milestone's new
            // version; a browser restoring what the form held would send the old one.
            autocomplete="off"
            class="form"
            data-milestone=id
        >
            <CsrfField/>
            <input type="hidden" name=MilestoneUpdateInput::version value=version/>
            <input
                type="hidden"
                name=MilestoneUpdateInput::corrects
                value=value(MilestoneUpdateInput::corrects, corrects.map(|c| c.to_string()).unwrap_or_default())
            />
            <Choice
                id=field_id(MilestoneUpdateInput::status)
                name=MilestoneUpdateInput::status
                label=Key::ColStatus
                options
                selected=value(MilestoneUpdateInput::status, status.as_str().to_string())
            />
            <Field
                id=field_id(MilestoneUpdateInput::progress)
                name=MilestoneUpdateInput::progress
                label=Key::FieldProgressPercent
                kind="number"
                value=value(MilestoneUpdateInput::progress, progress.to_string())
                hint=Key::ProgressHint
            />
            <Field
                id=field_id(MilestoneUpdateInput::narrative)
                name=MilestoneUpdateInput::narrative
                label=Key::FieldNarrative
                multiline=true
                value=value(MilestoneUpdateInput::narrative, String::new())
            />
            <Field
                id=field_id(MilestoneUpdateInput::evidence)
                name=MilestoneUpdateInput::evidence
                label=Key::FieldEvidence
                required=false
                multiline=true
                value=value(MilestoneUpdateInput::evidence, String::new())
                hint=Key::EvidenceHint
            />
            <div class="field">
                <label for=field_id("files")>{t(Key::FieldFiles)}</label>
                <input
                    id=field_id("files")
                    name="files"
                    type="file"
                    multiple
                    accept=".pdf,.png,.jpg,.jpeg,.gif,.webp,.doc,.docx,.xls,.xlsx,.ppt,.pptx,.odt,.ods,.odp,.csv"
                    aria-describedby=format!("{}-note", field_id("files"))
                    aria-invalid=if state.is_invalid("files") { "true" } else { "false" }
                />
                <p id=format!("{}-note", field_id("files")) class="field-note">{t(Key::FilesHint)}</p>
            </div>
            <p class="field-error" data-send-error="" aria-live="assertive"></p>
            <button type="submit">{t(Key::PostUpdateButton)}</button>
        </form>
        })}
    }
}
