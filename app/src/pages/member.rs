//! `/members/{slug}`: one member and its action plans.

use crate::components::{record_view, DemoBanner, LevelBadge, Loading, OverdueCount, ProgressBar};
use crate::forms::{CsrfField, Field};
use crate::i18n::{format_count, t, t_with, Key};
use crate::input::PlanInput;
use crate::live::{checked, FormCheck};
use crate::page_state::page_state;
use crate::server_fns::{get_member, MemberDetail};
use leptos::prelude::*;
use leptos_router::hooks::use_params_map;

#[component]
pub fn MemberPage() -> impl IntoView {
    let params = use_params_map();
    let slug = move || params.read().get("slug").unwrap_or_default();
    let member = crate::components::page_data(slug, get_member);
    let summary = super::scores_summary::member_summary(slug);
    let dashboard = super::dashboard::dashboard_data(move || crate::domain::Scope::Member(slug()));
    view! {
        <Suspense fallback=Loading>
            {move || Suspend::new(async move {
                record_view(member.await, |detail| view! { <MemberBody detail summary dashboard/> }.into_any())
            })}
        </Suspense>
    }
}

#[component]
fn MemberBody(
    detail: MemberDetail,
    summary: super::scores_summary::SummaryResource,
    dashboard: super::dashboard::DashboardResource,
) -> impl IntoView {
    let member = detail.member;
    view! {
        <crate::components::PageMeta
            title=member.name.clone()
            description=t_with(Key::MetaMember, &[("name", &member.name)])
            preview=crate::domain::Scope::Member(member.slug.clone())
        />
        <nav aria-label=t(Key::BreadcrumbLabel) class="breadcrumb">
            <a href="/members">{t(Key::NavMembers)}</a>
        </nav>
        {member.demo.then(|| view! { <DemoBanner/> })}
        <h1 dir="auto">{member.name.clone()}</h1>
        <dl class="facts">
            <dt>{t(Key::ColCode)}</dt>
            <dd>{member.code.clone()}</dd>
            <dt>{t(Key::ColRegion)}</dt>
            <dd>
                {match member.region {
                    Some(region) => view! {
                        <a href=crate::domain::Scope::Region(region).page_path()>{t(region.label_key())}</a>
                    }
                    .into_any(),
                    None => t(Key::NotAvailable).into_any(),
                }}
            </dd>
            <dt>{t(Key::ColKind)}</dt>
            <dd>{t(member.kind.label_key())}</dd>
        </dl>
        <crate::components::FeedLinks scope=crate::domain::Scope::Member(member.slug.clone())/>
        <section aria-labelledby="plans-heading">
            <h2 id="plans-heading">{t(Key::MemberPlans)}</h2>
            {if detail.plans.is_empty() {
                view! { <p class="empty">{t(Key::NoPlans)}</p> }.into_any()
            } else {
                view! {
                    <div class="table-wrap">
                        <table>
                            <thead>
                                <tr>
                                    <th scope="col">{t(Key::ColPlan)}</th>
                                    <th scope="col">{t(Key::ColPeriod)}</th>
                                    <th scope="col">{t(Key::ColStatus)}</th>
                                    <th scope="col" class="number">{t(Key::ColCommitments)}</th>
                                    <th scope="col" class="number">{t(Key::ColOverdue)}</th>
                                    <th scope="col">{t(Key::ColProgress)}</th>
                                </tr>
                            </thead>
                            <tbody>
                                {detail
                                    .plans
                                    .into_iter()
                                    .map(|summary| {
                                        let plan = summary.plan;
                                        view! {
                                            <tr>
                                                <th scope="row">
                                                    <a href=format!("/plans/{}", plan.key)>
                                                        {t_with(Key::PlanHeading, &[("number", &plan.number.to_string())])}
                                                    </a>
                                                </th>
                                                <td>{plan.period()}</td>
                                                <td><LevelBadge key=plan.status.label_key() machine=plan.status.as_str()/></td>
                                                <td class="number">{format_count(summary.commitments)}</td>
                                                <OverdueCount count=summary.overdue_milestones/>
                                                <td><ProgressBar value=summary.progress/></td>
                                            </tr>
                                        }
                                    })
                                    .collect_view()}
                            </tbody>
                        </table>
                    </div>
                }
                    .into_any()
            }}
        </section>
        {crate::policy::may_keep_plans(page_state().viewer.as_ref(), &member.code)
            .is_ok()
            .then(|| view! { <NewPlanForm slug=member.slug.clone() code=member.code.clone() next=detail.next_plan_number/> })}
        <super::dashboard::DashboardSection data=dashboard scope=crate::domain::Scope::Member(member.slug.clone())/>
        <super::scores_summary::ScoresSummarySection data=summary/>
    }
}

/// A new draft plan, for those who keep the member's plans.
#[component]
fn NewPlanForm(slug: String, code: String, next: i64) -> impl IntoView {
    let state = page_state();
    let typed = |name: &str, default: String| state.form_value_or(name, default);
    view! {
        <section aria-labelledby="new-plan-heading">
            <h2 id="new-plan-heading">{t(Key::NewPlanTitle)}</h2>
            <p>{t(Key::NewPlanIntro)}</p>
            {checked(FormCheck::NewPlan { member_code: code }, view! {
            <form
                method="post"
                action=format!("/members/{slug}/plans")
                class="form"
            >
                <CsrfField/>
                <Field id=PlanInput::number.into() name=PlanInput::number label=Key::FieldPlanNumber kind="number" value=typed(PlanInput::number, next.to_string())/>
                <Field id=PlanInput::title.into() name=PlanInput::title label=Key::FieldPlanTitle required=false value=typed(PlanInput::title, String::new())/>
                <Field id=PlanInput::start_date.into() name=PlanInput::start_date label=Key::FieldStartDate kind="date" value=typed(PlanInput::start_date, String::new())/>
                <Field id=PlanInput::end_date.into() name=PlanInput::end_date label=Key::FieldEndDate kind="date" value=typed(PlanInput::end_date, String::new())/>
                <Field id=PlanInput::document_url.into() name=PlanInput::document_url label=Key::FieldPlanDocument kind="url" required=false value=typed(PlanInput::document_url, String::new())/>
                <button type="submit">{t(Key::CreatePlanButton)}</button>
            </form>
            })}
        </section>
    }
}
