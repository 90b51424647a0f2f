//! `/plans/{key}/print`: a plan with every commitment in full, one per printed page, for a
//! coalition to bring to a meeting. The print stylesheet (`style/main.css`) leaves out the
//! site's navigation and writes each link's address after it.

use super::commitment::{commitment_facts, AssessmentList, MilestoneTable, StarChecks, StarLine};
use super::keeping::ProgressFormula;
use crate::components::{date_text, record_view, DemoBanner, Loading, ProgressBar};
use crate::domain::{CommitmentDetail, PrintedPlan};
use crate::i18n::{format_count, t, t_count, t_with, Key};
use crate::server_fns::get_printed_plan;
use leptos::prelude::*;
use leptos_router::hooks::use_params_map;

#[component]
pub fn PlanPrintPage() -> impl IntoView {
    let params = use_params_map();
    let key = move || params.read().get("key").unwrap_or_default();
    let plan = crate::components::page_data(key, get_printed_plan);
    view! {
        <Suspense fallback=Loading>
            {move || Suspend::new(async move {
                record_view(plan.await, |printed| view! { <PrintedPlanBody printed/> }.into_any())
            })}
        </Suspense>
    }
}

#[component]
fn PrintedPlanBody(printed: PrintedPlan) -> impl IntoView {
    let PrintedPlan {
        plan,
        member,
        commitments,
        total_commitments,
    } = printed;
    let heading = format!(
        "{} · {}",
        t_with(Key::PlanHeading, &[("number", &plan.number.to_string())]),
        member.name
    );
    let as_of = commitments
        .first()
        .map(|c| date_text(c.as_of))
        .unwrap_or_default();
    let shown = commitments.len() as i64;
    // Past the cap (not a commitment removed between the two reads).
    let truncated = total_commitments > PrintedPlan::MOST;
    view! {
        <crate::components::PageMeta
            title=t_with(Key::PrintTitle, &[("title", &heading)])
            description=t_count(
                Key::MetaPlan,
                total_commitments,
                &[
                    ("member", &member.name),
                    ("number", &plan.number.to_string()),
                    ("period", &plan.period()),
                ],
            )
        />
        <nav aria-label=t(Key::BreadcrumbLabel) class="breadcrumb">
            <a href="/members">{t(Key::NavMembers)}</a>
            " / "
            <a href=format!("/members/{}", member.slug)><bdi>{member.name.clone()}</bdi></a>
            " / "
            <a href=format!("/plans/{}", plan.key)>{t_with(Key::PlanHeading, &[("number", &plan.number.to_string())])}</a>
        </nav>
        {member.demo.then(|| view! { <DemoBanner/> })}
        <h1><bdi>{heading}</bdi></h1>
        <super::plan::PlanFacts plan=plan.clone() commitments=total_commitments/>
        <p class="print-intro">{t_with(Key::PrintIntro, &[("date", &as_of)])}</p>
        {truncated.then(|| view! {
            <p class="notice notice-info" data-truncated="true">
                {t_with(Key::PrintTruncated, &[("shown", &format_count(shown)), ("total", &format_count(total_commitments))])}
            </p>
        })}
        {if commitments.is_empty() {
            view! { <p class="empty">{t(Key::NoCommitments)}</p> }.into_any()
        } else {
            commitments
                .into_iter()
                .map(|detail| view! { <PrintedCommitment detail/> })
                .collect_view()
                .into_any()
        }}
    }
}

/// One commitment as printed: everything its page shows to the public, nothing to click.
#[component]
fn PrintedCommitment(detail: CommitmentDetail) -> impl IntoView {
    let roll_up = detail.roll_up();
    let starred = detail.starred();
    let rule = detail.star_rule();
    let checks = detail.star_checks();
    let facts = commitment_facts(&detail.commitment, &detail.raw_values);
    let CommitmentDetail {
        commitment,
        milestones,
        assessments,
        as_of,
        ..
    } = detail;
    let heading_id = format!("commitment-{}", commitment.code);
    let labelled_by = heading_id.clone();
    view! {
        <article class="printed-commitment" aria-labelledby=labelled_by data-commitment=commitment.code.clone()>
            <p class="commitment-code">
                <a href=format!("/commitments/{}", commitment.code)>{commitment.code.clone()}</a>
            </p>
            <h2 id=heading_id dir="auto">{commitment.title.clone()}</h2>
            {commitment.withdrawal.clone().map(|w| view! {
                <p class="withdrawn" data-withdrawn="true">
                    <strong>{t_with(Key::WithdrawnOn, &[("date", &date_text(w.on))])}</strong> " "
                    <bdi>{w.reason}</bdi>
                </p>
            })}
            {starred.map(|is_starred| view! {
                <StarLine starred=is_starred rule/>
                <StarChecks checks/>
            })}
            <dl class="facts">
                {facts
                    .into_iter()
                    .map(|(key, value)| view! { <dt>{t(key)}</dt> <dd dir="auto">{value}</dd> })
                    .collect_view()}
            </dl>
            {commitment.problem.clone().map(|text| view! {
                <h3>{t(Key::FieldProblem)}</h3>
                <p class="full-text" dir="auto">{text}</p>
            })}
            {commitment.full_text.clone().map(|text| view! {
                <h3>{t(Key::FieldFullText)}</h3>
                <p class="full-text" dir="auto">{text}</p>
            })}
            <h3>{t(Key::MilestonesTitle)}</h3>
            <p>{t(Key::ProgressLabel)}": " <ProgressBar value=roll_up.progress()/></p>
            <ProgressFormula formula=roll_up.formula()/>
            <MilestoneTable milestones can_update=false today=as_of/>
            <h3>{t(Key::AssessmentsTitle)}</h3>
            <AssessmentList assessments/>
        </article>
    }
}
