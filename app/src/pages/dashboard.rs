//! A scope's dashboard on its page (the overview, a member, a plan, and the explore pages of
//! a region, value, policy area or institution): its charts, each with its table and CSV,
//! and the commitments most overdue.

use crate::charts::ChartFigure;
use crate::components::{date_text, result_view, Loading};
use crate::domain::{Dashboard, Scope};
use crate::i18n::{t, t_count, t_with, Key};
use crate::server_fns::get_dashboard;
use leptos::prelude::*;

/// A page's dashboard, fetched beside its own record (create it in the page's component:
/// see `scores_summary::plan_summary`).
pub type DashboardResource = AsyncDerived<Result<Option<Dashboard>, crate::error::AppError>>;

pub fn dashboard_data(scope: impl Fn() -> Scope + Send + Sync + 'static) -> DashboardResource {
    crate::components::page_data(scope, get_dashboard)
}

#[component]
pub fn DashboardSection(data: DashboardResource, scope: Scope) -> impl IntoView {
    let page = scope.page_path();
    view! {
        <Suspense fallback=Loading>
            {move || {
                let page = page.clone();
                Suspend::new(async move {
                    result_view(data.await, move |dashboard| match dashboard {
                        Some(dashboard) => view! { <DashboardBody dashboard page/> }.into_any(),
                        None => ().into_any(),
                    })
                })
            }}
        </Suspense>
    }
}

#[component]
fn DashboardBody(dashboard: Dashboard, page: String) -> impl IntoView {
    view! {
        <section aria-labelledby="dashboard-heading" class="dashboard" id="dashboard">
            <h2 id="dashboard-heading">{t(Key::DashboardHeading)}</h2>
            <p class="meta">{t_with(Key::DashboardIntro, &[("date", &date_text(dashboard.as_of))])}</p>
            <div class="charts">
                {dashboard
                    .charts
                    .into_iter()
                    .map(|chart| {
                        let csv_href = chart.id.csv_path(&page);
                        view! { <ChartFigure chart csv_href/> }
                    })
                    .collect_view()}
            </div>
            <h3>{t(Key::MostOverdueHeading)}</h3>
            {if dashboard.most_overdue.is_empty() {
                view! { <p class="empty" data-most-overdue="none">{t(Key::MostOverdueNone)}</p> }.into_any()
            } else {
                view! {
                    <ol class="most-overdue" data-most-overdue="list">
                        {dashboard
                            .most_overdue
                            .into_iter()
                            .map(|c| view! {
                                <li data-commitment=c.code.clone() data-overdue=c.overdue_milestones>
                                    <a href=format!("/commitments/{}", c.code)>{c.code.clone()}</a>
                                    " " <bdi>{c.title}</bdi> ": "
                                    {t_count(
                                        Key::MostOverdueRow,
                                        c.overdue_milestones,
                                        &[("date", &date_text(c.overdue_since))],
                                    )}
                                </li>
                            })
                            .collect_view()}
                    </ol>
                }
                .into_any()
            }}
        </section>
    }
}
