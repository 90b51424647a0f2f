//! `/`: totals and the latest progress updates.

use crate::components::{
    author_text, date_text, result_view, DemoBanner, FeedLinks, LevelBadge, Loading, PageMeta,
};
use crate::domain::{Overview, Scope};
use crate::i18n::{format_count, t, t_with, Key};
use crate::server_fns::get_overview;
use leptos::prelude::*;

#[component]
pub fn OverviewPage() -> impl IntoView {
    let overview = crate::components::page_data(|| (), |_| get_overview());
    let dashboard = super::dashboard::dashboard_data(|| Scope::All);
    view! {
        <PageMeta title=String::new() description=t(Key::SiteDescription).to_string()/>
        <h1>{t(Key::OverviewTitle)}</h1>
        <p class="lead">{t(Key::OverviewIntro)}</p>
        <Suspense fallback=Loading>
            {move || Suspend::new(async move {
                result_view(overview.await, |overview| view! { <OverviewBody overview/> }.into_any())
            })}
        </Suspense>
        <super::dashboard::DashboardSection data=dashboard scope=Scope::All/>
    }
}

#[component]
fn OverviewBody(overview: Overview) -> impl IntoView {
    let stats = [
        (Key::StatMembers, overview.members),
        (Key::StatPlans, overview.plans),
        (Key::StatCommitments, overview.commitments),
        (Key::StatMilestones, overview.milestones),
        (Key::StatCompletedMilestones, overview.completed_milestones),
        (Key::StatOverdueMilestones, overview.overdue_milestones),
    ];
    view! {
        {overview.demo.then(|| view! { <DemoBanner/> })}
        <section aria-labelledby="totals-heading">
            <h2 id="totals-heading" class="visually-hidden">{t(Key::StatsLabel)}</h2>
            <dl class="stats">
                {stats
                    .into_iter()
                    .map(|(key, value)| {
                        view! {
                            <div class="stat">
                                <dt>{t(key)}</dt>
                                <dd data-stat=format!("{key:?}")>{format_count(value)}</dd>
                            </div>
                        }
                    })
                    .collect_view()}
            </dl>
        </section>
        <section aria-labelledby="updates-heading">
            <h2 id="updates-heading">{t(Key::RecentUpdates)}</h2>
            {if overview.recent_updates.is_empty() {
                view! { <p class="empty">{t(Key::NoRecentUpdates)}</p> }.into_any()
            } else {
                view! {
                    <ul class="updates">
                        {overview
                            .recent_updates
                            .into_iter()
                            .map(|update| {
                                let date = date_text(update.created_at.date_naive());
                                view! {
                                    <li>
                                        <a href=format!("/commitments/{}", update.commitment_code)>
                                            {update.commitment_code.clone()}
                                        </a>
                                        " · "
                                        <bdi>{update.milestone_title}</bdi>
                                        " "
                                        <LevelBadge key=update.status.label_key() machine=update.status.as_str()/>
                                        <span class="meta">
                                            {t_with(Key::UpdateBy, &[("author", &author_text(&update.author)), ("date", &date)])}
                                        </span>
                                    </li>
                                }
                            })
                            .collect_view()}
                    </ul>
                }
                    .into_any()
            }}
            <FeedLinks scope=Scope::All/>
        </section>
    }
}
