//! `/commitments/{code}/history`: every change to a commitment, its milestones, their
//! updates and its assessments, newest first, a page at a time.

use crate::components::{actor_text, query_page, record_view, time_text, Loading, Pagination};
use crate::domain::{
    Change, HistoryEntry, HistoryField, HistoryPage, MilestoneStatus, MissingCode, OgpValue,
    PlanStatus, RecordField, RecordKind,
};
use crate::i18n::{format_count, t, t_with, Key};
use crate::server_fns::{get_commitment_history, HISTORY_PAGE_SIZE};
use leptos::prelude::*;
use leptos_router::hooks::{use_params_map, use_query_map};

#[component]
pub fn CommitmentHistoryPage() -> impl IntoView {
    let params = use_params_map();
    let query = use_query_map();
    let args = move || {
        (
            params.read().get("code").unwrap_or_default(),
            query_page(query.read().get("page")),
        )
    };
    let history =
        crate::components::page_data(args, |(code, page)| get_commitment_history(code, page));
    view! {
        <Suspense fallback=Loading>
            {move || Suspend::new(async move {
                let (_, page) = args();
                record_view(history.await, move |history| view! { <HistoryBody history page/> }.into_any())
            })}
        </Suspense>
    }
}

#[component]
fn HistoryBody(history: HistoryPage, page: i64) -> impl IntoView {
    let code = history.commitment_code.clone();
    let title = t_with(Key::HistoryTitle, &[("code", &code)]);
    let base = format!("/commitments/{code}/history");
    view! {
        <crate::components::PageMeta
            title=title.clone()
            description=t_with(Key::MetaHistory, &[("code", &code), ("title", &history.commitment_title)])
        />
        <nav aria-label=t(Key::BreadcrumbLabel) class="breadcrumb">
            <a href=format!("/commitments/{code}")>{code.clone()}" · "{history.commitment_title.clone()}</a>
        </nav>
        <h1>{title}</h1>
        <p>{t(Key::HistoryPageIntro)}</p>
        <p class="meta" data-total=history.total_changes>
            {t_with(Key::HistoryChanges, &[("count", &format_count(history.total_changes))])}
        </p>
        {if history.changes.is_empty() {
            view! { <p class="empty">{t(Key::HistoryEmpty)}</p> }.into_any()
        } else {
            view! {
                <ol class="history">
                    {history.changes.into_iter().map(|change| view! { <ChangeView change/> }).collect_view()}
                </ol>
            }
            .into_any()
        }}
        <Pagination page total=history.total_changes page_size=HISTORY_PAGE_SIZE base/>
    }
}

/// Who made a change and through which door, in words.
fn change_heading(change: &Change) -> String {
    let mut parts = vec![time_text(change.at)];
    if let Some(who) = actor_text(&change.actor) {
        parts.push(who);
    }
    let file = change.source.clone().unwrap_or_default();
    parts.push(t_with(change.cause.label_key(), &[("file", &file)]));
    parts.join(" · ")
}

#[component]
fn ChangeView(change: Change) -> impl IntoView {
    let heading = change_heading(&change);
    let heading_id = format!("change-{}", change.id);
    view! {
        <li>
            <article class="change" data-cause=change.cause.as_str() aria-labelledby=heading_id.clone()>
                <h2 id=heading_id.clone()>{heading}</h2>
                <div class="table-wrap">
                    <table>
                        <thead>
                            <tr>
                                <th scope="col">{t(Key::ColRecord)}</th>
                                <th scope="col">{t(Key::ColField)}</th>
                                <th scope="col">{t(Key::ColBefore)}</th>
                                <th scope="col">{t(Key::ColAfter)}</th>
                            </tr>
                        </thead>
                        <tbody>
                            {change.entries.into_iter().map(|entry| view! { <EntryRow entry/> }).collect_view()}
                        </tbody>
                    </table>
                </div>
            </article>
        </li>
    }
}

#[component]
fn EntryRow(entry: HistoryEntry) -> impl IntoView {
    let kind = t(entry.record.label_key());
    let record = match (&entry.milestone, entry.assessment, entry.record) {
        (Some(title), _, RecordKind::Milestone | RecordKind::ProgressUpdate) => {
            format!("{kind}: {title}")
        }
        (_, Some(label), RecordKind::Assessment) => format!(
            "{kind}: {}, {}, {}",
            t(label.source.label_key()),
            t(label.stage.label_key()),
            t(label.scale.label_key())
        ),
        _ => kind.to_string(),
    };
    let created = entry.field == HistoryField::Field(RecordField::Record) && entry.before.is_none();
    let field = match entry.field {
        _ if created => t(Key::HistoryCreated).to_string(),
        HistoryField::Justification(indicator) => format!(
            "{} ({})",
            t(indicator.label_key()),
            t(Key::HistoryJustification)
        ),
        HistoryField::Evidence(indicator) => {
            format!("{} ({})", t(indicator.label_key()), t(Key::HistoryEvidence))
        }
        other => t(other.label_key()).to_string(),
    };
    let before = shown_value(entry.field, entry.before.as_deref());
    let after = shown_value(entry.field, entry.after.as_deref());
    view! {
        <tr data-record=entry.record.as_str() data-field=entry.field.machine_name()>
            <td>{record}</td>
            <th scope="row">{field}</th>
            <td class="before">{before}</td>
            <td class="after">{after}</td>
        </tr>
    }
}

/// A stored history value in the reader's words: levels and statuses by their translated
/// names, yes and no, and `—` for nothing.
fn shown_value(field: HistoryField, value: Option<&str>) -> String {
    let Some(value) = value else {
        return "—".to_string();
    };
    let translated = match field {
        HistoryField::Field(RecordField::Status) => MilestoneStatus::from_machine(value)
            .map(|s| s.label_key())
            .or_else(|| PlanStatus::from_machine(value).map(|s| s.label_key())),
        HistoryField::Field(
            RecordField::CarriedForward | RecordField::Active | RecordField::Funded,
        ) => match value {
            "true" => Some(Key::Yes),
            "false" => Some(Key::No),
            _ => None,
        },
        HistoryField::Field(RecordField::Values) => {
            let names: Option<Vec<&str>> = value
                .split(", ")
                .map(|v| OgpValue::from_machine(v).map(|v| t(v.label_key())))
                .collect();
            if let Some(names) = names {
                return names.join(", ");
            }
            None
        }
        HistoryField::Score(indicator) => MissingCode::from_machine(value)
            .map(|code| code.label_key())
            .or_else(|| indicator.parse_rating(value).map(|r| r.label_key())),
        _ => None,
    };
    match translated {
        Some(key) => t(key).to_string(),
        None => value.to_string(),
    }
}
