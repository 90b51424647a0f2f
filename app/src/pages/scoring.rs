//! Independent scoring: `/commitments/{code}/assessments`, where a civil-society reviewer or
//! an IRM researcher lists their organisation's assessments of a commitment and starts one
//! (scale set and stage, then a level, justification and evidence per indicator), and
//! `/assessments/{id}`, one assessment: a draft's form (save, publish, delete), or a
//! published or superseded version to read (and to start a new version of).
//!
//! Every form posts plainly and works without JavaScript. With it, the results OGP
//! computes (the starred rule, high completion, strong results) and the disagreements with
//! the other sources are worked out again in the browser as levels are chosen, by the same
//! domain functions the server runs; and what is typed is kept in the browser's local
//! storage until it is saved, and offered back after a reload.

use super::commitment::{ComparisonTable, ScoresTable, StarChecks};
use crate::components::{indicator_name, record_view, time_text, LevelBadge, Loading};
use crate::domain::{
    draft_beside, Assessment, AssessmentRecord, AssessmentStatus, Computed, Indicator, MissingCode,
    ScaleSet, Scorer, Stage, StarRule,
};
use crate::forms::CsrfField;
use crate::i18n::{t, t_with, Key};
use crate::input::AssessmentInput;
use crate::live::{drafts, on_form_change};
use crate::page_state::page_state;
use crate::server_fns::{get_assessment, get_scoring, ScoringContext};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::{use_params_map, use_query_map};

#[component]
pub fn ScoringPage() -> impl IntoView {
    let params = use_params_map();
    let data = crate::components::page_data(
        move || params.read().get("code").unwrap_or_default(),
        get_scoring,
    );
    view! {
        <Suspense fallback=Loading>
            {move || Suspend::new(async move {
                record_view(data.await, |context| view! { <ScoringBody context/> }.into_any())
            })}
        </Suspense>
    }
}

#[component]
pub fn AssessmentPage() -> impl IntoView {
    let params = use_params_map();
    let data = crate::components::page_data(
        move || crate::components::number_param(&params.read(), "id"),
        get_assessment,
    );
    view! {
        <Suspense fallback=Loading>
            {move || Suspend::new(async move {
                record_view(data.await, |(context, record)| {
                    view! { <AssessmentBody context record/> }.into_any()
                })
            })}
        </Suspense>
    }
}

/// The way back to the commitment's public page, above every scoring page.
fn back_to_commitment(context: &ScoringContext) -> impl IntoView {
    view! {
        <nav class="breadcrumb" aria-label=t(Key::BreadcrumbLabel)>
            <a href=format!("/commitments/{}", context.code)>
                {context.code.clone()} " " <bdi>{context.title.clone()}</bdi>
            </a>
        </nav>
    }
}

/// Why the reader cannot score here: sign in, no role for the member, or no organisation.
fn refusal(error: &crate::error::AppError) -> AnyView {
    let (state, key) = match error {
        crate::error::AppError::SignInRequired => ("sign-in", Key::ScoringSignIn),
        crate::error::AppError::Rejected(key) => ("no-organisation", *key),
        _ => ("not-allowed", Key::ScoringNotAllowed),
    };
    view! { <p class="notice notice-info" data-refused=state>{t(key)}</p> }.into_any()
}

fn scorer_line(scorer: &Scorer) -> String {
    t_with(
        Key::ScoringAs,
        &[
            ("source", t(scorer.source.label_key())),
            ("organisation", &scorer.organisation),
        ],
    )
}

