//! `/plans/{key}`: one action plan's commitments with progress and IRM levels.

use crate::components::{
    query_page, record_view, DemoBanner, LevelBadge, Loading, OverdueCount, Pagination, ProgressBar,
};
use crate::domain::{PlanDetail, PlanStatus};
use crate::forms::CsrfField;
use crate::i18n::{format_count, t, t_count, t_with, Key};
use crate::input::PlanStatusInput;
use crate::live::{checked, FormCheck};
use crate::page_state::page_state;
use crate::server_fns::{get_plan, PAGE_SIZE};
use leptos::prelude::*;
use leptos_router::hooks::{use_params_map, use_query_map};

#[component]
pub fn PlanPage() -> impl IntoView {
    let params = use_params_map();
    let query = use_query_map();
    let args = move || {
        (
            params.read().get("key").unwrap_or_default(),
            query_page(query.read().get("page")),
        )
    };
    let plan = crate::components::page_data(args, |(key, page)| get_plan(key, page));
    let summary = super::scores_summary::plan_summary(move || args().0);
    let dashboard = super::dashboard::dashboard_data(move || crate::domain::Scope::Plan(args().0));
    view! {
        <Suspense fallback=Loading>
            {move || Suspend::new(async move {
                let (_, page) = args();
                record_view(plan.await, |detail| view! { <PlanBody detail page summary dashboard/> }.into_any())
            })}
        </Suspense>
    }
}

#[component]
fn PlanBody(
    detail: PlanDetail,
    page: i64,
    summary: super::scores_summary::SummaryResource,
    dashboard: super::dashboard::DashboardResource,
) -> impl IntoView {
    let plan = detail.plan;
    let member = detail.member;
    let heading = t_with(Key::PlanHeading, &[("number", &plan.number.to_string())]);
    let base = format!("/plans/{}", plan.key);
    let can_keep =
        crate::policy::may_keep_plans(page_state().viewer.as_ref(), &member.code).is_ok();
    let open = plan.status != PlanStatus::Completed;
    let add_link = view! {
        <p class="actions">
            {(can_keep && open).then(|| view! {
                <a href=format!("/plans/{}/commitments", plan.key) data-action="add-commitment">{t(Key::AddCommitmentLink)}</a>
                " "
            })}
            <a href=format!("/plans/{}/csv", plan.key) download=format!("{}.csv", plan.key) data-action="download-csv">{t(Key::DownloadCsvLink)}</a>
            " "
            <a href=format!("/plans/{}/print", plan.key) data-action="print">{t(Key::PrintPlanLink)}</a>
            {can_keep.then(|| view! {
                " "
                <a href=format!("/plans/{}/upload", plan.key) data-action="upload-csv">{t(Key::UploadCsvLink)}</a>
            })}
        </p>
    };
    view! {
        <crate::components::PageMeta
            title=format!("{} · {}", heading, member.name)
            description=t_count(
                Key::MetaPlan,
                detail.total_commitments,
                &[
                    ("member", &member.name),
                    ("number", &plan.number.to_string()),
                    ("period", &plan.period()),
                ],
            )
            preview=crate::domain::Scope::Plan(plan.key.clone())
        />
        <nav aria-label=t(Key::BreadcrumbLabel) class="breadcrumb">
            <a href="/members">{t(Key::NavMembers)}</a>
            " / "
            <a href=format!("/members/{}", member.slug)><bdi>{member.name.clone()}</bdi></a>
        </nav>
        {member.demo.then(|| view! { <DemoBanner/> })}
        <h1>{heading}" · "<bdi>{member.name.clone()}</bdi></h1>
        <PlanFacts plan=plan.clone() commitments=detail.total_commitments/>
        <crate::components::FeedLinks scope=crate::domain::Scope::Plan(plan.key.clone())/>
        {plan
            .status
            .next()
            .filter(|_| can_keep)
            .map(|next| {
                let button = match next {
                    PlanStatus::Active => Key::PublishPlanButton,
                    _ => Key::EndPlanButton,
                };
                view! {
                    <form method="post" action=format!("/plans/{}/status", plan.key) class="form inline">
                        <CsrfField/>
                        <input type="hidden" name=PlanStatusInput::status value=next.as_str()/>
                        <button type="submit">{t(button)}</button>
                    </form>
                }
            })}
        <super::dashboard::DashboardSection data=dashboard scope=crate::domain::Scope::Plan(plan.key.clone())/>
        <super::scores_summary::ScoresSummarySection data=summary/>
        {can_keep.then(|| view! { <PlanEditForm plan=plan.clone() version=detail.version/> })}
        <section aria-labelledby="commitments-heading">
            <h2 id="commitments-heading">{t(Key::PlanCommitments)}</h2>
            {add_link}
            <CommitmentTable commitments=detail.commitments total=detail.total_commitments page base/>
        </section>
    }
}

/// A plan's period, status and number of commitments.
#[component]
pub(super) fn PlanFacts(plan: crate::domain::ActionPlan, commitments: i64) -> impl IntoView {
    view! {
        <dl class="facts">
            <dt>{t(Key::ColPeriod)}</dt>
            <dd>{plan.period()}</dd>
            <dt>{t(Key::ColStatus)}</dt>
            <dd><LevelBadge key=plan.status.label_key() machine=plan.status.as_str()/></dd>
            <dt>{t(Key::StatCommitments)}</dt>
            <dd>{format_count(commitments)}</dd>
        </dl>
    }
}

