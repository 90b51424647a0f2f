//! `/plans/{key}/upload`: a plan's bulk CSV round trip. The file is downloaded, edited in a
//! spreadsheet and sent back; the page then shows what each row would do, and applies it
//! all only when confirmed. Works without JavaScript: both steps are plain form posts.

use super::keeping::not_yours;
use crate::components::{record_view, LevelBadge, Loading};
use crate::domain::{PlanDetail, RowKind, RowOutcome, UploadPreview};
use crate::forms::CsrfField;
use crate::i18n::{fill, format_count, t, t_with, Key};
use crate::input::PlanUploadInput;
use crate::page_state::page_state;
use crate::server_fns::get_plan;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;

/// The file's columns, as the download writes them and the upload reads them.
pub const CSV_COLUMNS: &str = "commitment_code, commitment_title, commitment_description, \
     lead_institution, commitment_start, commitment_end, milestone_key, milestone_title, \
     milestone_description, responsible_institution, planned_start, planned_end, weight, \
     status, progress, narrative, evidence_urls, version";

#[component]
pub fn PlanUploadPage() -> impl IntoView {
    let params = use_params_map();
    let data = crate::components::page_data(
        move || params.read().get("key").unwrap_or_default(),
        |key| get_plan(key, 1),
    );
    view! {
        <Suspense fallback=Loading>
            {move || Suspend::new(async move {
                record_view(data.await, |detail| view! { <UploadBody detail/> }.into_any())
            })}
        </Suspense>
    }
}

#[component]
fn UploadBody(detail: PlanDetail) -> impl IntoView {
    let PlanDetail { plan, member, .. } = detail;
    let plan_link = format!("/plans/{}", plan.key);
    let heading = t_with(Key::UploadHeading, &[("number", &plan.number.to_string())]);
    let state = page_state();
    let allowed = crate::policy::may_keep_plans(state.viewer.as_ref(), &member.code).is_ok();
    let body = if allowed {
        view! {
            <ol class="steps">
                <li>
                    <a href=format!("/plans/{}/csv", plan.key) download=format!("{}.csv", plan.key) data-action="download-csv">
                        {t(Key::DownloadCsvLink)}
                    </a>
                </li>
                <li>{t(Key::UploadEditStep)}</li>
                <li>{t(Key::UploadSendStep)}</li>
            </ol>
            <details class="layout">
                <summary>{t(Key::CsvLayoutSummary)}</summary>
                <p><code dir="ltr">{CSV_COLUMNS}</code></p>
                <p>{t(Key::CsvLayoutNote)}</p>
            </details>
            <form method="post" action=format!("/plans/{}/upload", plan.key) enctype="multipart/form-data" class="form" data-form="upload">
                <CsrfField/>
                <div class="field">
                    <label for="files">{t(Key::CsvFileLabel)}</label>
                    <input id="files" name="files" type="file" accept=".csv,text/csv" required aria-describedby="files-note"/>
                    <p id="files-note" class="field-note">{t(Key::CsvFileHint)}</p>
                </div>
                <button type="submit">{t(Key::PreviewButton)}</button>
            </form>
            {state.upload_preview.clone().map(|preview| view! { <Preview preview/> })}
        }
        .into_any()
    } else {
        not_yours(plan_link.clone())
    };
    view! {
        <Title text=heading.clone()/>
        <nav aria-label=t(Key::BreadcrumbLabel) class="breadcrumb">
            <a href="/members">{t(Key::NavMembers)}</a>
            " / "
            <a href=format!("/members/{}", member.slug)><bdi>{member.name.clone()}</bdi></a>
            " / "
            <a href=plan_link>{t_with(Key::PlanHeading, &[("number", &plan.number.to_string())])}</a>
        </nav>
        <h1>{heading}</h1>
        {body}
    }
}