#[component]
fn ScoringBody(context: ScoringContext) -> impl IntoView {
    let query = use_query_map();
    let state = page_state();
    let heading = t(Key::ScoringHeading);
    let back = back_to_commitment(&context);
    let body = match context.scorer.clone() {
        Err(error) => refusal(&error),
        Ok(scorer) => {
            // The scale set and stage come from the start form (a plain GET), or from the
            // post that was refused.
            let chosen = |name: &str| {
                let typed = state.form_value(name);
                if typed.is_empty() {
                    query.read_untracked().get(name).unwrap_or_default()
                } else {
                    typed
                }
            };
            let scale = ScaleSet::from_machine(&chosen(AssessmentInput::scale));
            let stage = Stage::from_machine(&chosen(AssessmentInput::stage));
            let start = view! {
                <StartForm
                    code=context.code.clone()
                    scale=scale.unwrap_or(ScaleSet::for_plan_year(context.plan_year))
                    stage=stage.unwrap_or(Stage::Design)
                />
            };
            let form =
                scale
                    .zip(stage)
                    .map(|(scale, stage)| match context.own_draft(scale, stage) {
                        Some(draft) => view! { <DraftExists id=draft.id/> }.into_any(),
                        None => {
                            let draft = Assessment {
                                source: scorer.source,
                                assessor: scorer.organisation.clone(),
                                stage,
                                scale,
                                scores: Vec::new(),
                            };
                            let typed = AssessmentInput::from_fields(&state.form_values);
                            view! {
                                <ScoreForm
                                    context=context.clone()
                                    draft
                                    typed
                                    action=format!("/commitments/{}/assessments", context.code)
                                    draft_id=None
                                />
                            }
                            .into_any()
                        }
                    });
            view! {
                <p class="meta" data-scorer=scorer.source.as_str()>{scorer_line(&scorer)}</p>
                <OwnAssessments records=context.own()/>
                {start}
                {form}
            }
            .into_any()
        }
    };
    view! {
        <Title text=heading/>
        {back}
        <h1>{heading}</h1>
        {body}
    }
    .into_any()
}

/// Said where a new assessment would start while the organisation's draft of it exists.
#[component]
fn DraftExists(id: i64) -> impl IntoView {
    view! {
        <p class="notice notice-info" data-draft-exists=id>
            {t(Key::ScoringDraftExists)} " "
            <a href=format!("/assessments/{id}")>{t(Key::ScoringContinueDraft)}</a>
        </p>
    }
}

/// The scale set (preselected from the plan's year) and the stage of a new assessment: a
/// plain GET form, so choosing works without JavaScript.
#[component]
fn StartForm(code: String, scale: ScaleSet, stage: Stage) -> impl IntoView {
    let options = |selected: &'static str, all: Vec<(&'static str, Key)>| {
        all.into_iter()
            .map(|(value, key)| {
                view! { <option value=value selected=value == selected>{t(key)}</option> }
            })
            .collect_view()
    };
    let scales = ScaleSet::ALL
        .iter()
        .map(|s| (s.as_str(), s.label_key()))
        .collect();
    let stages = Stage::ALL
        .iter()
        .map(|s| (s.as_str(), s.label_key()))
        .collect();
    view! {
        <section aria-labelledby="start-heading">
            <h2 id="start-heading">{t(Key::ScoringStartHeading)}</h2>
            <form method="get" action=format!("/commitments/{code}/assessments") class="form inline-form" data-form="start-assessment">
                <div class="field">
                    <label for="start-scale">{t(Key::FieldScaleSet)}</label>
                    <select id="start-scale" name=AssessmentInput::scale>{options(scale.as_str(), scales)}</select>
                </div>
                <div class="field">
                    <label for="start-stage">{t(Key::FieldStage)}</label>
                    <select id="start-stage" name=AssessmentInput::stage>{options(stage.as_str(), stages)}</select>
                </div>
                <button type="submit">{t(Key::ScoringStartButton)}</button>
            </form>
        </section>
    }
}

/// The organisation's assessments of this commitment, in every state.
#[component]
fn OwnAssessments(records: Vec<AssessmentRecord>) -> impl IntoView {
    view! {
        <section aria-labelledby="own-heading">
            <h2 id="own-heading">{t(Key::ScoringOwnHeading)}</h2>
            {if records.is_empty() {
                view! { <p class="empty">{t(Key::ScoringNoneYet)}</p> }.into_any()
            } else {
                view! {
                    <ul class="own-assessments">
                        {records
                            .into_iter()
                            .map(|record| {
                                let a = &record.assessment;
                                let label = format!("{}, {}", t(a.stage.label_key()), t(a.scale.label_key()));
                                view! {
                                    <li data-status=record.status.as_str()>
                                        <a href=format!("/assessments/{}", record.id)>{label}</a> " "
                                        <LevelBadge key=record.status.label_key() machine=record.status.as_str()/>
                                    </li>
                                }
                            })
                            .collect_view()}
                    </ul>
                }
                .into_any()
            }}
        </section>
    }
}

