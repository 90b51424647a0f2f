//! The pages where points of contact keep a plan's commitments and their milestones: a new
//! commitment, a commitment's edit and withdrawal forms, its milestone list (add, move)
//! and one milestone's edit form. Each form posts plainly, to an address that is also its
//! page, so a refused post is shown there with the reason and what was typed.

use crate::components::{
    date_text, record_view, DemoBanner, DueDate, LevelBadge, Loading, ProgressBar,
};
use crate::domain::{
    ActionPlan, Commitment, CommitmentDetail, Member, Milestone, OgpValue, PlanStatus,
};
use crate::forms::{Choice, CsrfField, Field};
use crate::i18n::{t, t_with, Key};
use crate::input::{CommitmentInput, MilestoneInput, MoveInput, WithdrawalInput};
use crate::live::{checked, FormCheck};
use crate::page_state::page_state;
use crate::policy;
use crate::server_fns::{get_commitment, get_milestone, new_commitment, CommitmentProposal};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;

/// Said instead of a form to someone whose grants do not cover it (the server refuses the
/// post all the same).
pub(super) fn not_yours(back: String) -> AnyView {
    view! {
        <p class="notice notice-info" data-refused="not-allowed">{t(Key::KeepingNotAllowed)}</p>
        <p><a href=back>{t(Key::BackToPublicPage)}</a></p>
    }
    .into_any()
}

#[component]
pub fn NewCommitmentPage() -> impl IntoView {
    let params = use_params_map();
    let data = crate::components::page_data(
        move || params.read().get("key").unwrap_or_default(),
        new_commitment,
    );
    view! {
        <Suspense fallback=Loading>
            {move || Suspend::new(async move {
                record_view(data.await, |proposal| view! { <NewCommitmentBody proposal/> }.into_any())
            })}
        </Suspense>
    }
}

#[component]
fn NewCommitmentBody(proposal: CommitmentProposal) -> impl IntoView {
    let CommitmentProposal {
        plan,
        member,
        code,
        number,
    } = proposal;
    let plan_link = format!("/plans/{}", plan.key);
    let heading = t_with(
        Key::NewCommitmentHeading,
        &[("number", &plan.number.to_string())],
    );
    let allowed = policy::may_keep_plans(page_state().viewer.as_ref(), &member.code).is_ok();
    let prefix = member.commitment_prefix.clone();
    let body = if !allowed {
        not_yours(plan_link.clone())
    } else if plan.status == PlanStatus::Completed {
        view! { <p class="notice notice-info">{t(Key::ErrPlanEnded)}</p> }.into_any()
    } else {
        let proposed = CommitmentInput {
            code,
            number,
            ..CommitmentInput::default()
        };
        view! {
            {checked(FormCheck::NewCommitment { prefix: prefix.clone() }, view! {
            <form
                method="post"
                action=format!("/plans/{}/commitments", plan.key)
                class="form"
                data-form="commitment"
            >
                <CsrfField/>
                <CommitmentFields stored=proposed code_editable=true values_editable=true/>
                <button type="submit">{t(Key::AddCommitmentButton)}</button>
            </form>
            })}
        }
        .into_any()
    };
    view! {
        <Title text=heading.clone()/>
        <Breadcrumb member=member.clone() plan=plan.clone()/>
        <h1>{heading}</h1>
        <p class="meta">{t(Key::NewCommitmentIntro)}</p>
        {body}
    }
}

#[component]
fn Breadcrumb(member: Member, plan: ActionPlan) -> impl IntoView {
    view! {
        <nav aria-label=t(Key::BreadcrumbLabel) class="breadcrumb">
            <a href="/members">{t(Key::NavMembers)}</a>
            " / "
            <a href=format!("/members/{}", member.slug)><bdi>{member.name.clone()}</bdi></a>
            " / "
            <a href=format!("/plans/{}", plan.key)>
                {t_with(Key::PlanHeading, &[("number", &plan.number.to_string())])}
            </a>
        </nav>
    }
}

