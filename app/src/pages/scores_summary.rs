//! The assessments of a plan's or a member's commitments summarised on its page: how often
//! each source gave each level of each indicator, and the commitments where the sources
//! disagree most (by the rule the commitment pages state). Every figure counts published
//! assessments that the commitment pages show one by one.

use crate::components::{indicator_name, result_view, Loading};
use crate::domain::{DistributionRow, ScoresSummary};
use crate::i18n::{t, t_count, Key};
use crate::server_fns::get_scores_summary;
use leptos::prelude::*;

/// A page's summary, fetched beside its own record.
pub type SummaryResource = AsyncDerived<Result<ScoresSummary, crate::error::AppError>>;

/// The summary of the plan whose key `key` reads. Like every resource, create it in the
/// page's component, never inside a `Suspend`: each re-run of the body there made a new
/// resource, and the member page asked the database three times per request.
pub fn plan_summary(key: impl Fn() -> String + Send + Sync + 'static) -> SummaryResource {
    crate::components::page_data(key, |key| get_scores_summary(Some(key), None))
}

/// The summary of the member whose slug `slug` reads; see [`plan_summary`].
pub fn member_summary(slug: impl Fn() -> String + Send + Sync + 'static) -> SummaryResource {
    crate::components::page_data(slug, |slug| get_scores_summary(None, Some(slug)))
}

/// The section that shows `data`, fetched by [`plan_summary`] or [`member_summary`].
#[component]
pub fn ScoresSummarySection(data: SummaryResource) -> impl IntoView {
    view! {
        <Suspense fallback=Loading>
            {move || Suspend::new(async move {
                result_view(data.await, |summary| view! { <SummaryBody summary/> }.into_any())
            })}
        </Suspense>
    }
}

#[component]
fn SummaryBody(summary: ScoresSummary) -> impl IntoView {
    let body = if summary.assessed == 0 {
        view! { <p class="empty">{t(Key::NoAssessments)}</p> }.into_any()
    } else {
        let disagreeing = if summary.disagreeing.is_empty() {
            view! { <p class="empty" data-disagreeing="none">{t(Key::NoDisagreements)}</p> }
                .into_any()
        } else {
            view! {
                <ol class="disagreeing" data-disagreeing="list">
                    {summary
                        .disagreeing
                        .into_iter()
                        .map(|d| {
                            let count = t_count(Key::DisagreementCount, d.disagreements as i64, &[]);
                            view! {
                                <li data-commitment=d.code.clone() data-disagreements=d.disagreements>
                                    <a href=format!("/commitments/{}#side-by-side", d.code)>{d.code.clone()}</a>
                                    " " <bdi>{d.title}</bdi> ": " {count}
                                </li>
                            }
                        })
                        .collect_view()}
                </ol>
            }
            .into_any()
        };
        view! {
            <p class="meta">
                {t_count(Key::ScoresSummaryIntro, summary.assessed as i64, &[])}
            </p>
            <h3>{t(Key::MostDisagreementHeading)}</h3>
            <p class="meta">{t(Key::DisagreementRule)}</p>
            {disagreeing}
            <details class="distribution">
                <summary>{t(Key::DistributionHeading)}</summary>
                <Distribution rows=summary.distribution/>
            </details>
        }
        .into_any()
    };
    view! {
        <section aria-labelledby="scores-summary-heading" id="scores-summary">
            <h2 id="scores-summary-heading">{t(Key::ScoresSummaryHeading)}</h2>
            {body}
        </section>
    }
}

/// One table per scale set and stage: each indicator's levels by source, with counts.
#[component]
fn Distribution(rows: Vec<DistributionRow>) -> impl IntoView {
    let mut groups: Vec<Vec<DistributionRow>> = Vec::new();
    for row in rows {
        match groups.last_mut() {
            Some(group) if group[0].scale == row.scale && group[0].stage == row.stage => {
                group.push(row)
            }
            _ => groups.push(vec![row]),
        }
    }
    groups
        .into_iter()
        .map(|group| {
            let caption = format!("{}, {}", t(group[0].stage.label_key()), t(group[0].scale.label_key()));
            let key = format!("{}.{}", group[0].scale.as_str(), group[0].stage.as_str());
            view! {
                <div class="table-wrap">
                    <table data-distribution=key>
                        <caption>{caption}</caption>
                        <thead>
                            <tr>
                                <th scope="col">{t(Key::ColIndicator)}</th>
                                <th scope="col">{t(Key::ColSource)}</th>
                                <th scope="col">{t(Key::ColLevelsGiven)}</th>
                                <th scope="col" class="number">{t(Key::ColTotal)}</th>
                            </tr>
                        </thead>
                        <tbody>
                            {group
                                .into_iter()
                                .map(|row| {
                                    let total = row.total();
                                    let levels = row
                                        .counts
                                        .iter()
                                        .map(|c| format!("{} {}", t(c.value.label_key()), c.count))
                                        .collect::<Vec<_>>()
                                        .join(" · ");
                                    view! {
                                        <tr data-indicator=row.indicator.machine_name() data-source=row.source.as_str()>
                                            <th scope="row">{indicator_name(row.indicator)}</th>
                                            <td>{t(row.source.label_key())}</td>
                                            <td>{levels}</td>
                                            <td class="number">{total}</td>
                                        </tr>
                                    }
                                })
                                .collect_view()}
                        </tbody>
                    </table>
                </div>
            }
        })
        .collect_view()
}
