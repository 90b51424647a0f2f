//! Assessments: one reviewer's scores for one commitment at one stage, on one IRM scale set,
//! and the starred rule computed from them.

use super::levels::*;
use crate::i18n::Key;
use serde::{Deserialize, Serialize};

level_enum! {
    /// The four OGP values a commitment can be relevant to.
    OgpValue {
        AccessToInformation = "access_to_information" => ValueAccessToInformation,
        CivicParticipation = "civic_participation" => ValueCivicParticipation,
        PublicAccountability = "public_accountability" => ValuePublicAccountability,
        TechnologyInnovation = "technology_innovation" => ValueTechnologyInnovation,
    }
}

level_enum! {
    /// When in the cycle an assessment was made.
    Stage {
        Design = "design" => StageDesign,
        MidTerm = "mid_term" => StageMidTerm,
        EndOfTerm = "end_of_term" => StageEndOfTerm,
    }
}

level_enum! {
    ScaleSet {
        Classic = "classic" => ScaleClassic,
        Refreshed = "refreshed" => ScaleRefreshed,
    }
}

level_enum! {
    /// Whose account an assessment is.
    AssessmentSource {
        Government = "government" => SourceGovernment,
        CivilSociety = "civil_society" => SourceCivilSociety,
        Irm = "irm" => SourceIrm,
    }
}

/// What an assessment scores.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum Indicator {
    Specificity,
    Verifiability,
    Relevance(OgpValue),
    PotentialImpact,
    Completion,
    OpenedGovernment,
    OpenedGovernmentFor(OgpValue),
    OpenGovernmentLens,
    PotentialForResults,
    Promising,
    EarlyResults,
}

/// A typed level of one indicator.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Rating {
    Specificity(Specificity),
    Verifiability(Verifiability),
    Relevance(Relevance),
    PotentialImpact(PotentialImpact),
    Completion(Completion),
    OpenedGovernment(OpenedGovernment),
    YesNo(YesNo),
    PotentialForResults(PotentialForResults),
    EarlyResults(EarlyResults),
}

/// A score as recorded: a level, or one of OGP's missing-value codes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum ScoreValue {
    Rated(Rating),
    Missing(MissingCode),
}

impl Rating {
    pub fn as_str(self) -> &'static str {
        match self {
            Rating::Specificity(l) => l.as_str(),
            Rating::Verifiability(l) => l.as_str(),
            Rating::Relevance(l) => l.as_str(),
            Rating::PotentialImpact(l) => l.as_str(),
            Rating::Completion(l) => l.as_str(),
            Rating::OpenedGovernment(l) => l.as_str(),
            Rating::YesNo(l) => l.as_str(),
            Rating::PotentialForResults(l) => l.as_str(),
            Rating::EarlyResults(l) => l.as_str(),
        }
    }

    pub fn label_key(self) -> Key {
        match self {
            Rating::Specificity(l) => l.label_key(),
            Rating::Verifiability(l) => l.label_key(),
            Rating::Relevance(l) => l.label_key(),
            Rating::PotentialImpact(l) => l.label_key(),
            Rating::Completion(l) => l.label_key(),
            Rating::OpenedGovernment(l) => l.label_key(),
            Rating::YesNo(l) => l.label_key(),
            Rating::PotentialForResults(l) => l.label_key(),
            Rating::EarlyResults(l) => l.label_key(),
        }
    }
}

impl ScoreValue {
    /// The machine name stored and exported: a level's name, or `ND` / `NR` / `NA`.
    pub fn as_str(self) -> &'static str {
        match self {
            ScoreValue::Rated(rating) => rating.as_str(),
            ScoreValue::Missing(code) => code.as_str(),
        }
    }

    pub fn label_key(self) -> Key {
        match self {
            ScoreValue::Rated(rating) => rating.label_key(),
            ScoreValue::Missing(code) => code.label_key(),
        }
    }
}

impl Indicator {
    /// Every indicator, in display order.
    pub fn all() -> Vec<Indicator> {
        let mut all = vec![Indicator::Specificity, Indicator::Verifiability];
        all.extend(OgpValue::ALL.iter().map(|v| Indicator::Relevance(*v)));
        all.extend([
            Indicator::PotentialImpact,
            Indicator::Completion,
            Indicator::OpenedGovernment,
        ]);
        all.extend(
            OgpValue::ALL
                .iter()
                .map(|v| Indicator::OpenedGovernmentFor(*v)),
        );
        all.extend([
            Indicator::OpenGovernmentLens,
            Indicator::PotentialForResults,
            Indicator::Promising,
            Indicator::EarlyResults,
        ]);
        all
    }

