//! What the published assessments of many commitments (a plan's, a member's) add up to: how
//! often each source gave each level of each indicator, and the commitments where the
//! sources disagree most, by the rule of [`super::comparison`]. Computed from the same
//! assessments the commitment pages show, so every figure can be checked against them.

use super::assessment::{Assessment, AssessmentSource, Indicator, ScaleSet, ScoreValue, Stage};
use super::comparison::side_by_side;
use serde::{Deserialize, Serialize};

/// One commitment's published assessments.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct CommitmentScores {
    pub code: String,
    pub title: String,
    pub assessments: Vec<Assessment>,
}

/// How many assessments gave one level (or missing-value code).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct LevelCount {
    pub value: ScoreValue,
    pub count: usize,
}

/// One source's levels of one indicator, at one stage on one scale set.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct DistributionRow {
    pub scale: ScaleSet,
    pub stage: Stage,
    pub indicator: Indicator,
    pub source: AssessmentSource,
    /// Levels in the scale's order, then missing-value codes; only those given.
    pub counts: Vec<LevelCount>,
}

impl DistributionRow {
    pub fn total(&self) -> usize {
        self.counts.iter().map(|c| c.count).sum()
    }
}

/// A commitment whose sources disagree, and on how many indicators.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Disagreeing {
    pub code: String,
    pub title: String,
    pub disagreements: usize,
}

/// The summary on a plan's or a member's page.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct ScoresSummary {
    /// Commitments with at least one published assessment.
    pub assessed: usize,
    pub distribution: Vec<DistributionRow>,
    /// The commitments where the sources disagree most, most first.
    pub disagreeing: Vec<Disagreeing>,
}

/// Where a score sorts among its indicator's: levels in their order, then missing codes.
fn order(value: &ScoreValue, scale: ScaleSet, indicator: Indicator) -> usize {
    match value {
        ScoreValue::Rated(rating) => indicator
            .levels(scale)
            .iter()
            .position(|level| level == rating)
            .unwrap_or(usize::MAX / 2),
        ScoreValue::Missing(code) => usize::MAX / 2 + *code as usize + 1,
    }
}

/// How many commitments [`ScoresSummary::disagreeing`] lists at most.
pub const MOST_DISAGREEING: usize = 10;

/// How many indicators the sources of one commitment's published assessments disagree on,
/// by the rule of [`super::comparison`].
pub fn disagreements(assessments: &[Assessment]) -> usize {
    side_by_side(assessments)
        .iter()
        .map(|stage| stage.disagreements())
        .sum()
}

/// How many assessments of one source gave one value of one indicator, at one stage on one
/// scale set: one row of what the storage layer counts.
#[derive(Clone, Debug, PartialEq)]
pub struct ValueCount {
    pub scale: ScaleSet,
    pub stage: Stage,
    pub indicator: Indicator,
    pub source: AssessmentSource,
    pub value: ScoreValue,
    pub count: usize,
}

impl ScoresSummary {
    /// The summary of these commitments' published assessments, computed from the scores.
    pub fn of(commitments: &[CommitmentScores]) -> ScoresSummary {
        let counts = commitments
            .iter()
            .flat_map(|c| &c.assessments)
            .flat_map(|a| {
                a.scores.iter().map(|score| ValueCount {
                    scale: a.scale,
                    stage: a.stage,
                    indicator: score.indicator,
                    source: a.source,
                    value: score.value,
                    count: 1,
                })
            });
        let disagreeing = commitments
            .iter()
            .map(|c| Disagreeing {
                code: c.code.clone(),
                title: c.title.clone(),
                disagreements: disagreements(&c.assessments),
            })
            .collect();
        let assessed = commitments
            .iter()
            .filter(|c| !c.assessments.is_empty())
            .count();
        ScoresSummary::from_counts(assessed, counts, disagreeing)
    }