#[component]
fn AssessmentBody(context: ScoringContext, record: AssessmentRecord) -> impl IntoView {
    let state = page_state();
    let a = record.assessment.clone();
    let heading = t_with(
        Key::AssessmentHeading,
        &[
            ("source", t(a.source.label_key())),
            ("stage", t(a.stage.label_key())),
            ("scale", t(a.scale.label_key())),
        ],
    );
    let back = back_to_commitment(&context);
    let mine = context.is_own(&record);
    let when = record
        .published_at
        .map(|at| t_with(Key::PublishedAt, &[("time", &time_text(at))]));
    let body = match record.status {
        AssessmentStatus::Draft => {
            let version = state.form_version(AssessmentInput::version, record.version);
            let typed = if state.form_values.is_empty() {
                AssessmentInput::from_assessment(&a, record.version)
            } else {
                AssessmentInput::from_fields(&state.form_values)
            };
            let typed = AssessmentInput {
                version: version.clone(),
                ..typed
            };
            let id = record.id;
            view! {
                <ScoreForm context=context.clone() draft=a.clone() typed action=format!("/assessments/{id}") draft_id=Some(id)/>
                <details class="danger">
                    <summary>{t(Key::DeleteDraftButton)}</summary>
                    <form method="post" action=format!("/assessments/{id}/delete") class="form danger" data-form="delete-draft">
                        <CsrfField/>
                        <p>{t(Key::DeleteDraftWarning)}</p>
                        <input type="hidden" name=AssessmentInput::version value=version/>
                        <button type="submit">{t(Key::DeleteDraftConfirm)}</button>
                    </form>
                </details>
            }
            .into_any()
        }
        AssessmentStatus::Published | AssessmentStatus::Superseded => {
            let others = context.published();
            let computed = Computed::of(&a, &others, context.plan_year);
            let newer = record.superseded_by.map(|newer| {
                view! {
                    <p class="notice notice-info" data-superseded-by=newer>
                        {t(Key::AssessmentSuperseded)} " "
                        <a href=format!("/assessments/{newer}")>{t(Key::SeeNewerVersion)}</a>
                    </p>
                }
            });
            // A new version is started once: while its draft exists, the way is to it.
            let next = context.own_draft(a.scale, a.stage);
            let revise = (mine && record.status == AssessmentStatus::Published).then(|| match next {
                Some(draft) => view! { <DraftExists id=draft.id/> }.into_any(),
                None => view! {
                    <form method="post" action=format!("/assessments/{}/revision", record.id) class="form" data-form="revise">
                        <CsrfField/>
                        <p class="meta">{t(Key::NewVersionIntro)}</p>
                        <button type="submit">{t(Key::NewVersionButton)}</button>
                    </form>
                }
                .into_any(),
            });
            // What this browser kept of the draft was saved with it: no longer offered back.
            let forget_saved = mine.then(|| {
                let key = draft_key(&context.code, &a);
                let published = AssessmentInput::from_assessment(&a, record.version).draft_fields();
                view! { <ForgetSavedDraft key published/> }
            });
            let comparison = (record.status == AssessmentStatus::Published)
                .then(|| draft_beside(&a, &others))
                .flatten();
            view! {
                {forget_saved}
                {newer}
                <ComputedResults computed/>
                <ScoresTable scores=a.scores.clone()/>
                {comparison.map(|comparison| view! {
                    <h2>{t(Key::ScoringBesideOthers)}</h2>
                    <p class="meta">{t(Key::DisagreementRule)}</p>
                    <ComparisonTable comparison/>
                })}
                <p><a href=format!("/commitments/{}#side-by-side", context.code) data-link="commitment">{t(Key::SeeOnCommitmentPage)}</a></p>
                {revise}
            }
            .into_any()
        }
    };
    // Every version of this scorer's assessment at this stage and scale that the reader
    // may see, oldest first: the public trail of what was published and superseded.
    let versions: Vec<AssessmentRecord> = context
        .visible
        .iter()
        .filter(|r| {
            let b = &r.assessment;
            b.source == a.source
                && b.assessor == a.assessor
                && b.stage == a.stage
                && b.scale == a.scale
        })
        .cloned()
        .collect();
    let versions = (versions.len() > 1).then(|| view! {
        <section aria-labelledby="versions-heading">
            <h2 id="versions-heading">{t(Key::AssessmentVersions)}</h2>
            <ol class="versions">
                {versions
                    .into_iter()
                    .map(|v| {
                        let current = v.id == record.id;
                        let when = v.published_at.map(|at| format!(" · {}", time_text(at)));
                        view! {
                            <li data-version=v.id data-status=v.status.as_str()>
                                <a href=format!("/assessments/{}", v.id) aria-current=current.then_some("page")>
                                    {t(v.status.label_key())}
                                </a>
                                {when}
                            </li>
                        }
                    })
                    .collect_view()}
            </ol>
        </section>
    });
    view! {
        <Title text=heading.clone()/>
        {back}
        <h1>{heading}</h1>
        <p class="meta">
            <bdi>{a.assessor.clone()}</bdi> " · "
            <span data-status=record.status.as_str()>{t(record.status.label_key())}</span>
            {when.map(|w| view! { " · " {w} })}
        </p>
        {body}
        {versions}
    }
    .into_any()
}