    /// Stable machine name, e.g. `relevance.civic_participation`.
    pub fn machine_name(self) -> String {
        match self {
            Indicator::Specificity => "specificity".into(),
            Indicator::Verifiability => "verifiability".into(),
            Indicator::Relevance(v) => format!("relevance.{}", v.as_str()),
            Indicator::PotentialImpact => "potential_impact".into(),
            Indicator::Completion => "completion".into(),
            Indicator::OpenedGovernment => "opened_government".into(),
            Indicator::OpenedGovernmentFor(v) => format!("opened_government.{}", v.as_str()),
            Indicator::OpenGovernmentLens => "open_government_lens".into(),
            Indicator::PotentialForResults => "potential_for_results".into(),
            Indicator::Promising => "promising".into(),
            Indicator::EarlyResults => "early_results".into(),
        }
    }

    /// The indicator of a machine name; without building any name (it runs for every
    /// score read from storage).
    pub fn from_machine_name(name: &str) -> Option<Indicator> {
        if let Some(value) = name.strip_prefix("relevance.") {
            return OgpValue::from_machine(value).map(Indicator::Relevance);
        }
        if let Some(value) = name.strip_prefix("opened_government.") {
            return OgpValue::from_machine(value).map(Indicator::OpenedGovernmentFor);
        }
        Some(match name {
            "specificity" => Indicator::Specificity,
            "verifiability" => Indicator::Verifiability,
            "potential_impact" => Indicator::PotentialImpact,
            "completion" => Indicator::Completion,
            "opened_government" => Indicator::OpenedGovernment,
            "open_government_lens" => Indicator::OpenGovernmentLens,
            "potential_for_results" => Indicator::PotentialForResults,
            "promising" => Indicator::Promising,
            "early_results" => Indicator::EarlyResults,
            _ => return None,
        })
    }

    /// A level of this indicator by its machine name, exactly as stored.
    pub fn rating_from_machine(self, name: &str) -> Option<Rating> {
        Some(match self {
            Indicator::Specificity => Rating::Specificity(Specificity::from_machine(name)?),
            Indicator::Verifiability => Rating::Verifiability(Verifiability::from_machine(name)?),
            Indicator::Relevance(_) => Rating::Relevance(Relevance::from_machine(name)?),
            Indicator::PotentialImpact => {
                Rating::PotentialImpact(PotentialImpact::from_machine(name)?)
            }
            Indicator::Completion => Rating::Completion(Completion::from_machine(name)?),
            Indicator::OpenedGovernment | Indicator::OpenedGovernmentFor(_) => {
                Rating::OpenedGovernment(OpenedGovernment::from_machine(name)?)
            }
            Indicator::OpenGovernmentLens | Indicator::Promising => {
                Rating::YesNo(YesNo::from_machine(name)?)
            }
            Indicator::PotentialForResults => {
                Rating::PotentialForResults(PotentialForResults::from_machine(name)?)
            }
            Indicator::EarlyResults => Rating::EarlyResults(EarlyResults::from_machine(name)?),
        })
    }

    pub fn label_key(self) -> Key {
        match self {
            Indicator::Specificity => Key::IndicatorSpecificity,
            Indicator::Verifiability => Key::IndicatorVerifiability,
            Indicator::Relevance(_) => Key::IndicatorRelevance,
            Indicator::PotentialImpact => Key::IndicatorPotentialImpact,
            Indicator::Completion => Key::IndicatorCompletion,
            Indicator::OpenedGovernment => Key::IndicatorOpenedGovernment,
            Indicator::OpenedGovernmentFor(_) => Key::IndicatorOpenedGovernmentFor,
            Indicator::OpenGovernmentLens => Key::IndicatorOpenGovernmentLens,
            Indicator::PotentialForResults => Key::IndicatorPotentialForResults,
            Indicator::Promising => Key::IndicatorPromising,
            Indicator::EarlyResults => Key::IndicatorEarlyResults,
        }
    }

    /// The OGP value an indicator is about, for per-value indicators.
    pub fn value(self) -> Option<OgpValue> {
        match self {
            Indicator::Relevance(v) | Indicator::OpenedGovernmentFor(v) => Some(v),
            _ => None,
        }
    }