    /// The summary from counted values (in any order, the same value possibly in several
    /// rows) and commitments with their disagreements (any order; those without any are
    /// left out, and only the [`MOST_DISAGREEING`] first are kept).
    pub fn from_counts(
        assessed: usize,
        counts: impl IntoIterator<Item = ValueCount>,
        mut disagreeing: Vec<Disagreeing>,
    ) -> ScoresSummary {
        let mut distribution: Vec<DistributionRow> = Vec::new();
        for counted in counts {
            let at = distribution.iter().position(|row| {
                row.scale == counted.scale
                    && row.stage == counted.stage
                    && row.indicator == counted.indicator
                    && row.source == counted.source
            });
            let row = match at {
                Some(at) => &mut distribution[at],
                None => {
                    distribution.push(DistributionRow {
                        scale: counted.scale,
                        stage: counted.stage,
                        indicator: counted.indicator,
                        source: counted.source,
                        counts: Vec::new(),
                    });
                    let last = distribution.len() - 1;
                    &mut distribution[last]
                }
            };
            match row.counts.iter_mut().find(|c| c.value == counted.value) {
                Some(count) => count.count += counted.count,
                None => row.counts.push(LevelCount {
                    value: counted.value,
                    count: counted.count,
                }),
            }
        }
        let source_order = |source: AssessmentSource| match source {
            AssessmentSource::Irm => 0,
            AssessmentSource::Government => 1,
            AssessmentSource::CivilSociety => 2,
        };
        for row in &mut distribution {
            let (scale, indicator) = (row.scale, row.indicator);
            row.counts
                .sort_by_key(|c| order(&c.value, scale, indicator));
        }
        distribution.sort_by_key(|row| {
            (
                row.scale,
                row.stage,
                row.indicator,
                source_order(row.source),
            )
        });
        disagreeing.retain(|d| d.disagreements > 0);
        disagreeing.sort_by(|a, b| {
            b.disagreements
                .cmp(&a.disagreements)
                .then_with(|| a.code.cmp(&b.code))
        });
        disagreeing.truncate(MOST_DISAGREEING);
        ScoresSummary {
            assessed,
            distribution,
            disagreeing,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::{Completion, MissingCode, Rating, Score};

    fn completion(source: AssessmentSource, assessor: &str, value: ScoreValue) -> Assessment {
        Assessment {
            source,
            assessor: assessor.into(),
            stage: Stage::EndOfTerm,
            scale: ScaleSet::Refreshed,
            scores: vec![Score {
                indicator: Indicator::Completion,
                value,
                justification: None,
                evidence: Vec::new(),
            }],
        }
    }

    fn level(level: Completion) -> ScoreValue {
        ScoreValue::Rated(Rating::Completion(level))
    }

    fn commitment(code: &str, assessments: Vec<Assessment>) -> CommitmentScores {
        CommitmentScores {
            code: code.into(),
            title: format!("Commitment {code}"),
            assessments,
        }
    }

    #[test]
    fn levels_are_counted_per_source_in_the_scales_order_and_codes_last() {
        use AssessmentSource::*;
        let summary = ScoresSummary::of(&[
            commitment(
                "A1",
                vec![
                    completion(Irm, "IRM", level(Completion::Complete)),
                    completion(CivilSociety, "Watch", level(Completion::Limited)),
                ],
            ),
            commitment(
                "A2",
                vec![completion(
                    Irm,
                    "IRM",
                    ScoreValue::Missing(MissingCode::NoData),
                )],
            ),
            commitment(
                "A3",
                vec![
                    completion(Irm, "IRM", level(Completion::Limited)),
                    completion(CivilSociety, "Watch", level(Completion::Limited)),
                    completion(CivilSociety, "Other", level(Completion::Substantial)),
                ],
            ),
            commitment("A4", vec![]),
        ]);
        assert_eq!(summary.assessed, 3);
        let irm = &summary.distribution[0];
        assert_eq!(irm.source, Irm);
        assert_eq!(
            irm.counts,
            vec![
                LevelCount {
                    value: level(Completion::Limited),
                    count: 1
                },
                LevelCount {
                    value: level(Completion::Complete),
                    count: 1
                },
                LevelCount {
                    value: ScoreValue::Missing(MissingCode::NoData),
                    count: 1
                },
            ]
        );
        let civil = &summary.distribution[1];
        assert_eq!(civil.source, CivilSociety);
        assert_eq!(civil.total(), 3);
        assert_eq!(
            summary.disagreeing,
            vec![Disagreeing {
                code: "A1".into(),
                title: "Commitment A1".into(),
                disagreements: 1
            }],
            "complete against limited disagrees; one step apart does not"
        );
    }

    #[test]
    fn the_most_disagreeing_come_first_and_the_list_is_short() {
        use AssessmentSource::*;
        let many: Vec<CommitmentScores> = (0..15)
            .map(|n| {
                let mut design = completion(Irm, "IRM", level(Completion::Complete));
                design.stage = Stage::MidTerm;
                let mut theirs = completion(Government, "Gov", level(Completion::NotStarted));
                theirs.stage = Stage::MidTerm;
                let mut assessments = vec![
                    completion(Irm, "IRM", level(Completion::Complete)),
                    completion(Government, "Gov", level(Completion::NotStarted)),
                ];
                if n % 2 == 0 {
                    assessments.extend([design, theirs]);
                }
                commitment(&format!("C{n:02}"), assessments)
            })
            .collect();
        let summary = ScoresSummary::of(&many);
        assert_eq!(summary.disagreeing.len(), MOST_DISAGREEING);
        assert!(summary.disagreeing[..8]
            .iter()
            .all(|d| d.disagreements == 2));
        assert_eq!(summary.disagreeing[0].code, "C00");
        assert!(summary.disagreeing[8..]
            .iter()
            .all(|d| d.disagreements == 1));
    }
}
