//! `/commitments/{id}`: a commitment's full record, milestones and every assessment.

use super::keeping::ProgressFormula;
use super::milestone::MilestoneUpdateForm;
use crate::components::{
    author_text, date_text, indicator_name, record_view, DemoBanner, DueDate, EvidenceList,
    ExternalLink, LevelBadge, Loading, ProgressBar,
};
use crate::domain::{Assessment, CommitmentDetail, Milestone, RawValue, Scope};
use crate::i18n::{format_amount, t, t_with, Key};
use crate::live::{checked, FormCheck};
use crate::page_state::page_state;
use crate::server_fns::get_commitment;
use leptos::prelude::*;
use leptos_router::hooks::use_params_map;

#[component]
pub fn CommitmentPage() -> impl IntoView {
    let params = use_params_map();
    let commitment = crate::components::page_data(
        move || params.read().get("code").unwrap_or_default(),
        get_commitment,
    );
    view! {
        <Suspense fallback=Loading>
            {move || Suspend::new(async move {
                record_view(commitment.await, |detail| view! { <CommitmentBody detail/> }.into_any())
            })}
        </Suspense>
    }
}

/// A field's value; else the missing-value code or raw text the source held, labelled.
fn field_value(value: Option<String>, raw: Option<&RawValue>) -> String {
    match (value, raw) {
        (Some(v), _) => v,
        (None, Some(raw)) => match raw.missing_code() {
            Some(code) => t(code.label_key()).to_string(),
            None => t_with(Key::RawValueNote, &[("raw", &raw.raw)]),
        },
        (None, None) => t(Key::NotAvailable).to_string(),
    }
}

fn yes_no(value: Option<bool>) -> String {
    match value {
        Some(true) => t(Key::Yes).to_string(),
        Some(false) => t(Key::No).to_string(),
        None => t(Key::NotAvailable).to_string(),
    }
}