/// One page of commitments as a table (a plan's, a region's, ...), with the pages around.
#[component]
pub(super) fn CommitmentTable(
    commitments: Vec<crate::domain::CommitmentSummary>,
    total: i64,
    page: i64,
    base: String,
) -> impl IntoView {
    if commitments.is_empty() {
        return view! { <p class="empty">{t(Key::NoCommitments)}</p> }.into_any();
    }
    view! {
                    <div class="table-wrap">
                        <table>
                            <thead>
                                <tr>
                                    <th scope="col">{t(Key::ColCode)}</th>
                                    <th scope="col">{t(Key::ColCommitment)}</th>
                                    <th scope="col">{t(Key::ColLead)}</th>
                                    <th scope="col" class="number">{t(Key::ColMilestones)}</th>
                                    <th scope="col" class="number">{t(Key::ColOverdue)}</th>
                                    <th scope="col">{t(Key::ColProgress)}</th>
                                    <th scope="col">{t(Key::ColPotentialImpact)}</th>
                                    <th scope="col">{t(Key::ColCompletion)}</th>
                                </tr>
                            </thead>
                            <tbody>
                                {commitments
                                    .into_iter()
                                    .map(|c| {
                                        view! {
                                            <tr data-commitment=c.code.clone() data-withdrawn=c.withdrawn.to_string()>
                                                <td><a href=format!("/commitments/{}", c.code)>{c.code.clone()}</a></td>
                                                <th scope="row">
                                                    <bdi>{c.title}</bdi>
                                                    {c.withdrawn.then(|| view! { " " <span class="badge level-withdrawn">{t(Key::CommitmentWithdrawnBadge)}</span> })}
                                                </th>
                                                <td><bdi>{c.lead_institution.unwrap_or_else(|| t(Key::NotAvailable).to_string())}</bdi></td>
                                                <td class="number">{format_count(c.milestones)}</td>
                                                <OverdueCount count=c.overdue_milestones/>
                                                <td><ProgressBar value=c.progress/></td>
                                                <td>{level_or_dash(c.potential_impact.map(|l| (l.label_key(), l.as_str())))}</td>
                                                <td>{level_or_dash(c.completion.map(|l| (l.label_key(), l.as_str())))}</td>
                                            </tr>
                                        }
                                    })
                                    .collect_view()}
                            </tbody>
                        </table>
                    </div>
                    <Pagination page total page_size=PAGE_SIZE base/>
                }
                    .into_any()
}

fn level_or_dash(level: Option<(Key, &'static str)>) -> AnyView {
    match level {
        Some((key, machine)) => view! { <LevelBadge key machine/> }.into_any(),
        None => view! { <span class="muted">{t(Key::NotAvailable)}</span> }.into_any(),
    }
}

/// The plan's title, dates and document link, for those who keep the member's plans. Open
/// when a refused edit comes back to it.
#[component]
fn PlanEditForm(plan: crate::domain::ActionPlan, version: i64) -> impl IntoView {
    use crate::forms::Field;
    use crate::input::PlanInput;
    let state = page_state();
    let refused = state
        .form_values
        .iter()
        .any(|(name, _)| name == PlanInput::version);
    let typed = |name: &'static str, stored: String| state.form_value_or(name, stored);
    let day = |d: Option<chrono::NaiveDate>| d.map(|d| d.to_string()).unwrap_or_default();
    let version = state.form_version(PlanInput::version, version);
    let stored = plan.clone();
    view! {
        <details class="plan-edit" open=refused>
            <summary>{t(Key::EditPlanSummary)}</summary>
            {checked(FormCheck::PlanEdit { stored: Box::new(stored) }, view! {
            <form
                method="post"
                action=format!("/plans/{}/edit", plan.key)
                class="form"
                data-form="plan"
            >
                <CsrfField/>
                <input type="hidden" name=PlanInput::version value=version/>
                <input type="hidden" name=PlanInput::number value=plan.number.to_string()/>
                <Field id=PlanInput::title.into() name=PlanInput::title label=Key::FieldPlanTitle required=false value=typed(PlanInput::title, plan.title.clone().unwrap_or_default())/>
                <Field id=PlanInput::start_date.into() name=PlanInput::start_date label=Key::FieldStartDate kind="date" required=plan.start_date.is_some() value=typed(PlanInput::start_date, day(plan.start_date))/>
                <Field id=PlanInput::end_date.into() name=PlanInput::end_date label=Key::FieldEndDate kind="date" required=plan.end_date.is_some() value=typed(PlanInput::end_date, day(plan.end_date))/>
                <Field id=PlanInput::document_url.into() name=PlanInput::document_url label=Key::FieldPlanDocument required=false value=typed(PlanInput::document_url, plan.document_url.clone().unwrap_or_default())/>
                <button type="submit">{t(Key::SavePlanButton)}</button>
            </form>
            })}
        </details>
    }
}