/// The key a draft typed in this browser is kept under: one per account, commitment,
/// scale set and stage, like the drafts the server keeps (one per organisation).
fn draft_key(code: &str, draft: &Assessment) -> String {
    let account = page_state().viewer.map(|v| v.user_id).unwrap_or_default();
    format!(
        "{}{account}.assessment.{code}.{}.{}",
        drafts::PREFIX,
        draft.scale.as_str(),
        draft.stage.as_str()
    )
}

/// What the browser keeps of a scoring form typed but not saved: the fields, and the
/// version of the draft they were typed on, so that a save made since (by a colleague, or
/// in another tab) is noticed when they are saved (409) rather than overwritten.
#[derive(Clone, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
struct KeptDraft {
    version: String,
    fields: Vec<(String, String)>,
}

impl KeptDraft {
    fn of(input: &AssessmentInput) -> KeptDraft {
        KeptDraft {
            version: input.version.clone(),
            fields: input.draft_fields(),
        }
    }

    /// The form's fields to fill in, with the version they were typed on.
    fn to_fill(&self) -> Vec<(String, String)> {
        let mut fields = self.fields.clone();
        fields.push((AssessmentInput::version.to_string(), self.version.clone()));
        fields
    }
}

/// The scoring form of `draft`: a level (or missing-value code), a justification and
/// evidence links for each indicator, with the computed results and the comparison beside
/// it. A new draft posts to the commitment's scoring address; a saved one saves or
/// publishes at its own.
#[component]
fn ScoreForm(
    context: ScoringContext,
    draft: Assessment,
    typed: AssessmentInput,
    action: String,
    draft_id: Option<i64>,
) -> impl IntoView {
    let fieldsets = draft
        .scale
        .indicators(draft.stage, draft.source)
        .into_iter()
        .map(|indicator| view! { <ScoreFieldset indicator scale=draft.scale typed=typed.clone()/> })
        .collect_view();
    let key = draft_key(&context.code, &draft);
    view! {
        <ScoreFormLive
            key
            published=context.published()
            plan_year=context.plan_year
            draft
            typed
            action
            publish_action=draft_id.map(|id| format!("/assessments/{id}/publish"))
        >
            {fieldsets}
        </ScoreFormLive>
    }
}

/// What this browser kept of a draft that was saved as `published` is forgotten.
#[island]
fn ForgetSavedDraft(key: String, published: Vec<(String, String)>) -> impl IntoView {
    Effect::new(move |_| {
        if drafts::kept::<KeptDraft>(&key).is_some_and(|kept| kept.fields == published) {
            drafts::forget(&key);
        }
    });
}