/// A commitment's fields, filled from `stored` unless the failed post being shown had
/// them typed otherwise.
#[component]
fn CommitmentFields(
    stored: CommitmentInput,
    code_editable: bool,
    values_editable: bool,
) -> impl IntoView {
    let state = page_state();
    let value =
        move |name: &'static str, stored: &String| state.form_value_or(name, stored.clone());
    let code = value(CommitmentInput::code, &stored.code);
    let funded_options = vec![
        (String::new(), t(Key::NotKnown).to_string()),
        ("yes".to_string(), t(Key::Yes).to_string()),
        ("no".to_string(), t(Key::No).to_string()),
    ];
    view! {
        {if code_editable {
            view! {
                <Field id=CommitmentInput::code.into() name=CommitmentInput::code label=Key::FieldCode value=code hint=Key::CommitmentCodeHint/>
            }
            .into_any()
        } else {
            view! {
                <input type="hidden" name=CommitmentInput::code value=code.clone()/>
                <p>{t(Key::FieldCode)} ": " <strong>{code}</strong> " " <span class="meta">{t(Key::CommitmentCodeFixed)}</span></p>
            }
            .into_any()
        }}
        <Field id=CommitmentInput::number.into() name=CommitmentInput::number label=Key::FieldNumber value=value(CommitmentInput::number, &stored.number) hint=Key::CommitmentNumberHint/>
        <Field id=CommitmentInput::title.into() name=CommitmentInput::title label=Key::FieldTitle value=value(CommitmentInput::title, &stored.title)/>
        <Field id=CommitmentInput::problem.into() name=CommitmentInput::problem label=Key::FieldProblem value=value(CommitmentInput::problem, &stored.problem) multiline=true required=false/>
        <Field id=CommitmentInput::description.into() name=CommitmentInput::description label=Key::FieldDescription value=value(CommitmentInput::description, &stored.description) multiline=true required=false/>
        <Field id=CommitmentInput::lead_institution.into() name=CommitmentInput::lead_institution label=Key::FieldLeadInstitution value=value(CommitmentInput::lead_institution, &stored.lead_institution) hint=Key::LeadInstitutionHint/>
        <Field id=CommitmentInput::supporting_institutions.into() name=CommitmentInput::supporting_institutions label=Key::FieldSupportingInstitutions value=value(CommitmentInput::supporting_institutions, &stored.supporting_institutions) multiline=true required=false/>
        {if values_editable {
            view! { <ValueChoices stored=stored.clone()/> }.into_any()
        } else {
            view! { <p class="meta">{t(Key::ValuesFromIrm)}</p> }.into_any()
        }}
        <Field id=CommitmentInput::policy_areas.into() name=CommitmentInput::policy_areas label=Key::FieldPolicyAreas value=value(CommitmentInput::policy_areas, &stored.policy_areas) required=false hint=Key::PolicyAreasHint/>
        <Field id=CommitmentInput::start_date.into() name=CommitmentInput::start_date label=Key::FieldStartDate kind="date" value=value(CommitmentInput::start_date, &stored.start_date) required=false/>
        <Field id=CommitmentInput::end_date.into() name=CommitmentInput::end_date label=Key::FieldEndDate kind="date" value=value(CommitmentInput::end_date, &stored.end_date) required=false/>
        <fieldset class="group">
            <legend>{t(Key::BudgetLegend)}</legend>
            <Field id=CommitmentInput::budget_amount.into() name=CommitmentInput::budget_amount label=Key::FieldBudgetAmount value=value(CommitmentInput::budget_amount, &stored.budget_amount) required=false hint=Key::BudgetAmountHint/>
            <Field id=CommitmentInput::budget_currency.into() name=CommitmentInput::budget_currency label=Key::FieldBudgetCurrency value=value(CommitmentInput::budget_currency, &stored.budget_currency) required=false hint=Key::CurrencyHint/>
            <Field id=CommitmentInput::funding_source.into() name=CommitmentInput::funding_source label=Key::FieldFundingSource value=value(CommitmentInput::funding_source, &stored.funding_source) required=false/>
            <Choice id=CommitmentInput::funded.into() name=CommitmentInput::funded label=Key::FieldFunded options=funded_options selected=value(CommitmentInput::funded, &stored.funded)/>
        </fieldset>
    }
}

