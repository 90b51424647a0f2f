//! The scoring form: for each indicator of the scale set and stage, a level (or one of
//! OGP's missing-value codes), a justification and evidence links, named
//! `level.<indicator>`, `justification.<indicator>` and `evidence.<indicator>` after the
//! indicator's machine name (`level.relevance.civic_participation`).

use super::{base_version, evidence_links, optional_text, JUSTIFICATION_MAX_CHARS};
use crate::domain::{
    evidence_text, Assessment, AssessmentSource, Indicator, ScaleSet, Score, ScoreValue, Stage,
};
use crate::error::AppError;
use crate::i18n::Key;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

const LEVEL: &str = "level.";
const JUSTIFICATION: &str = "justification.";
const EVIDENCE: &str = "evidence.";

/// An assessment as typed: the scale set and stage (chosen when it is created), the version
/// a draft's form was rendered from, and the scores' fields.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct AssessmentInput {
    #[serde(default)]
    pub scale: String,
    #[serde(default)]
    pub stage: String,
    #[serde(default)]
    pub version: String,
    /// Every other field the form sent; only the score fields above are read.
    #[serde(flatten)]
    pub scores: BTreeMap<String, String>,
}

/// The parts of one indicator's score in the form.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ScorePart {
    Level,
    Justification,
    Evidence,
}

/// Whether to keep a draft as it is or to publish it, which needs every score.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Saving {
    Draft,
    Publish,
}

#[allow(non_upper_case_globals)]
impl AssessmentInput {
    pub const scale: &'static str = "scale";
    pub const stage: &'static str = "stage";
    pub const version: &'static str = "version";

    pub fn level_field(indicator: Indicator) -> String {
        format!("{LEVEL}{}", indicator.machine_name())
    }

    pub fn justification_field(indicator: Indicator) -> String {
        format!("{JUSTIFICATION}{}", indicator.machine_name())
    }

    pub fn evidence_field(indicator: Indicator) -> String {
        format!("{EVIDENCE}{}", indicator.machine_name())
    }

    fn get(&self, field: &str) -> &str {
        self.scores.get(field).map(String::as_str).unwrap_or("")
    }

    /// The form's fields as (name, value), to fill it in again after a refusal.
    pub fn fields(&self) -> Vec<(String, String)> {
        let mut fields = vec![
            (Self::scale.to_string(), self.scale.clone()),
            (Self::stage.to_string(), self.stage.clone()),
            (Self::version.to_string(), self.version.clone()),
        ];
        fields.extend(
            self.scores
                .iter()
                .filter(|(name, _)| {
                    [LEVEL, JUSTIFICATION, EVIDENCE]
                        .iter()
                        .any(|prefix| name.starts_with(prefix))
                })
                .map(|(name, value)| (name.clone(), value.clone())),
        );
        fields
    }

    /// The form filled in with a stored assessment's scores, at `version`.
    pub fn from_assessment(assessment: &Assessment, version: i64) -> AssessmentInput {
        let mut scores = BTreeMap::new();
        for score in &assessment.scores {
            let indicator = score.indicator;
            scores.insert(
                Self::level_field(indicator),
                score.value.as_str().to_string(),
            );
            if let Some(justification) = &score.justification {
                scores.insert(Self::justification_field(indicator), justification.clone());
            }
            if !score.evidence.is_empty() {
                scores.insert(
                    Self::evidence_field(indicator),
                    evidence_text(&score.evidence),
                );
            }
        }
        AssessmentInput {
            scale: assessment.scale.as_str().into(),
            stage: assessment.stage.as_str().into(),
            version: version.to_string(),
            scores,
        }
    }

    pub fn base_version(&self) -> Result<i64, AppError> {
        base_version(&self.version)
    }

    /// The form from its fields as (name, value): what a refused post sent back, or what
    /// the browser kept of a draft.
    pub fn from_fields(fields: &[(String, String)]) -> AssessmentInput {
        let mut input = AssessmentInput::default();
        for (name, value) in fields {
            match name.as_str() {
                Self::scale => input.scale = value.clone(),
                Self::stage => input.stage = value.clone(),
                Self::version => input.version = value.clone(),
                _ => {
                    input.scores.insert(name.clone(), value.clone());
                }
            }
        }
        input
    }