    /// Reads a level of this indicator, from a level name as OGP writes it or a machine name.
    pub fn parse_rating(self, raw: &str) -> Option<Rating> {
        Some(match self {
            Indicator::Specificity => Rating::Specificity(Specificity::parse_label(raw)?),
            Indicator::Verifiability => Rating::Verifiability(Verifiability::parse_label(raw)?),
            Indicator::Relevance(_) => Rating::Relevance(Relevance::parse_label(raw)?),
            Indicator::PotentialImpact => {
                Rating::PotentialImpact(PotentialImpact::parse_label(raw)?)
            }
            Indicator::Completion => Rating::Completion(Completion::parse_label(raw)?),
            Indicator::OpenedGovernment | Indicator::OpenedGovernmentFor(_) => {
                Rating::OpenedGovernment(OpenedGovernment::parse_label(raw)?)
            }
            Indicator::OpenGovernmentLens | Indicator::Promising => {
                Rating::YesNo(YesNo::parse_label(raw)?)
            }
            Indicator::PotentialForResults => {
                Rating::PotentialForResults(PotentialForResults::parse_label(raw)?)
            }
            Indicator::EarlyResults => Rating::EarlyResults(EarlyResults::parse_label(raw)?),
        })
    }

    /// Reads a score: a missing-value code or a level; `None` when the text is neither.
    pub fn parse_score(self, raw: &str) -> Option<ScoreValue> {
        if let Some(code) = MissingCode::parse_label(raw) {
            return Some(ScoreValue::Missing(code));
        }
        self.parse_rating(raw).map(ScoreValue::Rated)
    }
}

/// One indicator's score in an assessment.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Score {
    pub indicator: Indicator,
    pub value: ScoreValue,
    pub justification: Option<String>,
    /// Links to what the level rests on (a reviewer's; imported scores have none).
    #[serde(default)]
    pub evidence: Vec<super::EvidenceLink>,
}

/// One reviewer's scores for one commitment at one stage.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Assessment {
    pub source: AssessmentSource,
    /// Public label of who assessed: a role and institution, never an e-mail address.
    pub assessor: String,
    pub stage: Stage,
    pub scale: ScaleSet,
    pub scores: Vec<Score>,
}

impl Assessment {
    pub fn rating(&self, indicator: Indicator) -> Option<Rating> {
        self.scores
            .iter()
            .find(|s| s.indicator == indicator)
            .and_then(|s| match s.value {
                ScoreValue::Rated(r) => Some(r),
                ScoreValue::Missing(_) => None,
            })
    }
}

impl ScaleSet {
    /// The scale set the IRM uses for a plan submitted in `year`: the refreshed one from
    /// 2021 on (and for a plan without a year, which is a new one).
    pub fn for_plan_year(year: Option<i64>) -> ScaleSet {
        match year {
            Some(y) if y < 2021 => ScaleSet::Classic,
            _ => ScaleSet::Refreshed,
        }
    }

    /// The completion levels this scale set has.
    pub fn completion_levels(self) -> &'static [Completion] {
        match self {
            ScaleSet::Classic => &[
                Completion::NotStarted,
                Completion::Limited,
                Completion::Substantial,
                Completion::Complete,
                Completion::Withdrawn,
                Completion::Unclear,
            ],
            ScaleSet::Refreshed => &[
                Completion::NoEvidence,
                Completion::NotStarted,
                Completion::Limited,
                Completion::Substantial,
                Completion::Complete,
            ],
        }
    }
}

level_enum! {
    /// The IRM's two definitions of a starred commitment.
    StarRule {
        Irm2014 = "irm_2014" => StarRule2014,
        Irm2015 = "irm_2015" => StarRule2015,
    }
}

impl StarRule {
    /// The 2015 rule applies to plans submitted from 2015 on.
    pub fn for_plan_year(year: Option<i64>) -> StarRule {
        match year {
            Some(y) if y < 2015 => StarRule::Irm2014,
            _ => StarRule::Irm2015,
        }
    }
}

/// The inputs of the starred rule; `None` where the IRM gave no level.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct StarInputs {
    pub specificity: Option<Specificity>,
    pub relevant_to_core_value: Option<bool>,
    pub potential_impact: Option<PotentialImpact>,
    pub completion: Option<Completion>,
}