/// The four OGP values as check boxes.
#[component]
fn ValueChoices(stored: CommitmentInput) -> impl IntoView {
    let state = page_state();
    view! {
        <fieldset class="group checkboxes">
            <legend>{t(Key::FieldValues)}</legend>
            {OgpValue::ALL
                .iter()
                .map(|value| {
                    let name = CommitmentInput::value_field(*value);
                    let stored = if stored.value_checked(*value) { "on" } else { "" };
                    let checked = !state.form_value_or(name, stored).is_empty();
                    view! {
                        <div class="checkbox">
                            <input type="checkbox" id=name name=name value="on" checked=checked/>
                            <label for=name>{t(value.label_key())}</label>
                        </div>
                    }
                })
                .collect_view()}
        </fieldset>
    }
}

#[component]
pub fn CommitmentEditPage() -> impl IntoView {
    let params = use_params_map();
    let data = crate::components::page_data(
        move || params.read().get("code").unwrap_or_default(),
        get_commitment,
    );
    view! {
        <Suspense fallback=Loading>
            {move || Suspend::new(async move {
                record_view(data.await, |detail| view! { <CommitmentEditBody detail/> }.into_any())
            })}
        </Suspense>
    }
}

/// The heading shared by a commitment's keeping pages.
fn commitment_heading(commitment: &Commitment, heading: Key) -> impl IntoView {
    let public = format!("/commitments/{}", commitment.code);
    view! {
        <Title text=format!("{} · {}", t(heading), commitment.code)/>
        {commitment.demo.then(|| view! { <DemoBanner/> })}
        <p class="commitment-code">{commitment.code.clone()}</p>
        <h1>{t(heading)}</h1>
        <p><bdi>{commitment.title.clone()}</bdi> " · " <a href=public>{t(Key::BackToPublicPage)}</a></p>
    }
}

#[component]
fn CommitmentEditBody(detail: CommitmentDetail) -> impl IntoView {
    let CommitmentDetail {
        commitment,
        plan,
        member,
        version,
        ..
    } = detail;
    let viewer = page_state().viewer;
    let allowed = policy::may_keep_plans(viewer.as_ref(), &member.code).is_ok();
    let heading = commitment_heading(&commitment, Key::EditCommitmentHeading);
    if !allowed {
        return view! { {heading} {not_yours(format!("/commitments/{}", commitment.code))} }
            .into_any();
    }
    let stored = CommitmentInput::from_commitment(&commitment, version);
    let version = page_state().form_version(CommitmentInput::version, version);
    let prefix = member.commitment_prefix.clone();
    let stored_commitment = commitment.clone();
    let withdrawal = match commitment.withdrawal.clone() {
        Some(withdrawal) => view! {
            <p class="withdrawn" data-withdrawn="true">
                {t_with(Key::WithdrawnOn, &[("date", &date_text(withdrawal.on))])} " "
                <bdi>{withdrawal.reason}</bdi>
            </p>
        }
        .into_any(),
        None => view! {
            {checked(FormCheck::Withdrawal, view! {
            <form
                method="post"
                action=format!("/commitments/{}/withdrawal", commitment.code)
                class="form"
                data-form="withdrawal"
            >
                <CsrfField/>
                <input type="hidden" name=WithdrawalInput::version value=version.clone()/>
                <p>{t(Key::WithdrawIntro)}</p>
                <Field id=WithdrawalInput::reason.into() name=WithdrawalInput::reason label=Key::FieldWithdrawalReason value=page_state().form_value(WithdrawalInput::reason) multiline=true/>
                <button type="submit" class="danger">{t(Key::WithdrawButton)}</button>
            </form>
            })}
        }
        .into_any(),
    };
    view! {
        {heading}
        <Breadcrumb member plan=plan.clone()/>
        {checked(FormCheck::CommitmentEdit { prefix: prefix.clone(), stored: Box::new(stored_commitment.clone()) }, view! {
        <form
            method="post"
            action=format!("/commitments/{}/edit", commitment.code)
            class="form"
            data-form="commitment"
        >
            <CsrfField/>
            <input type="hidden" name=CommitmentInput::version value=version/>
            <CommitmentFields stored code_editable=plan.status == PlanStatus::Draft values_editable=commitment.entered/>
            <button type="submit">{t(Key::SaveCommitmentButton)}</button>
        </form>
        })}
        <p><a href=format!("/commitments/{}/milestones", commitment.code)>{t(Key::KeepMilestonesLink)}</a></p>
        <section aria-labelledby="withdraw-heading">
            <h2 id="withdraw-heading">{t(Key::WithdrawHeading)}</h2>
            {withdrawal}
        </section>
    }
    .into_any()
}