    /// What the browser keeps of a draft typed but not saved: the fields without the
    /// version (the page's, not the person's), trimmed as the server stores them (so a
    /// saved draft compares equal to what was typed), and without those left empty.
    pub fn draft_fields(&self) -> Vec<(String, String)> {
        self.fields()
            .into_iter()
            .filter(|(name, _)| name != Self::version)
            .map(|(name, value)| {
                let mut value = value.trim().replace("\r\n", "\n");
                // Evidence as it is stored again: one link a line, as `evidence_text` writes it.
                if name.starts_with(EVIDENCE) {
                    if let Ok(links) = evidence_links(&value, &name) {
                        value = evidence_text(&links);
                    }
                }
                (name, value)
            })
            .filter(|(_, value)| !value.is_empty())
            .collect()
    }

    /// The indicator and the part of its score a field holds, for a score field's name.
    pub fn score_field(name: &str) -> Option<(Indicator, ScorePart)> {
        [
            (LEVEL, ScorePart::Level),
            (JUSTIFICATION, ScorePart::Justification),
            (EVIDENCE, ScorePart::Evidence),
        ]
        .into_iter()
        .find_map(|(prefix, part)| {
            let indicator = Indicator::from_machine_name(name.strip_prefix(prefix)?)?;
            Some((indicator, part))
        })
    }

    /// The levels chosen so far, leaving out anything not (yet) valid: what the results
    /// beside the form are computed from while someone is still choosing.
    pub fn chosen_scores(
        &self,
        scale: ScaleSet,
        stage: Stage,
        source: AssessmentSource,
    ) -> Vec<Score> {
        scale
            .indicators(stage, source)
            .into_iter()
            .filter_map(|indicator| {
                let value =
                    indicator.chosen(scale, self.get(&Self::level_field(indicator)).trim())?;
                Some(Score {
                    indicator,
                    value,
                    justification: None,
                    evidence: Vec::new(),
                })
            })
            .collect()
    }

    /// The scale set and stage chosen for a new assessment.
    pub fn scale_and_stage(&self) -> Result<(ScaleSet, Stage), AppError> {
        let scale = ScaleSet::from_machine(self.scale.trim())
            .ok_or_else(|| AppError::invalid(Self::scale, Key::ErrChoice))?;
        let stage = Stage::from_machine(self.stage.trim())
            .ok_or_else(|| AppError::invalid(Self::stage, Key::ErrChoice))?;
        Ok((scale, stage))
    }

