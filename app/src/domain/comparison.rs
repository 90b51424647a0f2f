//! Assessments side by side: for one stage of a commitment, every source's level of each
//! indicator, and where the sources disagree by a stated rule, said in words.
//!
//! The rule: on a scale with an order (specificity, potential impact, completion, "did it
//! open government", early results, potential for results), sources disagree when their
//! levels are two or more steps apart, so "complete" against "limited" or "not started" is
//! a disagreement, and "complete" against "substantial" is not; on a yes/no scale (relevance,
//! verifiability, the open-government lens, promising), when one says yes and another no.
//! Missing-value codes and levels outside the order (withdrawn, unclear, no evidence) are
//! not compared.

use super::assessment::{
    Assessment, AssessmentSource, Indicator, Rating, ScaleSet, ScoreValue, Stage,
};
use super::levels::*;
use serde::{Deserialize, Serialize};

/// One source's column: whose account it is.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SourceColumn {
    pub source: AssessmentSource,
    pub assessor: String,
    pub scale: ScaleSet,
}

/// Why a row's sources disagree.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Disagreement {
    /// Levels `steps` apart on an ordered scale: the columns of the lowest and the highest.
    Apart { steps: u8, low: usize, high: usize },
    /// One says yes, another no: their columns.
    YesAndNo { yes: usize, no: usize },
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ComparisonRow {
    pub indicator: Indicator,
    /// Each column's score, in the order of [`StageComparison::columns`].
    pub cells: Vec<Option<ScoreValue>>,
    pub disagreement: Option<Disagreement>,
}

/// Every source's scores at one stage.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct StageComparison {
    pub stage: Stage,
    pub columns: Vec<SourceColumn>,
    pub rows: Vec<ComparisonRow>,
}

impl StageComparison {
    pub fn disagreements(&self) -> usize {
        self.rows
            .iter()
            .filter(|r| r.disagreement.is_some())
            .count()
    }
}

/// Where a level stands on its scale's order; `None` for a level outside the order.
fn rank(rating: Rating) -> Option<u8> {
    Some(match rating {
        Rating::Specificity(level) => level as u8,
        Rating::PotentialImpact(level) => level as u8,
        Rating::Completion(level) => match level {
            Completion::NotStarted => 0,
            Completion::Limited => 1,
            Completion::Substantial => 2,
            Completion::Complete => 3,
            Completion::NoEvidence | Completion::Withdrawn | Completion::Unclear => return None,
        },
        Rating::OpenedGovernment(level) => level as u8,
        Rating::EarlyResults(level) => level as u8,
        Rating::PotentialForResults(level) => match level {
            PotentialForResults::Unclear => return None,
            PotentialForResults::Modest => 0,
            PotentialForResults::Substantial => 1,
        },
        Rating::Relevance(_) | Rating::Verifiability(_) | Rating::YesNo(_) => return None,
    })
}

/// Yes or no, for the scales that are.
fn yes(rating: Rating) -> Option<bool> {
    match rating {
        Rating::Relevance(level) => Some(level == Relevance::Relevant),
        Rating::Verifiability(level) => Some(level == Verifiability::Verifiable),
        Rating::YesNo(level) => Some(level == YesNo::Yes),
        _ => None,
    }
}

/// How the cells of one row disagree, if they do (see the module's rule).
pub fn disagreement(cells: &[Option<ScoreValue>]) -> Option<Disagreement> {
    let rated: Vec<(usize, Rating)> = cells
        .iter()
        .enumerate()
        .filter_map(|(column, cell)| match cell {
            Some(ScoreValue::Rated(rating)) => Some((column, *rating)),
            _ => None,
        })
        .collect();
    let ranked: Vec<(usize, u8)> = rated
        .iter()
        .filter_map(|(column, rating)| Some((*column, rank(*rating)?)))
        .collect();
    let low = ranked.iter().min_by_key(|(_, r)| *r);
    let high = ranked.iter().max_by_key(|(_, r)| *r);
    if let (Some(&(low, l)), Some(&(high, h))) = (low, high) {
        if h - l >= 2 {
            return Some(Disagreement::Apart {
                steps: h - l,
                low,
                high,
            });
        }
    }
    let said: Vec<(usize, bool)> = rated
        .iter()
        .filter_map(|(column, rating)| Some((*column, yes(*rating)?)))
        .collect();
    let yes_at = said.iter().find(|(_, y)| *y).map(|(c, _)| *c);
    let no_at = said.iter().find(|(_, y)| !*y).map(|(c, _)| *c);
    match (yes_at, no_at) {
        (Some(yes), Some(no)) => Some(Disagreement::YesAndNo { yes, no }),
        _ => None,
    }
}