#[component]
fn CommitmentBody(detail: CommitmentDetail) -> AnyView {
    let roll_up = detail.roll_up();
    let starred = detail.starred();
    let rule = detail.star_rule();
    let star_checks = detail.star_checks();
    let CommitmentDetail {
        commitment,
        plan,
        member,
        milestones,
        assessments,
        raw_values,
        as_of,
        ..
    } = detail;
    // The controls follow the same policy the server enforces on the post.
    let viewer = page_state().viewer;
    let can_update = crate::policy::may_update_milestone(
        viewer.as_ref(),
        &member.code,
        commitment.lead_institution.as_deref(),
    )
    .is_ok();
    let can_edit = crate::policy::may_keep_plans(viewer.as_ref(), &member.code).is_ok();
    // Reviewers and IRM researchers of the member (one without an organisation is told why
    // on the scoring page).
    let can_score = !matches!(
        crate::policy::scorer_for(viewer.as_ref(), &member.code),
        Err(crate::error::AppError::NotAllowed | crate::error::AppError::SignInRequired)
    );
    let withdrawal = commitment.withdrawal.clone();
    // Open to those who keep it: the commitment's fields, and its milestones.
    let keeping = (can_edit || can_update || can_score).then(|| {
        let code = commitment.code.clone();
        view! {
            <p class="actions keeping">
                {can_edit.then(|| view! { <a href=format!("/commitments/{code}/edit")>{t(Key::EditCommitmentLink)}</a> " " })}
                {can_update.then(|| view! { <a href=format!("/commitments/{code}/milestones")>{t(Key::KeepMilestonesLink)}</a> " " })}
                {can_score.then(|| view! { <a href=format!("/commitments/{code}/assessments") data-link="score">{t(Key::ScoreCommitmentLink)}</a> })}
            </p>
        }
    });
    let plan_label = t_with(Key::PlanHeading, &[("number", &plan.number.to_string())]);
    // What the commitment does, in its own words where it has them.
    let description = commitment
        .full_text
        .as_deref()
        .or(commitment.problem.as_deref())
        .map(|text| crate::components::excerpt(text, 200))
        .filter(|text| !text.is_empty())
        .unwrap_or_else(|| {
            t_with(
                Key::MetaCommitment,
                &[
                    ("code", &commitment.code),
                    ("member", &member.name),
                    ("number", &plan.number.to_string()),
                ],
            )
        });
    let facts = commitment_facts(&commitment, &raw_values);
    view! {
        <crate::components::PageMeta title=format!("{} · {}", commitment.code, commitment.title) description/>
        <nav aria-label=t(Key::BreadcrumbLabel) class="breadcrumb">
            <a href="/members">{t(Key::NavMembers)}</a>
            " / "
            <a href=format!("/members/{}", member.slug)><bdi>{member.name.clone()}</bdi></a>
            " / "
            <a href=format!("/plans/{}", plan.key)>{plan_label.clone()}</a>
        </nav>
        {commitment.demo.then(|| view! { <DemoBanner/> })}
        <p class="commitment-code">{commitment.code.clone()}</p>
        <h1 dir="auto">{commitment.title.clone()}</h1>
        {withdrawal.map(|w| view! {
            <p class="notice notice-info withdrawn" data-withdrawn="true">
                <strong>{t_with(Key::WithdrawnOn, &[("date", &date_text(w.on))])}</strong> " "
                <bdi>{w.reason}</bdi>
            </p>
        })}
        {keeping}
        {commitment.code_derived.then(|| view! { <p class="note">{t(Key::CommitmentIdDerived)}</p> })}
        {starred.map(|is_starred| {
            view! {
                <StarLine starred=is_starred rule/>
                <details class="star-why">
                    <summary>{t(Key::StarWhy)}</summary>
                    <StarChecks checks=star_checks/>
                </details>
            }
        })}
        <section aria-labelledby="details-heading">
            <h2 id="details-heading">{t(Key::FieldDetails)}</h2>
            <dl class="facts">
                <dt>{t(Key::FieldMember)}</dt>
                <dd><a href=format!("/members/{}", member.slug)><bdi>{member.name.clone()}</bdi></a></dd>
                <dt>{t(Key::FieldPlan)}</dt>
                <dd><a href=format!("/plans/{}", plan.key)>{plan_label}" ("{plan.period()}")"</a></dd>
                {facts
                    .into_iter()
                    .map(|(key, value)| view! { <dt>{t(key)}</dt> <dd dir="auto">{value}</dd> })
                    .collect_view()}
                {commitment.source_url.clone().map(|url| {
                    view! {
                        <dt>{t(Key::FieldSource)}</dt>
                        <dd><ExternalLink url=url/></dd>
                    }
                })}
            </dl>
        </section>
        {commitment.problem.clone().map(|text| view! {
            <section aria-labelledby="problem-heading">
                <h2 id="problem-heading">{t(Key::FieldProblem)}</h2>
                <p class="full-text" dir="auto">{text}</p>
            </section>
        })}
        {commitment.full_text.clone().map(|text| view! {
            <section aria-labelledby="text-heading">
                <h2 id="text-heading">{t(Key::FieldFullText)}</h2>
                <p class="full-text" dir="auto">{text}</p>
            </section>
        })}
        <section aria-labelledby="milestones-heading">
            <h2 id="milestones-heading">{t(Key::MilestonesTitle)}</h2>
            <p>{t(Key::ProgressLabel)}": " <ProgressBar value=roll_up.progress()/></p>
            <ProgressFormula formula=roll_up.formula()/>
            <MilestoneTable milestones can_update today=as_of/>
        </section>
        <section aria-labelledby="history-heading">
            <h2 id="history-heading">{t(Key::HistoryHeading)}</h2>
            <p>
                {t(Key::HistoryIntro)} " "
                <a href=format!("/commitments/{}/history", commitment.code)>{t(Key::HistoryLink)}</a>
            </p>
            <crate::components::FeedLinks scope=crate::domain::Scope::Commitment(commitment.code.clone())/>
        </section>
        {can_update.then(|| view! { <SelfAssessmentForm code=commitment.code.clone() year=plan.year_submitted/> })}
        <SideBySide comparisons=crate::domain::side_by_side(&assessments)/>
        <section aria-labelledby="assessments-heading">
            <h2 id="assessments-heading">{t(Key::AssessmentsTitle)}</h2>
            <AssessmentList assessments/>
        </section>
        <SimilarElsewhere code=commitment.code.clone()/>
    }
    // Erased: the page is one of the deepest view types, beyond the compiler's default
    // query depth where the server renders it.
    .into_any()
}