    /// The scores of an assessment by `source` on `scale` at `stage`, or the first field
    /// that is wrong and why. A draft may leave indicators unscored, but not a
    /// justification or evidence without its level (it would be lost), and not every one;
    /// publishing needs a level for each indicator and a justification for each level (a
    /// missing-value code explains itself).
    pub fn validate(
        &self,
        scale: ScaleSet,
        stage: Stage,
        source: AssessmentSource,
        saving: Saving,
    ) -> Result<Vec<Score>, AppError> {
        let indicators = scale.indicators(stage, source);
        let mut scores = Vec::new();
        for indicator in &indicators {
            let indicator = *indicator;
            let level_field = Self::level_field(indicator);
            let justification_field = Self::justification_field(indicator);
            let evidence_field = Self::evidence_field(indicator);
            let justification = optional_text(
                self.get(&justification_field),
                &justification_field,
                JUSTIFICATION_MAX_CHARS,
            )?;
            let evidence = evidence_links(self.get(&evidence_field), &evidence_field)?;
            let raw = self.get(&level_field).trim();
            if raw.is_empty() {
                if saving == Saving::Publish {
                    return Err(AppError::invalid(&level_field, Key::ErrRequired));
                }
                if justification.is_some() || !evidence.is_empty() {
                    return Err(AppError::invalid(
                        &level_field,
                        Key::ErrLevelForJustification,
                    ));
                }
                continue;
            }
            let value = indicator
                .chosen(scale, raw)
                .ok_or_else(|| AppError::invalid(&level_field, Key::ErrChoice))?;
            if saving == Saving::Publish
                && justification.is_none()
                && matches!(value, ScoreValue::Rated(_))
            {
                return Err(AppError::invalid(&justification_field, Key::ErrRequired));
            }
            scores.push(Score {
                indicator,
                value,
                justification,
                evidence,
            });
        }
        if scores.is_empty() {
            let first = indicators.first().copied().unwrap_or(Indicator::Completion);
            return Err(AppError::invalid(
                &Self::level_field(first),
                Key::ErrNoLevelChosen,
            ));
        }
        Ok(scores)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::{MissingCode, Rating, Specificity};

    fn input(pairs: &[(&str, &str)]) -> AssessmentInput {
        AssessmentInput {
            scale: "classic".into(),
            stage: "design".into(),
            version: "1".into(),
            scores: pairs
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect(),
        }
    }

    const REVIEWER: AssessmentSource = AssessmentSource::CivilSociety;

    #[test]
    fn a_draft_keeps_what_is_chosen_and_refuses_a_justification_without_its_level() {
        let draft = input(&[
            ("level.specificity", "high"),
            ("justification.specificity", " Clear milestones. "),
            ("evidence.specificity", "https://example.org/plan The plan"),
            ("csrf", "token"),
        ]);
        let scores = draft
            .validate(ScaleSet::Classic, Stage::Design, REVIEWER, Saving::Draft)
            .unwrap();
        assert_eq!(scores.len(), 1);
        assert_eq!(
            scores[0].value,
            ScoreValue::Rated(Rating::Specificity(Specificity::High))
        );
        assert_eq!(
            scores[0].justification.as_deref(),
            Some("Clear milestones.")
        );
        assert_eq!(scores[0].evidence[0].title, "The plan");
        assert!(
            !draft.fields().iter().any(|(name, _)| name == "csrf"),
            "only the form's own fields are filled in again"
        );
        let orphan = input(&[("justification.potential_impact", "Big")]);
        assert_eq!(
            orphan.validate(ScaleSet::Classic, Stage::Design, REVIEWER, Saving::Draft),
            Err(AppError::invalid(
                "level.potential_impact",
                Key::ErrLevelForJustification
            ))
        );
        assert_eq!(
            input(&[]).validate(ScaleSet::Classic, Stage::Design, REVIEWER, Saving::Draft),
            Err(AppError::invalid(
                "level.specificity",
                Key::ErrNoLevelChosen
            ))
        );
    }

    #[test]
    fn publishing_needs_every_level_and_a_justification_for_each() {
        let mut pairs: Vec<(String, String)> = Vec::new();
        for indicator in ScaleSet::Refreshed.indicators(Stage::EndOfTerm, REVIEWER) {
            pairs.push((AssessmentInput::level_field(indicator), "NR".into()));
        }
        let all_missing = AssessmentInput {
            scale: "refreshed".into(),
            stage: "end_of_term".into(),
            version: "3".into(),
            scores: pairs.into_iter().collect(),
        };
        let scores = all_missing
            .validate(
                ScaleSet::Refreshed,
                Stage::EndOfTerm,
                REVIEWER,
                Saving::Publish,
            )
            .unwrap();
        assert!(scores
            .iter()
            .all(|s| s.value == ScoreValue::Missing(MissingCode::NotReviewed)));
        let mut rated = all_missing.clone();
        rated
            .scores
            .insert("level.completion".into(), "limited".into());
        assert_eq!(
            rated.validate(
                ScaleSet::Refreshed,
                Stage::EndOfTerm,
                REVIEWER,
                Saving::Publish
            ),
            Err(AppError::invalid(
                "justification.completion",
                Key::ErrRequired
            ))
        );
        let mut unscored = all_missing;
        unscored.scores.remove("level.early_results");
        assert_eq!(
            unscored.validate(
                ScaleSet::Refreshed,
                Stage::EndOfTerm,
                REVIEWER,
                Saving::Publish
            ),
            Err(AppError::invalid("level.early_results", Key::ErrRequired))
        );
    }

    #[test]
    fn levels_of_another_scale_and_the_irms_judgment_are_refused_to_a_reviewer() {
        let withdrawn = input(&[("level.completion", "withdrawn")]);
        assert_eq!(
            withdrawn.validate(ScaleSet::Refreshed, Stage::MidTerm, REVIEWER, Saving::Draft),
            Err(AppError::invalid("level.completion", Key::ErrChoice))
        );
        // A reviewer's form has no "promising": the field is not read at all.
        let promising = input(&[
            ("level.promising", "yes"),
            ("level.verifiability", "verifiable"),
        ]);
        let scores = promising
            .validate(ScaleSet::Refreshed, Stage::Design, REVIEWER, Saving::Draft)
            .unwrap();
        assert!(scores.iter().all(|s| s.indicator != Indicator::Promising));
        let irm = promising
            .validate(
                ScaleSet::Refreshed,
                Stage::Design,
                AssessmentSource::Irm,
                Saving::Draft,
            )
            .unwrap();
        assert!(irm.iter().any(|s| s.indicator == Indicator::Promising));
    }

    #[test]
    fn a_kept_draft_reads_back_and_its_levels_count_while_still_partly_wrong() {
        let typed = input(&[
            ("level.specificity", "high"),
            ("level.potential_impact", "huge"),
            ("justification.potential_impact", ""),
        ]);
        let kept = typed.draft_fields();
        assert!(kept
            .iter()
            .all(|(name, value)| name != "version" && !value.is_empty()));
        let back = AssessmentInput::from_fields(&kept);
        assert_eq!(
            back.scores.get("level.specificity").map(String::as_str),
            Some("high")
        );
        assert_eq!(back.scale, "classic");
        let chosen = back.chosen_scores(ScaleSet::Classic, Stage::Design, REVIEWER);
        assert_eq!(chosen.len(), 1, "the level that is not one is left out");
        assert_eq!(
            AssessmentInput::score_field("justification.relevance.civic_participation"),
            Some((
                Indicator::Relevance(crate::domain::OgpValue::CivicParticipation),
                ScorePart::Justification
            ))
        );
        assert_eq!(AssessmentInput::score_field("level.nothing"), None);
    }

    #[test]
    fn a_kept_draft_compares_equal_to_what_was_saved_from_it() {
        let typed = input(&[
            ("level.specificity", "high"),
            ("justification.specificity", " Clear.\r\nDated. "),
            (
                "evidence.specificity",
                "https://example.org/a   Annual   report\n\n  https://example.org/b  ",
            ),
        ]);
        let scores = typed
            .validate(ScaleSet::Classic, Stage::Design, REVIEWER, Saving::Draft)
            .unwrap();
        let saved = Assessment {
            source: REVIEWER,
            assessor: "Civic Watch".into(),
            stage: Stage::Design,
            scale: ScaleSet::Classic,
            scores,
        };
        assert_eq!(
            AssessmentInput::from_assessment(&saved, 2).draft_fields(),
            typed.draft_fields()
        );
    }

    #[test]
    fn a_stored_assessment_fills_the_form_back_in_unchanged() {
        let typed = input(&[
            ("level.specificity", "medium"),
            ("justification.specificity", "Some milestones."),
            (
                "evidence.specificity",
                "https://example.org/a\nhttps://example.org/b Report",
            ),
            ("level.potential_impact", "NA"),
        ]);
        let scores = typed
            .validate(ScaleSet::Classic, Stage::Design, REVIEWER, Saving::Draft)
            .unwrap();
        let assessment = Assessment {
            source: REVIEWER,
            assessor: "Civic Watch".into(),
            stage: Stage::Design,
            scale: ScaleSet::Classic,
            scores,
        };
        assert_eq!(AssessmentInput::from_assessment(&assessment, 1), typed);
    }
}