/// What each row of the uploaded file does, with the confirm form when it may be applied.
#[component]
fn Preview(preview: UploadPreview) -> impl IntoView {
    let totals = fill(
        t(Key::CsvTotals),
        [
            (
                "new",
                format_count(preview.count(RowKind::New) as i64).as_str(),
            ),
            (
                "changed",
                format_count(preview.count(RowKind::Changed) as i64).as_str(),
            ),
            (
                "unchanged",
                format_count(preview.count(RowKind::Unchanged) as i64).as_str(),
            ),
            (
                "refused",
                format_count(preview.count(RowKind::Refused) as i64).as_str(),
            ),
        ],
    );
    let state = page_state();
    let refused = preview.refused().to_string();
    let confirm = (!preview.refused() && preview.changes_anything() && !preview.applied).then(|| {
        view! {
            // Sent as multipart: the file's text goes as it is, not inflated by URL encoding.
            <form method="post" action=format!("/plans/{}/upload", preview.plan_key) enctype="multipart/form-data" class="form" data-form="apply-upload">
                <CsrfField/>
                <input type="hidden" name=PlanUploadInput::csv value=state.form_value(PlanUploadInput::csv)/>
                <input type="hidden" name=PlanUploadInput::file_name value=state.form_value(PlanUploadInput::file_name)/>
                <input type="hidden" name=PlanUploadInput::state value=preview.state.clone()/>
                <input type="hidden" name=PlanUploadInput::apply value="yes"/>
                <button type="submit">{t(Key::ApplyUploadButton)}</button>
            </form>
        }
    });
    view! {
        <section aria-labelledby="preview-heading" class="upload-preview" data-refused=refused>
            <h2 id="preview-heading">{t(Key::PreviewHeading)}</h2>
            <p><bdi>{preview.file_name.clone()}</bdi> " · " <span data-totals="">{totals}</span></p>
            <div class="table-wrap">
                <table>
                    <thead>
                        <tr>
                            <th scope="col">{t(Key::CsvLine)}</th>
                            <th scope="col">{t(Key::ColStatus)}</th>
                            <th scope="col">{t(Key::ColCommitment)}</th>
                            <th scope="col">{t(Key::ColMilestone)}</th>
                            <th scope="col">{t(Key::CsvWhat)}</th>
                        </tr>
                    </thead>
                    <tbody>
                        {preview.rows.into_iter().map(|row| view! { <PreviewRow row/> }).collect_view()}
                    </tbody>
                </table>
            </div>
            {confirm}
        </section>
    }
}

#[component]
fn PreviewRow(row: RowOutcome) -> impl IntoView {
    let refusal = row.refusal.map(|refusal| {
        let reason = fill(
            t(refusal.reason),
            refusal.values.iter().map(|(n, v)| (n.as_str(), v.as_str())),
        );
        view! {
            <p class="field-error">
                {refusal.column.map(|c| view! { <code>{c}</code> ": " })}
                {reason}
            </p>
        }
    });
    view! {
        <tr data-line=row.line.to_string() data-kind=row.kind.as_str()>
            <td class="number">{row.line.to_string()}</td>
            <td><LevelBadge key=row.kind.label_key() machine=row.kind.as_str()/></td>
            <td>
                {(!row.commitment.is_empty()).then(|| view! { <code>{row.commitment.clone()}</code> " " })}
                <bdi>{row.commitment_title}</bdi>
            </td>
            <td><bdi>{row.milestone.unwrap_or_default()}</bdi></td>
            <td>
                {(!row.changes.is_empty()).then(|| view! {
                    <ul class="changes">
                        {row.changes.into_iter().map(|change| {
                            let column = change.column.clone();
                            view! {
                            <li data-column=column>
                                <code>{change.column}</code> ": "
                                <del><bdi>{change.before.unwrap_or_else(|| t(Key::NotAvailable).to_string())}</bdi></del>
                                " → "
                                <ins><bdi>{change.after.unwrap_or_else(|| t(Key::NotAvailable).to_string())}</bdi></ins>
                            </li>
                            }
                        }).collect_view()}
                    </ul>
                })}
                {row.update.map(|narrative| view! { <p>{t(Key::CsvNewUpdate)} ": " <bdi>{narrative}</bdi></p> })}
                {refusal}
            </td>
        </tr>
    }
}