/// A commitment's facts as its page lists them (each with OGP's missing-value code where
/// the data held one): the commitment page and the printed plan.
pub(super) fn commitment_facts(
    commitment: &crate::domain::Commitment,
    raw_values: &[RawValue],
) -> Vec<(Key, Fact)> {
    let raw = |field: &str| raw_values.iter().find(|r| r.field == field).cloned();
    let budget = commitment.budget.clone().map(|b| {
        let amount = match (b.amount, b.currency) {
            (Some(amount), Some(currency)) => format!("{} {currency}", format_amount(amount)),
            (Some(amount), None) => format_amount(amount),
            (None, _) => t(Key::NotAvailable).to_string(),
        };
        let mut parts = vec![amount];
        parts.extend(b.funding_source);
        if let Some(funded) = b.funded {
            parts.push(format!("{}: {}", t(Key::FieldFunded), yes_no(Some(funded))));
        }
        parts.join(" · ")
    });
    let text = |value: String| Fact::Text(value);
    vec![
        (
            Key::FieldTheme,
            text(field_value(commitment.theme.clone(), raw("theme").as_ref())),
        ),
        (
            Key::FieldLeadInstitution,
            match &commitment.lead_institution {
                Some(name) => Fact::Links(vec![(
                    Scope::Institution(name.clone()).page_path(),
                    name.clone(),
                )]),
                None => Fact::Text(field_value(None, raw("lead_institution").as_ref())),
            },
        ),
        (
            Key::FieldSupportingInstitutions,
            text(field_value(
                commitment.supporting_institutions.clone(),
                raw("supporting_institutions").as_ref(),
            )),
        ),
        (
            Key::FieldStartDate,
            text(field_value(
                commitment.start_date.map(date_text),
                raw("start_date").as_ref(),
            )),
        ),
        (
            Key::FieldEndDate,
            text(field_value(
                commitment.end_date.map(date_text),
                raw("end_date").as_ref(),
            )),
        ),
        (
            Key::FieldValues,
            Fact::Links(
                commitment
                    .values
                    .iter()
                    .map(|v| (Scope::Value(*v).page_path(), t(v.label_key()).to_string()))
                    .collect(),
            ),
        ),
        (
            Key::FieldPolicyAreas,
            Fact::Links(
                commitment
                    .policy_areas
                    .iter()
                    .map(|name| {
                        // Stored under this slug (`storage::writes`); a name with no Latin
                        // letter or digit has none, and no page.
                        let slug = crate::domain::slugify(name);
                        let href = if slug.is_empty() {
                            String::new()
                        } else {
                            Scope::PolicyArea(slug).page_path()
                        };
                        (href, name.clone())
                    })
                    .collect(),
            ),
        ),
        (
            Key::FieldBudgetAmount,
            text(budget.unwrap_or_else(|| t(Key::NotAvailable).to_string())),
        ),
        (
            Key::FieldCarriedForward,
            text(yes_no(commitment.carried_forward)),
        ),
        (Key::FieldActive, text(yes_no(commitment.active))),
        (
            Key::FieldCluster,
            text(field_value(
                commitment.cluster_ids.clone(),
                raw("cluster_ids").as_ref(),
            )),
        ),
    ]
}