/// The scoring form around its fieldsets (`children`), and the results beside it, worked
/// out again as levels are chosen. What is typed is kept in this browser under `key` until
/// it is saved, and offered back after a reload.
#[island]
fn ScoreFormLive(
    key: String,
    published: Vec<Assessment>,
    plan_year: Option<i64>,
    draft: Assessment,
    typed: AssessmentInput,
    action: String,
    /// The saved draft's publishing address; a new draft is saved first.
    publish_action: Option<String>,
    children: Children,
) -> impl IntoView {
    let (scale, stage, source) = (draft.scale, draft.stage, draft.source);
    let levels_of = move |input: &AssessmentInput| input.chosen_scores(scale, stage, source);
    let chosen = RwSignal::new(levels_of(&typed));
    let restored = RwSignal::new(false);
    let form_id = "score-form";
    // What the page shows: saved (a kept draft that matches it was saved and is no longer
    // needed), or sent back by a refused post (nothing was saved: keep it).
    let shown = KeptDraft::of(&typed);
    let from_storage = page_state().form_values.is_empty();
    {
        let (key, shown) = (key.clone(), shown.clone());
        Effect::new(move |_| match drafts::kept::<KeptDraft>(&key) {
            Some(kept) if kept.fields != shown.fields => {
                drafts::fill(form_id, &kept.to_fill());
                chosen.set(levels_of(&AssessmentInput::from_fields(&kept.fields)));
                restored.set(true);
            }
            Some(_) if from_storage => drafts::forget(&key),
            _ => {}
        });
    }
    let changed = {
        let key = key.clone();
        move |input: AssessmentInput| {
            let levels = levels_of(&input);
            // Typing a justification changes no level: nothing to recompute or announce.
            if chosen.with_untracked(|now| *now != levels) {
                chosen.set(levels);
            }
            drafts::keep(&key, &KeptDraft::of(&input));
        }
    };
    let discard = move |_| {
        drafts::forget(&key);
        drafts::fill(form_id, &shown.to_fill());
        chosen.set(levels_of(&AssessmentInput::from_fields(&shown.fields)));
        restored.set(false);
    };
    let is_new = publish_action.is_none();
    let now = move || Assessment {
        scores: chosen.get(),
        ..draft.clone()
    };
    let results = {
        let (now, published) = (now.clone(), published.clone());
        move || view! { <ComputedResults computed=Computed::of(&now(), &published, plan_year)/> }
    };
    let comparison = move || {
        draft_beside(&now(), &published).map(|comparison| {
            view! {
                <h3>{t(Key::ScoringBesideOthers)}</h3>
                <p class="meta">{t(Key::DisagreementRule)}</p>
                <ComparisonTable comparison/>
            }
        })
    };
    view! {
        <section aria-labelledby="score-heading">
            <h2 id="score-heading">
                {t_with(Key::ScoringFormHeading, &[("stage", t(stage.label_key())), ("scale", t(scale.label_key()))])}
            </h2>
            <p class="meta">{t(Key::ScoringFormIntro)}</p>
            <Show when=move || restored.get()>
                <div class="notice notice-info" role="status" data-restored="true">
                    <p>{t(Key::DraftRestored)}</p>
                    <button type="button" class="secondary" on:click=discard.clone()>{t(Key::DraftDiscard)}</button>
                </div>
            </Show>
            <div class="scoring">
                <form
                    id=form_id
                    method="post"
                    action=action
                    class="form"
                    data-form="assessment"
                    on:change=on_form_change(changed.clone())
                    on:input=on_form_change(changed)
                >
                    <CsrfField/>
                    <input type="hidden" name=AssessmentInput::scale value=scale.as_str()/>
                    <input type="hidden" name=AssessmentInput::stage value=stage.as_str()/>
                    <input type="hidden" name=AssessmentInput::version value=typed.version.clone()/>
                    {children()}
                    <div class="actions">
                        <button type="submit" data-action="save">{t(Key::SaveDraftButton)}</button>
                        {publish_action.map(|to| view! {
                            <button type="submit" formaction=to data-action="publish">{t(Key::PublishButton)}</button>
                        })}
                    </div>
                    {is_new.then(|| view! { <p class="meta">{t(Key::PublishAfterSaving)}</p> })}
                </form>
                <aside class="live-results" aria-labelledby="results-heading" data-live-results="true">
                    <h3 id="results-heading">{t(Key::ScoringResultsHeading)}</h3>
                    // Only the results are announced as they change; the table is there to read.
                    <div aria-live="polite">{results}</div>
                    {comparison}
                </aside>
            </div>
        </section>
    }
}