impl StarInputs {
    /// Gathers the inputs from a commitment's classic IRM assessments: design scores and the
    /// latest completion (end of term before mid-term).
    pub fn from_assessments(assessments: &[Assessment]) -> StarInputs {
        StarInputs::of(assessments, |a| a.source == AssessmentSource::Irm)
    }

    /// Gathers the inputs from the classic assessments `whose` picks out (one scorer's).
    pub fn of(assessments: &[Assessment], whose: impl Fn(&Assessment) -> bool) -> StarInputs {
        let irm_classic = |stage: Stage| {
            assessments
                .iter()
                .find(|a| whose(a) && a.scale == ScaleSet::Classic && a.stage == stage)
        };
        let design = irm_classic(Stage::Design);
        let completion = [Stage::EndOfTerm, Stage::MidTerm]
            .into_iter()
            .find_map(|stage| {
                match irm_classic(stage).and_then(|a| a.rating(Indicator::Completion)) {
                    Some(Rating::Completion(c)) => Some(c),
                    _ => None,
                }
            });
        StarInputs::from_design(|i| design.and_then(|a| a.rating(i)), completion)
    }

    /// The inputs from one scorer's classic design scores (`design` rates each indicator,
    /// or not) and the latest classic completion.
    pub fn from_design(
        design: impl Fn(Indicator) -> Option<Rating>,
        completion: Option<Completion>,
    ) -> StarInputs {
        let mut inputs = StarInputs {
            completion,
            ..StarInputs::default()
        };
        if let Some(Rating::Specificity(s)) = design(Indicator::Specificity) {
            inputs.specificity = Some(s);
        }
        if let Some(Rating::PotentialImpact(p)) = design(Indicator::PotentialImpact) {
            inputs.potential_impact = Some(p);
        }
        let core = [
            OgpValue::AccessToInformation,
            OgpValue::CivicParticipation,
            OgpValue::PublicAccountability,
        ];
        let ratings: Vec<Option<Rating>> = core
            .iter()
            .map(|v| design(Indicator::Relevance(*v)))
            .collect();
        // Relevant to one is enough; not relevant only when all three say so (a value
        // without a score leaves it unknown).
        let relevant = Some(Rating::Relevance(Relevance::Relevant));
        let not_relevant = Some(Rating::Relevance(Relevance::NotRelevant));
        if ratings.contains(&relevant) {
            inputs.relevant_to_core_value = Some(true);
        } else if ratings.iter().all(|r| *r == not_relevant) {
            inputs.relevant_to_core_value = Some(false);
        }
        inputs
    }

    /// The four conditions of `rule`, each met, not met, or unknown (no score): what the
    /// page shows beside the star, in the reader's language.
    pub fn checks(&self, rule: StarRule) -> [StarCheck; 4] {
        let impact = match rule {
            StarRule::Irm2014 => StarCheck {
                condition: Key::StarNeedImpact2014,
                met: self
                    .potential_impact
                    .map(|p| p >= PotentialImpact::Moderate),
            },
            StarRule::Irm2015 => StarCheck {
                condition: Key::StarNeedImpact2015,
                met: self
                    .potential_impact
                    .map(|p| p == PotentialImpact::Transformative),
            },
        };
        [
            StarCheck {
                condition: Key::StarNeedSpecificity,
                met: self.specificity.map(|s| s >= Specificity::Medium),
            },
            StarCheck {
                condition: Key::StarNeedCoreValue,
                met: self.relevant_to_core_value,
            },
            impact,
            StarCheck {
                condition: Key::StarNeedCompletion,
                met: self.completion.map(Completion::is_high),
            },
        ]
    }

    /// Whether the commitment is starred under `rule`: every condition met. Not starred
    /// as soon as one is not met; `None` while a needed score is missing and none fails.
    pub fn starred(&self, rule: StarRule) -> Option<bool> {
        let checks = self.checks(rule);
        if checks.iter().any(|c| c.met == Some(false)) {
            Some(false)
        } else if checks.iter().all(|c| c.met == Some(true)) {
            Some(true)
        } else {
            None
        }
    }
}

