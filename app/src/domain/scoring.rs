//! Independent scoring: which indicators an assessment scores on each scale set at each
//! stage, the levels each may take, an assessment's life (a draft until published; a
//! published one is superseded by a new version, never edited), and what a scorer's levels
//! compute to. The same functions run on the server (validation, the assessment's page)
//! and in the browser (the result beside the form, as levels are chosen).

use super::assessment::*;
use super::levels::*;
use super::EvidenceLink;
use crate::i18n::Key;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

level_enum! {
    /// Where an assessment is in its life.
    AssessmentStatus {
        Draft = "draft" => AssessmentDraft,
        Published = "published" => AssessmentPublished,
        Superseded = "superseded" => AssessmentSuperseded,
    }
}

impl ScaleSet {
    /// The indicators an assessment on this set scores at `stage`, in display order. The
    /// "promising" judgment is the IRM's own, so only the IRM's assessments carry it.
    pub fn indicators(self, stage: Stage, source: AssessmentSource) -> Vec<Indicator> {
        use Indicator::*;
        let per_value = |indicator: fn(OgpValue) -> Indicator| {
            OgpValue::ALL.iter().map(move |value| indicator(*value))
        };
        let mut indicators: Vec<Indicator> = match (self, stage) {
            (ScaleSet::Classic, Stage::Design) => [Specificity, Verifiability]
                .into_iter()
                .chain(per_value(Relevance))
                .chain([PotentialImpact])
                .collect(),
            (_, Stage::MidTerm) => vec![Completion],
            (ScaleSet::Classic, Stage::EndOfTerm) => [Completion, OpenedGovernment]
                .into_iter()
                .chain(per_value(OpenedGovernmentFor))
                .collect(),
            (ScaleSet::Refreshed, Stage::Design) => vec![
                Verifiability,
                OpenGovernmentLens,
                PotentialForResults,
                Promising,
            ],
            (ScaleSet::Refreshed, Stage::EndOfTerm) => vec![Completion, EarlyResults],
        };
        if source != AssessmentSource::Irm {
            indicators.retain(|i| *i != Promising);
        }
        indicators
    }
}

impl Indicator {
    /// The levels this indicator takes on `scale`, lowest first.
    pub fn levels(self, scale: ScaleSet) -> Vec<Rating> {
        fn all<T: Copy>(levels: &[T], rating: fn(T) -> Rating) -> Vec<Rating> {
            levels.iter().copied().map(rating).collect()
        }
        match self {
            Indicator::Specificity => all(Specificity::ALL, Rating::Specificity),
            Indicator::Verifiability => all(Verifiability::ALL, Rating::Verifiability),
            Indicator::Relevance(_) => all(Relevance::ALL, Rating::Relevance),
            Indicator::PotentialImpact => all(PotentialImpact::ALL, Rating::PotentialImpact),
            Indicator::Completion => all(scale.completion_levels(), Rating::Completion),
            Indicator::OpenedGovernment | Indicator::OpenedGovernmentFor(_) => {
                all(OpenedGovernment::ALL, Rating::OpenedGovernment)
            }
            Indicator::OpenGovernmentLens | Indicator::Promising => all(YesNo::ALL, Rating::YesNo),
            Indicator::PotentialForResults => {
                all(PotentialForResults::ALL, Rating::PotentialForResults)
            }
            Indicator::EarlyResults => all(EarlyResults::ALL, Rating::EarlyResults),
        }
    }

    /// Whether OGP's missing-value codes (no data, not reviewed, not applicable) may stand
    /// for a level: everywhere but the IRM's promising judgment, which is a yes or a no.
    pub fn takes_missing_codes(self) -> bool {
        self != Indicator::Promising
    }

    /// Reads a score chosen in a form: a level of this indicator on `scale` or a
    /// missing-value code, by machine name.
    pub fn chosen(self, scale: ScaleSet, raw: &str) -> Option<ScoreValue> {
        if let Some(code) = MissingCode::from_machine(raw) {
            return self
                .takes_missing_codes()
                .then_some(ScoreValue::Missing(code));
        }
        self.levels(scale)
            .into_iter()
            .find(|level| level.as_str() == raw)
            .map(ScoreValue::Rated)
    }

    /// The indicator's name in the reader's language with its value, if it is a per-value
    /// one ("Relevance: civic participation"): the keys to say it with.
    pub fn label_keys(self) -> (Key, Option<Key>) {
        (self.label_key(), self.value().map(OgpValue::label_key))
    }
}

/// Who scores: civil society or the IRM, publicly named by their organisation.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Scorer {
    pub source: AssessmentSource,
    pub organisation: String,
}

impl Scorer {
    /// Whether `assessment` is this scorer's own (drafts are seen and kept by them alone).
    pub fn owns(&self, assessment: &Assessment) -> bool {
        assessment.source == self.source && same_name(&assessment.assessor, &self.organisation)
    }
}