/// One indicator's level, justification and evidence.
#[component]
fn ScoreFieldset(indicator: Indicator, scale: ScaleSet, typed: AssessmentInput) -> impl IntoView {
    let state = page_state();
    let level = AssessmentInput::level_field(indicator);
    let justification = AssessmentInput::justification_field(indicator);
    let evidence = AssessmentInput::evidence_field(indicator);
    let value = |name: &str| typed.scores.get(name).cloned().unwrap_or_default();
    let selected = value(&level);
    let error = |name: &str| {
        crate::forms::field_error(name).map(|e| view! { <strong class="field-error">{e}</strong> })
    };
    let levels = indicator
        .levels(scale)
        .into_iter()
        .map(|rating| {
            let machine = rating.as_str();
            view! { <option value=machine selected=machine == selected>{t(rating.label_key())}</option> }
        })
        .collect_view();
    let missing = indicator.takes_missing_codes().then(|| {
        view! {
            <optgroup label=t(Key::MissingValues)>
                {MissingCode::ALL
                    .iter()
                    .map(|code| {
                        let machine = code.as_str();
                        view! { <option value=machine selected=machine == selected>{t(code.label_key())}</option> }
                    })
                    .collect_view()}
            </optgroup>
        }
    });
    let id = |name: &str| format!("f-{}", name.replace('.', "-"));
    let judgment = (indicator == Indicator::Promising)
        .then(|| view! { <p class="meta">{t(Key::PromisingIsIrmJudgment)}</p> });
    view! {
        <fieldset class="score" data-indicator=indicator.machine_name()>
            <legend>{indicator_name(indicator)}</legend>
            {judgment}
            <div class="field">
                <label for=id(&level)>{t(Key::FieldLevel)}</label>
                <select id=id(&level) name=level.clone() aria-invalid=state.is_invalid(&level).to_string() aria-describedby=format!("{}-note", id(&level))>
                    <option value="" selected=selected.is_empty()>{t(Key::NotScoredYet)}</option>
                    {levels}
                    {missing}
                </select>
                <p class="field-note" id=format!("{}-note", id(&level))>{error(&level)}</p>
            </div>
            <div class="field">
                <label for=id(&justification)>{t(Key::FieldJustification)}</label>
                <textarea id=id(&justification) name=justification.clone() rows="2" aria-invalid=state.is_invalid(&justification).to_string() aria-describedby=format!("{}-note", id(&justification))>
                    {value(&justification)}
                </textarea>
                <p class="field-note" id=format!("{}-note", id(&justification))>{error(&justification)}</p>
            </div>
            <div class="field">
                <label for=id(&evidence)>{t(Key::FieldEvidence)}</label>
                <textarea id=id(&evidence) name=evidence.clone() rows="1" aria-describedby=format!("{}-hint", id(&evidence)) aria-invalid=state.is_invalid(&evidence).to_string()>
                    {value(&evidence)}
                </textarea>
                <p class="field-note" id=format!("{}-hint", id(&evidence))>{t(Key::ScoreEvidenceHint)} {error(&evidence)}</p>
            </div>
        </fieldset>
    }
}

/// What OGP's rules make of the levels: the starred rule with its four checks (classic),
/// high completion and strong results, and the IRM's promising judgment, said as the
/// IRM's.
#[component]
fn ComputedResults(computed: Computed) -> impl IntoView {
    let answer = |value: Option<bool>| match value {
        Some(true) => ("yes", Key::Yes),
        Some(false) => ("no", Key::No),
        None => ("unknown", Key::NotYetKnown),
    };
    let line = |name: &'static str, label: Key, value: Option<bool>| {
        let (state, key) = answer(value);
        view! { <li data-computed=name data-value=state>{t(label)} ": " <strong>{t(key)}</strong></li> }
    };
    let star = computed.star.map(|(rule, starred, checks)| {
        let (state, key) = answer(starred);
        let rule_name = t(StarRule::label_key(rule));
        view! {
            <li data-computed="starred" data-value=state>
                {t_with(Key::StarredUnder, &[("rule", rule_name)])} ": " <strong>{t(key)}</strong>
                <StarChecks checks/>
            </li>
        }
    });
    let promising = computed.promising.map(|value| {
        let (state, key) = answer(Some(value));
        view! { <li data-computed="promising" data-value=state>{t(Key::PromisingJudgment)} ": " <strong>{t(key)}</strong></li> }
    });
    view! {
        <ul class="computed">
            {star}
            {line("high-completion", Key::HighCompletion, computed.high_completion)}
            {line("strong-results", Key::StrongResults, computed.strong_results)}
            {promising}
        </ul>
    }
}
