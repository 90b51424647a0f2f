//! `/explore` and the pages of a region (`/regions/{region}`), an OGP value
//! (`/values/{value}`), a policy area (`/policy-areas/{slug}`) and a lead institution
//! (`/institutions/{name}`): each with its dashboard and its commitments.

use super::dashboard::{DashboardFilter, DashboardSection, LiveCharts};
use super::plan::CommitmentTable;
use crate::components::{query_page, record_view, result_view, scope_text, Loading, PageMeta};
use crate::domain::{Explore, MemberResults, Scope, ScopeName, ScopePage};
use crate::error::AppError;
use crate::i18n::{format_count, t, t_count, t_with, Key};
use crate::server_fns::{get_explore, get_scope_page};
use leptos::prelude::*;
use leptos_router::hooks::{use_params_map, use_query_map};

/// `/explore`: a dashboard chosen with a filter (`?dashboard=/regions/europe`, the
/// installation's by default), then the ways into the commitments.
#[component]
pub fn ExplorePage() -> impl IntoView {
    let explore = crate::components::page_data(|| (), |_| get_explore());
    let query = use_query_map();
    let chosen = move || {
        query
            .read()
            .get("dashboard")
            .unwrap_or_else(|| "/".to_string())
    };
    let scope = move || Scope::from_explored(&chosen());
    let dashboard = crate::components::page_data(scope, |scope| async move {
        // An address naming no dashboard (a policy area that does not exist, say) is refused.
        let refused = || AppError::BadRequest {
            field: "dashboard".into(),
            reason: Key::ExploreDashboardUnknown,
        };
        match scope {
            Some(scope) => match crate::server_fns::get_dashboard(scope).await {
                Ok(None) => Err(refused()),
                found => found,
            },
            None => Err(refused()),
        }
    });
    view! {
        <PageMeta title=t(Key::ExploreTitle).to_string() description=t(Key::ExploreIntro).to_string()/>
        <h1>{t(Key::ExploreTitle)}</h1>
        <p class="lead">{t(Key::ExploreIntro)}</p>
        <Suspense fallback=Loading>
            {move || Suspend::new(async move {
                result_view(explore.await, move |explore| {
                    let listed = explore.clone();
                    view! {
                        <LiveCharts>
                            <DashboardFilter explore=listed chosen=chosen()/>
                            <DashboardSection
                                data=dashboard
                                scope=scope().unwrap_or(Scope::All)
                                in_explorer=true
                            />
                        </LiveCharts>
                        <ExploreBody explore/>
                    }
                    .into_any()
                })
            })}
        </Suspense>
    }
}

#[component]
fn ExploreBody(explore: Explore) -> impl IntoView {
    let regions = explore
        .regions
        .into_iter()
        .map(|(region, n)| {
            (
                Scope::Region(region).page_path(),
                t(region.label_key()).to_string(),
                n,
            )
        })
        .collect();
    let values = explore
        .values
        .into_iter()
        .map(|(value, n)| {
            (
                Scope::Value(value).page_path(),
                t(value.label_key()).to_string(),
                n,
            )
        })
        .collect();
    let areas = explore
        .policy_areas
        .into_iter()
        .map(|(slug, name, n)| (Scope::PolicyArea(slug).page_path(), name, n))
        .collect();
    let institutions = explore
        .institutions
        .into_iter()
        .map(|(name, n)| (Scope::Institution(name.clone()).page_path(), name, n))
        .collect();
    let institutions_heading = t_count(Key::ExploreInstitutions, Explore::INSTITUTIONS, &[]);
    view! {
        <WayIn id="regions" heading=t(Key::ExploreRegions).to_string() ways=regions/>
        <WayIn id="values" heading=t(Key::ExploreValues).to_string() ways=values/>
        <WayIn id="policy-areas" heading=t(Key::ExplorePolicyAreas).to_string() ways=areas/>
        <WayIn id="institutions" heading=institutions_heading ways=institutions/>
    }
}

/// One list of ways into the commitments: each a link with how many it holds.
#[component]
fn WayIn(id: &'static str, heading: String, ways: Vec<(String, String, i64)>) -> impl IntoView {
    let heading_id = format!("{id}-heading");
    let labelled_by = heading_id.clone();
    view! {
        <section aria-labelledby=labelled_by data-explore=id>
            <h2 id=heading_id>{heading}</h2>
            {if ways.is_empty() {
                view! { <p class="empty">{t(Key::ExploreNone)}</p> }.into_any()
            } else {
                view! {
                    <ul class="ways">
                        {ways
                            .into_iter()
                            .map(|(href, name, n)| view! {
                                <li>
                                    <a href=href><bdi>{name}</bdi></a>
                                    " "
                                    <span class="meta" data-count=n>{t_count(Key::ScopeCount, n, &[])}</span>
                                </li>
                            })
                            .collect_view()}
                    </ul>
                }
                .into_any()
            }}
        </section>
    }
}