/// A fact's value: text, or links to where it leads (a value's, a policy area's or an
/// institution's page; text alone where the address is empty), or that it is not known.
pub(super) enum Fact {
    Text(String),
    Links(Vec<(String, String)>),
}

impl IntoRender for Fact {
    type Output = AnyView;

    fn into_render(self) -> AnyView {
        match self {
            Fact::Text(text) => text.into_any(),
            Fact::Links(links) if links.is_empty() => t(Key::NotAvailable).into_any(),
            Fact::Links(links) => {
                let last = links.len() - 1;
                links
                    .into_iter()
                    .enumerate()
                    .map(|(i, (href, text))| {
                        let item = if href.is_empty() {
                            text.into_any()
                        } else {
                            view! { <a href=href>{text}</a> }.into_any()
                        };
                        view! {
                            {item}
                            {(i < last).then_some(", ")}
                        }
                    })
                    .collect_view()
                    .into_any()
            }
        }
    }
}

/// Whether the commitment is starred, by the rule of its plan's year, named.
#[component]
pub(super) fn StarLine(starred: bool, rule: crate::domain::StarRule) -> impl IntoView {
    view! {
        <p class=if starred { "star starred" } else { "star" }>
            {if starred { "★ " } else { "☆ " }}
            {if starred { t(Key::Starred) } else { t(Key::NotStarred) }}
            " ("
            {t_with(Key::StarRuleNote, &[("rule", t(rule.label_key()))])}
            ")"
        </p>
    }
}

/// Every source's levels at each stage, side by side, with the disagreements the stated
/// rule finds said in words (not only shown by colour).
#[component]
fn SideBySide(comparisons: Vec<crate::domain::StageComparison>) -> impl IntoView {
    (!comparisons.is_empty()).then(|| {
        view! {
            <section aria-labelledby="side-by-side-heading" id="side-by-side">
                <h2 id="side-by-side-heading">{t(Key::SideBySideHeading)}</h2>
                <p class="meta">{t(Key::DisagreementRule)}</p>
                {comparisons
                    .into_iter()
                    .map(|comparison| view! { <ComparisonTable comparison/> })
                    .collect_view()}
            </section>
        }
    })
}

/// The four conditions of a starred rule, each met, not met or without a score.
#[component]
pub(crate) fn StarChecks(checks: [crate::domain::StarCheck; 4]) -> impl IntoView {
    view! {
        <ul class="star-checks">
            {checks
                .iter()
                .map(|check| {
                    let (state, answer) = match check.met {
                        Some(true) => ("met", Key::StarMet),
                        Some(false) => ("not-met", Key::StarNotMet),
                        None => ("unknown", Key::StarNoScore),
                    };
                    view! { <li data-check=state>{t(check.condition)} ": " <strong>{t(answer)}</strong></li> }
                })
                .collect_view()}
        </ul>
    }
}