/// Whether two names of an institution or organisation, as typed into grants, are the same
/// one: spaces around them and letter case aside.
pub fn same_name(a: &str, b: &str) -> bool {
    a.trim().eq_ignore_ascii_case(b.trim())
}

/// An assessment as stored by the tracker: its place in its life, and its scores.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct AssessmentRecord {
    pub id: i64,
    pub commitment_code: String,
    pub status: AssessmentStatus,
    /// Raised by every save of a draft, so a stale form is refused.
    pub version: i64,
    pub created_at: DateTime<Utc>,
    pub published_at: Option<DateTime<Utc>>,
    /// The published version that replaced this one, once superseded.
    pub superseded_by: Option<i64>,
    pub assessment: Assessment,
}

/// What a scorer's levels compute to, by OGP's rules: shown beside the scoring form (and
/// recomputed in the browser as levels are chosen) and on the assessment's page.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Computed {
    /// Classic scale: the starred rule of the plan's year, the result and its four checks,
    /// from this scorer's design and completion levels.
    pub star: Option<(StarRule, Option<bool>, [StarCheck; 4])>,
    /// OGP's "high completion" (substantial or complete), when completion is scored.
    pub high_completion: Option<bool>,
    /// OGP's "strong results": major or outstanding (classic), significant or outstanding
    /// (refreshed), when scored.
    pub strong_results: Option<bool>,
    /// The IRM's own "promising" judgment, as chosen: shown as the IRM's, never computed.
    pub promising: Option<bool>,
}

impl Computed {
    /// The results of `draft`, together with the same scorer's published assessments at
    /// other stages (`own`: the starred rule needs design and completion levels, which are
    /// scored at different stages), under the rule of `plan_year`.
    pub fn of(draft: &Assessment, own: &[Assessment], plan_year: Option<i64>) -> Computed {
        let mine: Vec<Assessment> = own
            .iter()
            .filter(|a| {
                a.source == draft.source
                    && a.assessor == draft.assessor
                    && a.scale == draft.scale
                    && a.stage != draft.stage
            })
            .cloned()
            .chain([draft.clone()])
            .collect();
        let star = (draft.scale == ScaleSet::Classic).then(|| {
            let rule = StarRule::for_plan_year(plan_year);
            let inputs = StarInputs::of(&mine, |a| a.source == draft.source);
            (rule, inputs.starred(rule), inputs.checks(rule))
        });
        let high_completion = match draft.rating(Indicator::Completion) {
            Some(Rating::Completion(c)) => Some(c.is_high()),
            _ => None,
        };
        let strong_results = match (
            draft.rating(Indicator::OpenedGovernment),
            draft.rating(Indicator::EarlyResults),
        ) {
            (Some(Rating::OpenedGovernment(level)), _) => Some(level.is_strong()),
            (_, Some(Rating::EarlyResults(level))) => Some(level.is_strong()),
            _ => None,
        };
        let promising = match draft.rating(Indicator::Promising) {
            Some(Rating::YesNo(answer)) => Some(answer == YesNo::Yes),
            _ => None,
        };
        Computed {
            star,
            high_completion,
            strong_results,
            promising,
        }
    }
}

/// A scorer's draft beside the other sources' published assessments of the same stage:
/// the comparison the scoring form shows, with the draft's column last.
pub fn draft_beside(draft: &Assessment, others: &[Assessment]) -> Option<super::StageComparison> {
    let mut here: Vec<Assessment> = others
        .iter()
        .filter(|a| {
            a.stage == draft.stage && !(a.source == draft.source && a.assessor == draft.assessor)
        })
        .cloned()
        .collect();
    here.push(draft.clone());
    super::side_by_side(&here).into_iter().next()
}