/// The scope a page's `key` names: `make` reads it, `None` when it names nothing.
fn scope_page(make: fn(&str) -> Option<Scope>) -> impl IntoView {
    let params = use_params_map();
    let query = use_query_map();
    let args = move || {
        (
            make(&params.read().get("key").unwrap_or_default()),
            query_page(query.read().get("page")),
        )
    };
    let page = crate::components::page_data(args, |(scope, page)| async move {
        match scope {
            Some(scope) => get_scope_page(scope, page).await,
            None => Ok(None),
        }
    });
    // A key that names nothing has no dashboard either; the page says not found.
    let dashboard = crate::components::page_data(
        move || args().0,
        |scope| async move {
            match scope {
                Some(scope) => crate::server_fns::get_dashboard(scope).await,
                None => Ok(None),
            }
        },
    );
    view! {
        <Suspense fallback=Loading>
            {move || Suspend::new(async move {
                let (scope, number) = args();
                record_view(page.await, move |found| match scope {
                    Some(scope) => view! { <ScopeBody scope found number dashboard/> }.into_any(),
                    None => view! { <crate::components::NotFound/> }.into_any(),
                })
            })}
        </Suspense>
    }
}

#[component]
pub fn RegionPage() -> impl IntoView {
    scope_page(|key| Scope::from_page("regions", key))
}

#[component]
pub fn ValuePage() -> impl IntoView {
    scope_page(|key| Scope::from_page("values", key))
}

#[component]
pub fn PolicyAreaPage() -> impl IntoView {
    scope_page(|key| Scope::from_page("policy-areas", key))
}

#[component]
pub fn InstitutionPage() -> impl IntoView {
    scope_page(|key| Scope::from_page("institutions", key))
}

#[component]
fn ScopeBody(
    scope: Scope,
    found: ScopePage,
    number: i64,
    dashboard: super::dashboard::DashboardResource,
) -> impl IntoView {
    let name = scope_text(&found.name);
    let kind = match found.name {
        ScopeName::Region(_) => Key::ScopeKindRegion,
        ScopeName::Value(_) => Key::ScopeKindValue,
        ScopeName::PolicyArea { .. } => Key::ScopeKindPolicyArea,
        _ => Key::ScopeKindInstitution,
    };
    let base = scope.page_path();
    view! {
        <PageMeta title=name.clone() description=t_with(Key::MetaScope, &[("name", &name)])/>
        <nav aria-label=t(Key::BreadcrumbLabel) class="breadcrumb">
            <a href="/explore">{t(Key::NavExplore)}</a>
        </nav>
        <p class="commitment-code">{t(kind)}</p>
        <h1><bdi>{name}</bdi></h1>
        <p class="meta" data-total=found.total_commitments>
            {t_count(Key::ScopeCount, found.total_commitments, &[])}
        </p>
        <DashboardSection data=dashboard scope=scope/>
        <Ranking members=found.ranking/>
        <section aria-labelledby="commitments-heading">
            <h2 id="commitments-heading">{t(Key::StatCommitments)}</h2>
            <CommitmentTable commitments=found.commitments total=found.total_commitments page=number base/>
        </section>
    }
}

/// The scope's members ranked by the results of their commitments in it (see
/// `MemberResults::rank`), for peers to find whom to learn from.
#[component]
fn Ranking(members: Vec<MemberResults>) -> impl IntoView {
    (members.len() > 1).then(|| {
        view! {
            <section aria-labelledby="ranking-heading" id="ranking">
                <h2 id="ranking-heading">{t(Key::RankingHeading)}</h2>
                <p class="meta">{t(Key::RankingRule)}</p>
                <div class="table-wrap">
                    <table data-ranking="members">
                        <thead>
                            <tr>
                                <th scope="col">{t(Key::ColMember)}</th>
                                <th scope="col" class="number">{t(Key::ColCommitments)}</th>
                                <th scope="col" class="number">{t(Key::ColHighCompletion)}</th>
                                <th scope="col" class="number">{t(Key::ColStrongResults)}</th>
                            </tr>
                        </thead>
                        <tbody>
                            {members
                                .into_iter()
                                .map(|m| {
                                    let percent = format!("{:.0}", m.high_completion_percent());
                                    view! {
                                        <tr data-member=m.slug.clone() data-high=m.high_completion data-strong=m.strong_results>
                                            <th scope="row"><a href=format!("/members/{}", m.slug)><bdi>{m.name}</bdi></a></th>
                                            <td class="number">{format_count(m.commitments)}</td>
                                            <td class="number">
                                                {t_with(Key::RankingShare, &[("count", &format_count(m.high_completion)), ("percent", &percent)])}
                                            </td>
                                            <td class="number">{format_count(m.strong_results)}</td>
                                        </tr>
                                    }
                                })
                                .collect_view()}
                        </tbody>
                    </table>
                </div>
            </section>
        }
    })
}