/// One stage's comparison: indicators as rows, sources as columns, and a column saying in
/// words where they disagree.
#[component]
pub(crate) fn ComparisonTable(comparison: crate::domain::StageComparison) -> impl IntoView {
    use crate::domain::AssessmentSource;
    use crate::domain::{Disagreement, ScoreValue, SourceColumn};
    // Civil society's columns are named by organisation; the IRM's too when there are
    // several (imported IRM data beside an IRM researcher's assessment).
    let irm_columns = comparison
        .columns
        .iter()
        .filter(|c| c.source == AssessmentSource::Irm)
        .count();
    let name = move |column: &SourceColumn| match column.source {
        AssessmentSource::CivilSociety => {
            format!("{} ({})", t(column.source.label_key()), column.assessor)
        }
        AssessmentSource::Irm if irm_columns > 1 => {
            format!("{} ({})", t(column.source.label_key()), column.assessor)
        }
        _ => t(column.source.label_key()).to_string(),
    };
    let level = |cell: &Option<ScoreValue>| match cell {
        Some(value) => t(value.label_key()).to_string(),
        None => t(Key::NotAvailable).to_string(),
    };
    let columns = comparison.columns.clone();
    view! {
        <div class="table-wrap">
            <table data-stage=comparison.stage.as_str() class="side-by-side">
                <caption>{t(comparison.stage.label_key())}</caption>
                <thead>
                    <tr>
                        <th scope="col">{t(Key::ColIndicator)}</th>
                        {columns.iter().map(|c| view! { <th scope="col" data-source=c.source.as_str()><bdi>{name(c)}</bdi></th> }).collect_view()}
                        <th scope="col">{t(Key::ColDisagreement)}</th>
                    </tr>
                </thead>
                <tbody>
                    {comparison
                        .rows
                        .into_iter()
                        .map(|row| {
                            let said = row.disagreement.map(|d| match d {
                                Disagreement::Apart { steps, low, high } => t_with(
                                    Key::DisagreementApart,
                                    &[
                                        ("high", &name(&columns[high])),
                                        ("high_level", &level(&row.cells[high])),
                                        ("low", &name(&columns[low])),
                                        ("low_level", &level(&row.cells[low])),
                                        ("steps", &steps.to_string()),
                                    ],
                                ),
                                Disagreement::YesAndNo { yes, no } => t_with(
                                    Key::DisagreementYesNo,
                                    &[
                                        ("yes", &name(&columns[yes])),
                                        ("yes_level", &level(&row.cells[yes])),
                                        ("no", &name(&columns[no])),
                                        ("no_level", &level(&row.cells[no])),
                                    ],
                                ),
                            });
                            let disagrees = said.is_some();
                            view! {
                                <tr data-indicator=row.indicator.machine_name() data-disagree=disagrees.to_string() class:disagree=disagrees>
                                    <th scope="row">{indicator_name(row.indicator)}</th>
                                    {row.cells.iter().map(|cell| view! { <td>{level(cell)}</td> }).collect_view()}
                                    <td>{said.map(|text| view! { <strong>{text}</strong> })}</td>
                                </tr>
                            }
                        })
                        .collect_view()}
                </tbody>
            </table>
        </div>
    }
}

/// The government's own completion level, recorded by a point of contact at mid-term or
/// end of term on the IRM's scale for the plan; shown with the other assessments.
#[component]
fn SelfAssessmentForm(code: String, year: Option<i64>) -> impl IntoView {
    use crate::domain::{ScaleSet, Stage};
    use crate::forms::{Choice, CsrfField, Field};
    use crate::input::SelfAssessmentInput;
    let state = page_state();
    let scale = ScaleSet::for_plan_year(year);
    let stages = [Stage::MidTerm, Stage::EndOfTerm]
        .iter()
        .map(|s| (s.as_str().to_string(), t(s.label_key()).to_string()))
        .collect();
    let levels = scale
        .completion_levels()
        .iter()
        .map(|c| (c.as_str().to_string(), t(c.label_key()).to_string()))
        .collect();
    view! {
        <section aria-labelledby="self-assessment-heading" id="self-assessment">
            <h2 id="self-assessment-heading">{t(Key::SelfAssessmentHeading)}</h2>
            <p class="meta">{t_with(Key::SelfAssessmentIntro, &[("scale", t(scale.label_key()))])}</p>
            {checked(FormCheck::SelfAssessment { scale }, view! {
            <form
                method="post"
                action=format!("/commitments/{code}/self-assessment")
                class="form"
                data-form="self-assessment"
            >
                <CsrfField/>
                <Choice id=SelfAssessmentInput::stage.into() name=SelfAssessmentInput::stage label=Key::FieldStage options=stages selected=state.form_value_or(SelfAssessmentInput::stage, Stage::MidTerm.as_str())/>
                <Choice id=SelfAssessmentInput::completion.into() name=SelfAssessmentInput::completion label=Key::FieldCompletion options=levels selected=state.form_value(SelfAssessmentInput::completion)/>
                <Field id=SelfAssessmentInput::justification.into() name=SelfAssessmentInput::justification label=Key::FieldJustification multiline=true value=state.form_value(SelfAssessmentInput::justification)/>
                <button type="submit">{t(Key::SelfAssessButton)}</button>
            </form>
            })}
        </section>
    }
}