/// One condition of a starred rule and whether the scores meet it (`None`: no score).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct StarCheck {
    pub condition: Key,
    pub met: Option<bool>,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn inputs(impact: PotentialImpact) -> StarInputs {
        StarInputs {
            specificity: Some(Specificity::Medium),
            relevant_to_core_value: Some(true),
            potential_impact: Some(impact),
            completion: Some(Completion::Substantial),
        }
    }

    #[test]
    fn moderate_impact_is_starred_only_under_the_2014_rule() {
        assert_eq!(
            inputs(PotentialImpact::Moderate).starred(StarRule::Irm2014),
            Some(true)
        );
        assert_eq!(
            inputs(PotentialImpact::Moderate).starred(StarRule::Irm2015),
            Some(false)
        );
        assert_eq!(
            inputs(PotentialImpact::Transformative).starred(StarRule::Irm2015),
            Some(true)
        );
    }

    #[test]
    fn low_specificity_or_limited_completion_is_never_starred() {
        let mut low = inputs(PotentialImpact::Transformative);
        low.specificity = Some(Specificity::Low);
        assert_eq!(low.starred(StarRule::Irm2014), Some(false));
        let mut limited = inputs(PotentialImpact::Transformative);
        limited.completion = Some(Completion::Limited);
        assert_eq!(limited.starred(StarRule::Irm2015), Some(false));
    }

    #[test]
    fn missing_scores_make_the_star_unknown_unless_a_condition_fails() {
        let mut missing = inputs(PotentialImpact::Transformative);
        missing.specificity = None;
        assert_eq!(missing.starred(StarRule::Irm2015), None);
        missing.completion = Some(Completion::Limited);
        assert_eq!(missing.starred(StarRule::Irm2015), Some(false));
    }

    /// OGP's starred rules as the domain reference (`../shared/ogp-domain.md`, "Starred
    /// commitment") quotes them, written down as the levels each condition accepts, by their
    /// names in OGP's data (independent of how the code orders levels): "2014 rule:
    /// specificity Medium or High, AND relevant to at least one of access to information,
    /// civic participation, public accountability, AND potential impact Moderate or
    /// Transformative, AND completion Substantial or Complete. From 2015: the same, but
    /// potential impact must be Transformative."
    const SPECIFICITY_ACCEPTED: [&str; 2] = ["medium", "high"];
    const IMPACT_ACCEPTED_2014: [&str; 2] = ["moderate", "transformative"];
    const IMPACT_ACCEPTED_2015: [&str; 1] = ["transformative"];
    const COMPLETION_ACCEPTED: [&str; 2] = ["substantial", "complete"];

    /// The published rule applied to one combination, by the table above.
    fn by_the_table(inputs: &StarInputs, rule: StarRule) -> Option<bool> {
        let impact_accepted: &[&str] = match rule {
            StarRule::Irm2014 => &IMPACT_ACCEPTED_2014,
            StarRule::Irm2015 => &IMPACT_ACCEPTED_2015,
        };
        let conditions = [
            inputs
                .specificity
                .map(|s| SPECIFICITY_ACCEPTED.contains(&s.as_str())),
            inputs.relevant_to_core_value,
            inputs
                .potential_impact
                .map(|p| impact_accepted.contains(&p.as_str())),
            inputs
                .completion
                .map(|c| COMPLETION_ACCEPTED.contains(&c.as_str())),
        ];
        if conditions.contains(&Some(false)) {
            Some(false)
        } else if conditions.iter().all(|c| *c == Some(true)) {
            Some(true)
        } else {
            None
        }
    }

    /// Every level of a condition, and no score.
    fn every<T: Copy>(levels: &[T]) -> Vec<Option<T>> {
        std::iter::once(None)
            .chain(levels.iter().copied().map(Some))
            .collect()
    }

    #[test]
    fn both_starred_rules_agree_with_the_published_table_for_every_combination_of_levels() {
        let mut combinations = 0;
        let mut starred = [0, 0];
        for specificity in every(Specificity::ALL) {
            for relevant in every(&[false, true]) {
                for potential_impact in every(PotentialImpact::ALL) {
                    for completion in every(Completion::ALL) {
                        let inputs = StarInputs {
                            specificity,
                            relevant_to_core_value: relevant,
                            potential_impact,
                            completion,
                        };
                        for (n, rule) in [StarRule::Irm2014, StarRule::Irm2015]
                            .into_iter()
                            .enumerate()
                        {
                            assert_eq!(
                                inputs.starred(rule),
                                by_the_table(&inputs, rule),
                                "{rule:?} {inputs:?}"
                            );
                            let checks = inputs.checks(rule);
                            assert_eq!(checks.len(), 4);
                            if inputs.starred(rule) == Some(true) {
                                starred[n] += 1;
                            }
                        }
                        combinations += 1;
                    }
                }
            }
        }
        // 5 specificity x 3 relevance x 5 impact x 8 completion, each level or no score.
        assert_eq!(combinations, 600);
        // Starred: 2 specificities x relevant x (2014: 2, 2015: 1) impacts x 2 completions.
        assert_eq!(starred, [8, 4]);
    }

    #[test]
    fn the_groupings_agree_with_ogps_summaries_for_every_level() {
        // OGP counts substantial and complete as high completion, major and outstanding
        // (classic) or significant and outstanding (refreshed) as strong results.
        for completion in Completion::ALL {
            assert_eq!(
                completion.is_high(),
                COMPLETION_ACCEPTED.contains(&completion.as_str()),
                "{completion:?}"
            );
        }
        for level in OpenedGovernment::ALL {
            assert_eq!(
                level.is_strong(),
                ["major", "outstanding"].contains(&level.as_str()),
                "{level:?}"
            );
        }
        for level in EarlyResults::ALL {
            assert_eq!(
                level.is_strong(),
                ["significant", "outstanding"].contains(&level.as_str()),
                "{level:?}"
            );
        }
    }

    #[test]
    fn rule_follows_the_plan_year() {
        assert_eq!(StarRule::for_plan_year(Some(2013)), StarRule::Irm2014);
        assert_eq!(StarRule::for_plan_year(Some(2015)), StarRule::Irm2015);
    }

    #[test]
    fn indicator_machine_names_round_trip() {
        for indicator in Indicator::all() {
            assert_eq!(
                Indicator::from_machine_name(&indicator.machine_name()),
                Some(indicator)
            );
            for scale in ScaleSet::ALL {
                for level in indicator.levels(*scale) {
                    assert_eq!(indicator.rating_from_machine(level.as_str()), Some(level));
                }
            }
        }
        assert_eq!(Indicator::from_machine_name("relevance.nothing"), None);
        assert_eq!(Indicator::from_machine_name("Specificity"), None);
    }

    #[test]
    fn scores_keep_missing_codes_apart_from_levels() {
        assert_eq!(
            Indicator::PotentialImpact.parse_score("NR"),
            Some(ScoreValue::Missing(MissingCode::NotReviewed))
        );
        assert_eq!(
            Indicator::Relevance(OgpValue::CivicParticipation).parse_score("1"),
            Some(ScoreValue::Rated(Rating::Relevance(Relevance::Relevant)))
        );
        assert_eq!(
            Indicator::OpenedGovernment.parse_score("No early results to report yet"),
            None
        );
    }

    #[test]
    fn star_inputs_come_from_classic_irm_assessments() {
        let score = |indicator: Indicator, raw: &str| Score {
            indicator,
            value: indicator.parse_score(raw).unwrap(),
            justification: None,
            evidence: Vec::new(),
        };
        let design = Assessment {
            source: AssessmentSource::Irm,
            assessor: "IRM".into(),
            stage: Stage::Design,
            scale: ScaleSet::Classic,
            scores: vec![
                score(Indicator::Specificity, "High"),
                score(Indicator::Relevance(OgpValue::AccessToInformation), "1"),
                score(Indicator::PotentialImpact, "Transformative"),
            ],
        };
        let end = Assessment {
            stage: Stage::EndOfTerm,
            scores: vec![score(Indicator::Completion, "Complete")],
            ..design.clone()
        };
        let inputs = StarInputs::from_assessments(&[design.clone(), end]);
        assert_eq!(inputs.completion, Some(Completion::Complete));
        assert_eq!(inputs.starred(StarRule::Irm2015), Some(true));
        // Not relevant to one value and no score for the others: unknown, not "no".
        let partly = Assessment {
            scores: vec![
                score(Indicator::Specificity, "High"),
                score(Indicator::Relevance(OgpValue::AccessToInformation), "0"),
                score(Indicator::Relevance(OgpValue::CivicParticipation), "NR"),
            ],
            ..design.clone()
        };
        assert_eq!(
            StarInputs::from_assessments(&[partly]).relevant_to_core_value,
            None
        );
        let none = Assessment {
            scores: [
                OgpValue::AccessToInformation,
                OgpValue::CivicParticipation,
                OgpValue::PublicAccountability,
            ]
            .iter()
            .map(|v| score(Indicator::Relevance(*v), "0"))
            .collect(),
            ..design
        };
        assert_eq!(
            StarInputs::from_assessments(&[none]).relevant_to_core_value,
            Some(false)
        );
    }
}