/// A commitment's assessments side by side, one comparison per stage that has any, in the
/// order design, mid-term, end of term; the IRM's column first, then the government's,
/// then civil society's.
pub fn side_by_side(assessments: &[Assessment]) -> Vec<StageComparison> {
    Stage::ALL
        .iter()
        .filter_map(|stage| {
            let mut here: Vec<&Assessment> =
                assessments.iter().filter(|a| a.stage == *stage).collect();
            if here.is_empty() {
                return None;
            }
            here.sort_by_key(|a| match a.source {
                AssessmentSource::Irm => 0,
                AssessmentSource::Government => 1,
                AssessmentSource::CivilSociety => 2,
            });
            let mut indicators: Vec<Indicator> = here
                .iter()
                .flat_map(|a| a.scores.iter().map(|s| s.indicator))
                .collect();
            indicators.sort();
            indicators.dedup();
            let rows = indicators
                .into_iter()
                .map(|indicator| {
                    let cells: Vec<Option<ScoreValue>> = here
                        .iter()
                        .map(|a| {
                            a.scores
                                .iter()
                                .find(|s| s.indicator == indicator)
                                .map(|s| s.value)
                        })
                        .collect();
                    ComparisonRow {
                        indicator,
                        disagreement: disagreement(&cells),
                        cells,
                    }
                })
                .collect();
            Some(StageComparison {
                stage: *stage,
                columns: here
                    .iter()
                    .map(|a| SourceColumn {
                        source: a.source,
                        assessor: a.assessor.clone(),
                        scale: a.scale,
                    })
                    .collect(),
                rows,
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::Score;

    fn completion(level: Completion) -> Option<ScoreValue> {
        Some(ScoreValue::Rated(Rating::Completion(level)))
    }

    #[test]
    fn completion_two_or_more_levels_apart_is_a_disagreement() {
        use Completion::*;
        let levels = [NotStarted, Limited, Substantial, Complete];
        for (i, a) in levels.iter().enumerate() {
            for (j, b) in levels.iter().enumerate() {
                let found = disagreement(&[completion(*a), completion(*b)]);
                let apart = i.abs_diff(j);
                assert_eq!(found.is_some(), apart >= 2, "{a:?} vs {b:?}");
                if let Some(Disagreement::Apart { steps, .. }) = found {
                    assert_eq!(usize::from(steps), apart);
                }
            }
        }
        // The government says complete, a reviewer limited: the columns are named.
        assert_eq!(
            disagreement(&[completion(Complete), None, completion(Limited)]),
            Some(Disagreement::Apart {
                steps: 2,
                low: 2,
                high: 0
            })
        );
        // Levels outside the order and missing codes are not compared.
        assert_eq!(
            disagreement(&[
                completion(Withdrawn),
                completion(NotStarted),
                completion(Complete)
            ])
            .map(|d| matches!(d, Disagreement::Apart { .. })),
            Some(true)
        );
        assert_eq!(
            disagreement(&[completion(Withdrawn), completion(Complete)]),
            None
        );
        assert_eq!(
            disagreement(&[
                Some(ScoreValue::Missing(MissingCode::NotReviewed)),
                completion(Complete)
            ]),
            None
        );
    }

    #[test]
    fn yes_against_no_is_a_disagreement() {
        let relevant = |level| Some(ScoreValue::Rated(Rating::Relevance(level)));
        assert_eq!(
            disagreement(&[
                relevant(Relevance::Relevant),
                relevant(Relevance::NotRelevant)
            ]),
            Some(Disagreement::YesAndNo { yes: 0, no: 1 })
        );
        assert_eq!(
            disagreement(&[relevant(Relevance::Relevant), relevant(Relevance::Relevant)]),
            None
        );
    }

    #[test]
    fn stages_are_compared_with_the_irm_first() {
        let assessment = |source, stage, level| Assessment {
            source,
            assessor: format!("{source:?}"),
            stage,
            scale: ScaleSet::Classic,
            scores: vec![Score {
                indicator: Indicator::Completion,
                value: ScoreValue::Rated(Rating::Completion(level)),
                justification: None,
                evidence: Vec::new(),
            }],
        };
        let compared = side_by_side(&[
            assessment(
                AssessmentSource::Government,
                Stage::EndOfTerm,
                Completion::Complete,
            ),
            assessment(AssessmentSource::Irm, Stage::EndOfTerm, Completion::Limited),
            assessment(AssessmentSource::Irm, Stage::MidTerm, Completion::Limited),
        ]);
        assert_eq!(
            compared.iter().map(|c| c.stage).collect::<Vec<_>>(),
            vec![Stage::MidTerm, Stage::EndOfTerm]
        );
        let end = &compared[1];
        assert_eq!(end.columns[0].source, AssessmentSource::Irm);
        assert_eq!(end.disagreements(), 1);
        assert_eq!(compared[0].disagreements(), 0);
    }
}