#[component]
pub fn CommitmentMilestonesPage() -> impl IntoView {
    let params = use_params_map();
    let data = crate::components::page_data(
        move || params.read().get("code").unwrap_or_default(),
        get_commitment,
    );
    view! {
        <Suspense fallback=Loading>
            {move || Suspend::new(async move {
                record_view(data.await, |detail| view! { <MilestonesBody detail/> }.into_any())
            })}
        </Suspense>
    }
}

#[component]
fn MilestonesBody(detail: CommitmentDetail) -> impl IntoView {
    let roll_up = detail.roll_up();
    let CommitmentDetail {
        commitment,
        member,
        milestones,
        as_of,
        ..
    } = detail;
    let allowed = policy::may_update_milestone(
        page_state().viewer.as_ref(),
        &member.code,
        commitment.lead_institution.as_deref(),
    )
    .is_ok();
    let heading = commitment_heading(&commitment, Key::KeepMilestonesHeading);
    if !allowed {
        return view! { {heading} {not_yours(format!("/commitments/{}", commitment.code))} }
            .into_any();
    }
    let count = milestones.len();
    let frozen = commitment.withdrawal.is_some();
    let list = if milestones.is_empty() {
        view! { <p class="empty">{t(Key::NoMilestones)}</p> }.into_any()
    } else {
        view! {
            <ol class="milestone-list">
                {milestones
                    .into_iter()
                    .enumerate()
                    .map(|(index, m)| view! { <MilestoneRow milestone=m first=index == 0 last=index + 1 == count today=as_of frozen/> })
                    .collect_view()}
            </ol>
        }
        .into_any()
    };
    let add = if commitment.withdrawal.is_some() {
        view! { <p class="withdrawn">{t(Key::ErrCommitmentWithdrawn)}</p> }.into_any()
    } else {
        view! {
            {checked(FormCheck::Milestone, view! {
            <form
                method="post"
                action=format!("/commitments/{}/milestones", commitment.code)
                class="form"
                data-form="milestone"
            >
                <CsrfField/>
                <MilestoneFields stored=MilestoneInput::default()/>
                <button type="submit">{t(Key::AddMilestoneButton)}</button>
            </form>
            })}
        }
        .into_any()
    };
    view! {
        {heading}
        <section aria-labelledby="milestones-heading" id="milestones">
            <h2 id="milestones-heading">{t(Key::MilestonesTitle)}</h2>
            <p>{t(Key::ProgressLabel)} ": " <ProgressBar value=roll_up.progress()/></p>
            <ProgressFormula formula=roll_up.formula()/>
            {list}
        </section>
        <section aria-labelledby="add-milestone-heading">
            <h2 id="add-milestone-heading">{t(Key::AddMilestoneHeading)}</h2>
            {add}
        </section>
    }
    .into_any()
}

/// How a commitment's progress is worked out, with its figures when it has any.
#[component]
pub fn ProgressFormula(formula: Option<String>) -> impl IntoView {
    view! {
        <p class="formula">
            {t(Key::ProgressFormula)}
            {formula.map(|sum| {
                let shown = format!("{sum}%");
                view! { " " <span class="sum" dir="ltr" data-formula=sum>{shown}</span> }
            })}
        </p>
    }
}

#[component]
fn MilestoneRow(
    milestone: Milestone,
    first: bool,
    last: bool,
    today: chrono::NaiveDate,
    /// The commitment was withdrawn: its milestones are kept as they were.
    frozen: bool,
) -> impl IntoView {
    let overdue = milestone.is_overdue(today);
    // Each control names its milestone, for those who hear the list rather than see it.
    let named = |label: Key| format!("{}: {}", t(label), milestone.title);
    let move_form = |direction: &'static str, label: Key| {
        view! {
            <form method="post" action=format!("/milestones/{}/position", milestone.id) class="inline">
                <CsrfField/>
                <input type="hidden" name=MoveInput::direction value=direction/>
                <input type="hidden" name=MoveInput::version value=milestone.version.to_string()/>
                <button type="submit" class="secondary" aria-label=named(label)>{t(label)}</button>
            </form>
        }
    };
    view! {
        <li data-milestone=milestone.id.to_string()>
            <p>
                <strong><bdi>{milestone.title.clone()}</bdi></strong> " "
                <LevelBadge key=milestone.status.label_key() machine=milestone.status.as_str()/>
            </p>
            <p class="meta">
                {t(Key::ColDue)} ": " <DueDate planned_end=milestone.planned_end overdue/> " · "
                {t(Key::FieldWeight)} ": " {milestone.weight.to_string()}
            </p>
            // A form may not sit in a paragraph: the parser would close it, and hydration
            // would find another tree than the server rendered.
            <div class="actions" hidden=frozen>
                <a href=format!("/milestones/{}/edit", milestone.id) aria-label=named(Key::EditMilestoneLink)>{t(Key::EditMilestoneLink)}</a>
                {(!first).then(|| move_form("up", Key::MoveUpButton))}
                {(!last).then(|| move_form("down", Key::MoveDownButton))}
            </div>
        </li>
    }
}