#[component]
pub(super) fn MilestoneTable(
    milestones: Vec<Milestone>,
    can_update: bool,
    today: chrono::NaiveDate,
) -> impl IntoView {
    // Sent with `fetch`, then this page loaded again, only from a page that shows no
    // refused post.
    let send_in_page = page_state().form_values.is_empty();
    if milestones.is_empty() {
        return view! { <p class="empty">{t(Key::NoMilestones)}</p> }.into_any();
    }
    view! {
        <div class="table-wrap">
            <table>
                <thead>
                    <tr>
                        <th scope="col">{t(Key::ColMilestone)}</th>
                        <th scope="col">{t(Key::ColDue)}</th>
                        <th scope="col">{t(Key::ColStatus)}</th>
                        <th scope="col">{t(Key::ColProgress)}</th>
                        <th scope="col">{t(Key::ColLatestUpdate)}</th>
                        {can_update.then(|| view! { <th scope="col">{t(Key::ColYourUpdate)}</th> })}
                    </tr>
                </thead>
                <tbody>
                    {milestones
                        .into_iter()
                        .map(|m| {
                            let updates_link = format!("/milestones/{}/updates", m.id);
                            let overdue = m.is_overdue(today);
                            view! {
                                <tr id=format!("milestone-{}", m.id)>
                                    <th scope="row">
                                        <bdi>{m.title}</bdi>
                                        <br/>
                                        <a class="meta" href=updates_link>{t(Key::MilestoneAllUpdates)}</a>
                                    </th>
                                    <td><DueDate planned_end=m.planned_end overdue/></td>
                                    <td><LevelBadge key=m.status.label_key() machine=m.status.as_str()/></td>
                                    <td><ProgressBar value=Some(m.progress as f64)/></td>
                                    <td>
                                        {m.latest_update.map(|u| {
                                            let date = date_text(u.created_at.date_naive());
                                            view! {
                                                <p dir="auto">{u.narrative}</p>
                                                <p class="meta">{t_with(Key::UpdateBy, &[("author", &author_text(&u.author)), ("date", &date)])}</p>
                                                <EvidenceList links=u.evidence files=u.files/>
                                            }
                                        })}
                                    </td>
                                    {can_update.then(|| view! {
                                        <td>
                                            <details class="update-form">
                                                <summary>{t(Key::PostUpdateSummary)}</summary>
                                                <MilestoneUpdateForm id=m.id status=m.status progress=m.progress version=m.version refill=false corrects=None send_in_page/>
                                            </details>
                                        </td>
                                    })}
                                </tr>
                            }
                        })
                        .collect_view()}
                </tbody>
            </table>
        </div>
    }
    .into_any()
}

/// Every published assessment of a commitment, each with its scores; or that there is none.
#[component]
pub(super) fn AssessmentList(assessments: Vec<Assessment>) -> impl IntoView {
    if assessments.is_empty() {
        return view! { <p class="empty">{t(Key::NoAssessments)}</p> }.into_any();
    }
    assessments
        .into_iter()
        .map(|assessment| view! { <AssessmentTable assessment/> })
        .collect_view()
        .into_any()
}