/// A score's evidence links as typed in the form, one per line ("address title").
pub fn evidence_text(links: &[EvidenceLink]) -> String {
    links
        .iter()
        .map(|link| {
            if link.title == link.url {
                link.url.clone()
            } else {
                format!("{} {}", link.url, link.title)
            }
        })
        .collect::<Vec<_>>()
        .join("\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scored(source: AssessmentSource, stage: Stage, scores: &[(Indicator, &str)]) -> Assessment {
        Assessment {
            source,
            assessor: "Civic Watch".into(),
            stage,
            scale: ScaleSet::Classic,
            scores: scores
                .iter()
                .map(|(indicator, raw)| Score {
                    indicator: *indicator,
                    value: indicator.chosen(ScaleSet::Classic, raw).unwrap(),
                    justification: None,
                    evidence: Vec::new(),
                })
                .collect(),
        }
    }

    #[test]
    fn each_scale_and_stage_scores_its_own_indicators_and_only_the_irm_judges_promising() {
        let reviewer = AssessmentSource::CivilSociety;
        let irm = AssessmentSource::Irm;
        assert_eq!(
            ScaleSet::Refreshed.indicators(Stage::Design, irm),
            vec![
                Indicator::Verifiability,
                Indicator::OpenGovernmentLens,
                Indicator::PotentialForResults,
                Indicator::Promising
            ]
        );
        assert!(!ScaleSet::Refreshed
            .indicators(Stage::Design, reviewer)
            .contains(&Indicator::Promising));
        let design = ScaleSet::Classic.indicators(Stage::Design, reviewer);
        assert_eq!(
            design.len(),
            7,
            "specificity, verifiability, 4 values, impact"
        );
        assert_eq!(
            ScaleSet::Classic
                .indicators(Stage::EndOfTerm, reviewer)
                .len(),
            6
        );
        for scale in ScaleSet::ALL {
            for stage in Stage::ALL {
                let all = scale.indicators(*stage, irm);
                assert!(!all.is_empty(), "{scale:?} {stage:?}");
                for indicator in all {
                    assert!(!indicator.levels(*scale).is_empty());
                }
            }
        }
    }

    #[test]
    fn a_chosen_level_must_belong_to_the_scale_and_missing_codes_stay_apart() {
        let completion = Indicator::Completion;
        assert_eq!(
            completion.chosen(ScaleSet::Classic, "withdrawn"),
            Some(ScoreValue::Rated(Rating::Completion(Completion::Withdrawn)))
        );
        assert_eq!(completion.chosen(ScaleSet::Refreshed, "withdrawn"), None);
        assert_eq!(
            completion.chosen(ScaleSet::Refreshed, "no_evidence_available"),
            Some(ScoreValue::Rated(Rating::Completion(
                Completion::NoEvidence
            )))
        );
        let codes: Vec<Option<ScoreValue>> = ["ND", "NR", "NA"]
            .iter()
            .map(|raw| completion.chosen(ScaleSet::Classic, raw))
            .collect();
        assert_eq!(
            codes,
            vec![
                Some(ScoreValue::Missing(MissingCode::NoData)),
                Some(ScoreValue::Missing(MissingCode::NotReviewed)),
                Some(ScoreValue::Missing(MissingCode::NotApplicable)),
            ]
        );
        assert_eq!(Indicator::Promising.chosen(ScaleSet::Refreshed, "NA"), None);
        assert_eq!(
            completion.chosen(ScaleSet::Classic, "Complete"),
            None,
            "machine names only"
        );
    }

    #[test]
    fn the_star_of_a_draft_counts_the_same_scorers_other_stages() {
        let reviewer = AssessmentSource::CivilSociety;
        let design = scored(
            reviewer,
            Stage::Design,
            &[
                (Indicator::Specificity, "high"),
                (
                    Indicator::Relevance(OgpValue::CivicParticipation),
                    "relevant",
                ),
                (Indicator::PotentialImpact, "transformative"),
            ],
        );
        let end = scored(
            reviewer,
            Stage::EndOfTerm,
            &[(Indicator::Completion, "complete")],
        );
        let computed = Computed::of(&end, std::slice::from_ref(&design), Some(2016));
        let (rule, starred, _) = computed.star.unwrap();
        assert_eq!(rule, StarRule::Irm2015);
        assert_eq!(starred, Some(true));
        assert_eq!(computed.high_completion, Some(true));
        // Another source's design levels are not this scorer's.
        let irm_design = Assessment {
            source: AssessmentSource::Irm,
            ..design
        };
        let alone = Computed::of(&end, &[irm_design], Some(2016));
        assert_eq!(alone.star.unwrap().1, None);
        let limited = scored(
            reviewer,
            Stage::EndOfTerm,
            &[(Indicator::Completion, "limited")],
        );
        assert_eq!(
            Computed::of(&limited, &[], None).star.unwrap().1,
            Some(false)
        );
    }

    #[test]
    fn the_draft_is_compared_with_the_other_sources_of_its_stage() {
        let draft = scored(
            AssessmentSource::CivilSociety,
            Stage::EndOfTerm,
            &[(Indicator::Completion, "limited")],
        );
        let government = Assessment {
            source: AssessmentSource::Government,
            assessor: "Ministry".into(),
            ..scored(
                AssessmentSource::Government,
                Stage::EndOfTerm,
                &[(Indicator::Completion, "complete")],
            )
        };
        let own_published = scored(
            AssessmentSource::CivilSociety,
            Stage::EndOfTerm,
            &[(Indicator::Completion, "complete")],
        );
        let compared = draft_beside(&draft, &[government, own_published]).unwrap();
        assert_eq!(
            compared.columns.len(),
            2,
            "the draft replaces its own published one"
        );
        assert_eq!(compared.disagreements(), 1);
    }
}