/// A milestone's fields, filled from `stored` unless the failed post being shown had them
/// typed otherwise.
#[component]
fn MilestoneFields(stored: MilestoneInput) -> impl IntoView {
    let state = page_state();
    let value =
        move |name: &'static str, stored: &String| state.form_value_or(name, stored.clone());
    view! {
        <Field id=MilestoneInput::title.into() name=MilestoneInput::title label=Key::FieldTitle value=value(MilestoneInput::title, &stored.title)/>
        <Field id=MilestoneInput::description.into() name=MilestoneInput::description label=Key::FieldDescription value=value(MilestoneInput::description, &stored.description) multiline=true required=false/>
        <Field id=MilestoneInput::responsible_institution.into() name=MilestoneInput::responsible_institution label=Key::FieldResponsibleInstitution value=value(MilestoneInput::responsible_institution, &stored.responsible_institution) required=false/>
        <Field id=MilestoneInput::planned_start.into() name=MilestoneInput::planned_start label=Key::FieldPlannedStart kind="date" value=value(MilestoneInput::planned_start, &stored.planned_start) required=false/>
        <Field id=MilestoneInput::planned_end.into() name=MilestoneInput::planned_end label=Key::FieldPlannedEnd kind="date" value=value(MilestoneInput::planned_end, &stored.planned_end) required=false/>
        <Field id=MilestoneInput::weight.into() name=MilestoneInput::weight label=Key::FieldWeight value=value(MilestoneInput::weight, &stored.weight) required=false hint=Key::WeightHint/>
    }
}

#[component]
pub fn MilestoneEditPage() -> impl IntoView {
    let params = use_params_map();
    let data = crate::components::page_data(
        move || crate::components::number_param(&params.read(), "id"),
        get_milestone,
    );
    view! {
        <Suspense fallback=Loading>
            {move || Suspend::new(async move {
                record_view(data.await, |detail| {
                    let milestone = detail.milestone;
                    let allowed = policy::may_update_milestone(
                        page_state().viewer.as_ref(),
                        &detail.member_code,
                        detail.lead_institution.as_deref(),
                    )
                    .is_ok();
                    let back = format!("/commitments/{}/milestones", detail.commitment_code);
                    let heading = t(Key::EditMilestoneHeading);
                    let body = if allowed {
                        let version = page_state().form_version(MilestoneInput::version, milestone.version);
                        let stored = MilestoneInput::from_milestone(&milestone);
                        view! {
                            {checked(FormCheck::Milestone, view! {
                            <form
                                method="post"
                                action=format!("/milestones/{}/edit", milestone.id)
                                class="form"
                                data-form="milestone"
                            >
                                <CsrfField/>
                                <input type="hidden" name=MilestoneInput::version value=version/>
                                <MilestoneFields stored/>
                                <button type="submit">{t(Key::SaveMilestoneButton)}</button>
                            </form>
                            })}
                        }
                        .into_any()
                    } else {
                        not_yours(back.clone())
                    };
                    view! {
                        <Title text=heading/>
                        {detail.demo.then(|| view! { <DemoBanner/> })}
                        <p class="commitment-code">{detail.commitment_code.clone()}</p>
                        <h1>{heading}</h1>
                        <p><bdi>{milestone.title.clone()}</bdi> " · " <a href=back>{t(Key::BackToMilestones)}</a></p>
                        {body}
                    }
                    .into_any()
                })
            })}
        </Suspense>
    }
}