#[component]
fn AssessmentTable(assessment: Assessment) -> impl IntoView {
    let heading = t_with(
        Key::AssessmentHeading,
        &[
            ("source", t(assessment.source.label_key())),
            ("stage", t(assessment.stage.label_key())),
            ("scale", t(assessment.scale.label_key())),
        ],
    );
    view! {
        <article class="assessment" data-source=assessment.source.as_str() data-stage=assessment.stage.as_str()>
            <h3>{heading}</h3>
            <p class="meta">{assessment.assessor.clone()}</p>
            <ScoresTable scores=assessment.scores/>
        </article>
    }
}

/// An assessment's scores: each indicator's level, with its justification and evidence.
#[component]
pub(crate) fn ScoresTable(scores: Vec<crate::domain::Score>) -> impl IntoView {
    view! {
        <div class="table-wrap">
            <table class="scores">
                <thead>
                    <tr>
                        <th scope="col">{t(Key::ColIndicator)}</th>
                        <th scope="col">{t(Key::ColScore)}</th>
                    </tr>
                </thead>
                <tbody>
                    {scores
                        .into_iter()
                        .map(|score| view! {
                            <tr data-indicator=score.indicator.machine_name()>
                                <th scope="row">{indicator_name(score.indicator)}</th>
                                <td>
                                    <LevelBadge key=score.value.label_key() machine=score.value.as_str()/>
                                    {score.justification.map(|j| view! { <p class="justification" dir="auto">{j}</p> })}
                                    <EvidenceList links=score.evidence files=Vec::new()/>
                                </td>
                            </tr>
                        })
                        .collect_view()}
                </tbody>
            </table>
        </div>
    }
}

/// Commitments of other members like this one, the strongest results first: where a
/// reformer finds what worked elsewhere.
#[component]
fn SimilarElsewhere(code: String) -> impl IntoView {
    let similar =
        crate::components::page_data(move || code.clone(), crate::server_fns::get_similar);
    view! {
        <section aria-labelledby="similar-heading" data-section="similar">
            <h2 id="similar-heading">{t(Key::SimilarTitle)}</h2>
            <p class="lead">{t(Key::SimilarIntro)}</p>
            <Suspense fallback=Loading>
                {move || Suspend::new(async move {
                    // A failure here is said here: the commitment's page stays what it is.
                    match similar.await {
                        Ok(similar) if similar.is_empty() => {
                            view! { <p class="empty-state">{t(Key::SimilarNone)}</p> }.into_any()
                        }
                        Ok(similar) => view! {
                            <ul class="similar">
                                {similar.into_iter().map(|s| view! { <SimilarItem similar=s/> }).collect_view()}
                            </ul>
                        }
                        .into_any(),
                        Err(error) => {
                            leptos::logging::warn!("similar commitments: {error}");
                            view! { <p class="note">{t(Key::SimilarUnavailable)}</p> }.into_any()
                        }
                    }
                })}
            </Suspense>
        </section>
    }
}

#[component]
fn SimilarItem(similar: crate::domain::similar::SimilarCommitment) -> impl IntoView {
    let shared = (!similar.shared_areas.is_empty()).then(|| {
        view! {
            <span class="shared">
                {t_with(Key::SimilarShared, &[("areas", &similar.shared_areas.join(", "))])}
            </span>
        }
    });
    let completion = similar.completion.map(|c| {
        view! {
            " · " {t(Key::FacetCompletion)} ": "
            <LevelBadge key=c.label_key() machine=c.as_str()/>
        }
    });
    let results = similar.results().to_string();
    view! {
        <li data-similar=similar.code.clone() data-results=results>
            <a href=format!("/commitments/{}", similar.code)>{similar.title}</a>
            <p class="hit-facts">
                <a href=format!("/members/{}", similar.member_slug)>{similar.member_name}</a>
                {shared.map(|s| view! { " · " {s} })}
                {similar.starred.then(|| view! { " · " <span class="badge starred">"★ " {t(Key::SearchStarredYes)}</span> })}
                {completion}
                {similar.strong_results.then(|| view! { " · " <span class="badge level-major">{t(Key::SimilarStrongResults)}</span> })}
            </p>
        </li>
    }
}
