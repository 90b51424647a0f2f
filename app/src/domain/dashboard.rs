//! The public dashboards: a scope's figures (the installation's, a member's, a plan's, a
//! region's, ...) as charts. A chart's bars are exactly what its table lists and its CSV holds, so every
//! number drawn can be checked against the open data.

use super::assessment::{AssessmentSource, ScoreValue};
use super::levels::{Completion, ResultLevel};
use crate::i18n::Key;
use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};

/// Which chart: its title, its address and its CSV's name.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum ChartId {
    /// Milestones by where they stand today.
    Milestones,
    /// Commitments by the IRM's completion level at the end of term.
    Completion,
    /// Comparisons of a government's completion level with an independent reviewer's (IRM or
    /// civil society) for one commitment at one stage: more, the same or less. A commitment
    /// scored by both counts twice.
    SelfAssessmentGap,
    /// Progress updates per month, the last twelve months.
    UpdatesPerMonth,
    /// Commitments by the IRM's latest completion level (end of term, else mid-term).
    LatestCompletion,
    /// Commitments starred, found promising by the IRM, and with strong results.
    Results,
    /// Commitments by plan cycle (oldest first), each cycle's bar stacked by the IRM's
    /// latest completion level.
    CompletionByCycle,
    /// Commitments by the IRM's early results at the end of term: one small chart per
    /// scale set ("Did it open government?", "Early results").
    EarlyResults,
}

/// How a chart is drawn.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ChartForm {
    /// Horizontal bars, one per category.
    Bars,
    /// Columns along a line of time.
    Columns,
    /// One horizontal bar per group, made of its parts.
    Stacked,
    /// One small bar chart per group, all drawn to one scale.
    SmallMultiples,
}

impl ChartId {
    pub const ALL: [ChartId; 8] = [
        ChartId::Milestones,
        ChartId::Completion,
        ChartId::LatestCompletion,
        ChartId::CompletionByCycle,
        ChartId::Results,
        ChartId::EarlyResults,
        ChartId::SelfAssessmentGap,
        ChartId::UpdatesPerMonth,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            ChartId::Milestones => "milestones",
            ChartId::Completion => "completion",
            ChartId::SelfAssessmentGap => "self-assessment-gap",
            ChartId::UpdatesPerMonth => "updates-per-month",
            ChartId::LatestCompletion => "latest-completion",
            ChartId::Results => "results",
            ChartId::CompletionByCycle => "completion-by-cycle",
            ChartId::EarlyResults => "early-results",
        }
    }

    pub fn from_name(name: &str) -> Option<ChartId> {
        ChartId::ALL.into_iter().find(|c| c.as_str() == name)
    }

    pub fn title_key(self) -> Key {
        match self {
            ChartId::Milestones => Key::ChartMilestones,
            ChartId::Completion => Key::ChartCompletion,
            ChartId::SelfAssessmentGap => Key::ChartSelfAssessmentGap,
            ChartId::UpdatesPerMonth => Key::ChartUpdatesPerMonth,
            ChartId::LatestCompletion => Key::ChartLatestCompletion,
            ChartId::Results => Key::ChartResults,
            ChartId::CompletionByCycle => Key::ChartCompletionByCycle,
            ChartId::EarlyResults => Key::ChartEarlyResults,
        }
    }

    /// What the figures count, as the table's heading says.
    pub fn unit_key(self) -> Key {
        match self {
            ChartId::Milestones => Key::ColMilestones,
            ChartId::UpdatesPerMonth => Key::ColUpdates,
            ChartId::Completion => Key::ColIrmAssessments,
            ChartId::SelfAssessmentGap => Key::ColComparisons,
            ChartId::LatestCompletion
            | ChartId::Results
            | ChartId::CompletionByCycle
            | ChartId::EarlyResults => Key::ColCommitments,
        }
    }

    pub fn form(self) -> ChartForm {
        match self {
            ChartId::UpdatesPerMonth => ChartForm::Columns,
            ChartId::CompletionByCycle => ChartForm::Stacked,
            ChartId::EarlyResults => ChartForm::SmallMultiples,
            _ => ChartForm::Bars,
        }
    }

    /// What the chart's groups are, as its table's heading says.
    pub fn group_key(self) -> Key {
        match self {
            ChartId::CompletionByCycle => Key::FacetCycle,
            _ => Key::ChartScale,
        }
    }

    /// The address of the chart's CSV for the scope whose page is at `page_path`.
    pub fn csv_path(self, page_path: &str) -> String {
        format!(
            "{}/charts/{}.csv",
            page_path.trim_end_matches('/'),
            self.as_str()
        )
    }
}

/// What a bar is called: a translated label, a month (named in the reader's language), or
/// text of its own (a plan cycle).
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum BarLabel {
    Key(Key),
    Month { year: i32, month: u32 },
    Text(String),
}

/// One bar: its stable machine name (the CSV's `key` column), its label and its count.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Bar {
    pub key: String,
    pub label: BarLabel,
    pub value: i64,
    /// The list of what it counts (a search), where there is one.
    #[serde(default)]
    pub href: Option<String>,
}

/// Bars drawn together: the parts of one stacked bar, or one of several small charts.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct BarGroup {
    pub key: String,
    pub label: BarLabel,
    pub bars: Vec<Bar>,
}

impl BarGroup {
    pub fn total(&self) -> i64 {
        self.bars.iter().map(|b| b.value).sum()
    }
}

/// A chart: its bars, or for [`ChartForm::Stacked`] and [`ChartForm::SmallMultiples`] its
/// groups of bars.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Chart {
    pub id: ChartId,
    pub bars: Vec<Bar>,
    #[serde(default)]
    pub groups: Vec<BarGroup>,
}

impl Chart {
    pub fn new(id: ChartId, bars: Vec<Bar>) -> Chart {
        Chart {
            id,
            bars,
            groups: Vec::new(),
        }
    }

    pub fn grouped(id: ChartId, groups: Vec<BarGroup>) -> Chart {
        Chart {
            id,
            bars: Vec::new(),
            groups,
        }
    }

    /// Every bar, each with its group where it has one.
    pub fn every_bar(&self) -> impl Iterator<Item = (Option<&BarGroup>, &Bar)> {
        self.bars.iter().map(|b| (None, b)).chain(
            self.groups
                .iter()
                .flat_map(|g| g.bars.iter().map(move |b| (Some(g), b))),
        )
    }

    pub fn total(&self) -> i64 {
        self.every_bar().map(|(_, b)| b.value).sum()
    }

    /// The longest bar's figure (a stacked chart's longest bar is a whole group).
    pub fn max(&self) -> i64 {
        if self.id.form() == ChartForm::Stacked {
            return self.groups.iter().map(BarGroup::total).max().unwrap_or(0);
        }
        self.every_bar().map(|(_, b)| b.value).max().unwrap_or(0)
    }

    /// The chart as CSV, one row per bar in order (`key,label,count`, and for grouped
    /// charts the group's `group,group_label` first), with labels as `label` words them:
    /// exactly the numbers drawn.
    pub fn csv(&self, label: impl Fn(&BarLabel) -> String) -> String {
        let mut out = String::from(if self.groups.is_empty() {
            "key,label,count\r\n"
        } else {
            "group,group_label,key,label,count\r\n"
        });
        for (group, bar) in self.every_bar() {
            if let Some(group) = group {
                out.push_str(&format!(
                    "{},{},",
                    csv_field(&group.key),
                    csv_field(&label(&group.label))
                ));
            }
            out.push_str(&format!(
                "{},{},{}\r\n",
                csv_field(&bar.key),
                csv_field(&label(&bar.label)),
                bar.value
            ));
        }
        out
    }
}

/// A CSV field, quoted when it holds a separator, a quote or a line break, and with a
/// leading formula character defused (spreadsheets run `=...`).
fn csv_field(text: &str) -> String {
    let text = if text.starts_with(['=', '+', '-', '@']) {
        format!("'{text}")
    } else {
        text.to_string()
    };
    if text.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", text.replace('"', "\"\""))
    } else {
        text
    }
}

/// Where a scope's milestones stand on a day: counted by the storage layer with the rule
/// of [`super::Milestone::is_overdue`].
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct MilestoneCounts {
    pub completed: i64,
    pub on_time: i64,
    pub overdue: i64,
    pub withdrawn: i64,
}

impl MilestoneCounts {
    /// One bar per state of [`super::search::MILESTONE_STATES`], whose keys the search's
    /// `milestones` facet reads, so each bar's list is the one its key names.
    pub fn chart(self) -> Chart {
        let figures = [self.completed, self.on_time, self.overdue, self.withdrawn];
        Chart::new(
            ChartId::Milestones,
            super::search::MILESTONE_STATES
                .iter()
                .zip(figures)
                .map(|((key, label), value)| Bar {
                    key: key.to_string(),
                    label: BarLabel::Key(*label),
                    value,
                    href: None,
                })
                .collect(),
        )
    }
}

/// The completion chart from how many commitments the IRM gave each completion level at
/// the end of term (both scale sets, and OGP's missing-value codes, which stay apart):
/// every level in the scales' order, those counted nowhere included.
pub fn completion_chart(counts: &[(ScoreValue, i64)]) -> Chart {
    let mut values: Vec<ScoreValue> = Completion::ALL
        .iter()
        .map(|level| ScoreValue::Rated(super::Rating::Completion(*level)))
        .collect();
    // Missing-value codes only where the data has them, in a fixed order.
    let mut missing: Vec<ScoreValue> = counts
        .iter()
        .map(|(value, _)| *value)
        .filter(|value| !values.contains(value))
        .collect();
    missing.sort_by_key(|value| value.as_str());
    missing.dedup();
    values.extend(missing);
    Chart::new(
        ChartId::Completion,
        values
            .into_iter()
            .map(|value| Bar {
                key: value.as_str().to_string(),
                label: BarLabel::Key(value.label_key()),
                href: None,
                value: counts
                    .iter()
                    .filter(|(v, _)| *v == value)
                    .map(|(_, n)| n)
                    .sum(),
            })
            .collect(),
    )
}

/// How a government's own completion level compares with an independent one.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Gap {
    GovernmentHigher,
    Same,
    GovernmentLower,
}

impl Gap {
    pub const ALL: [Gap; 3] = [Gap::GovernmentHigher, Gap::Same, Gap::GovernmentLower];

    pub fn as_str(self) -> &'static str {
        match self {
            Gap::GovernmentHigher => "government_higher",
            Gap::Same => "same",
            Gap::GovernmentLower => "government_lower",
        }
    }

    pub fn from_machine(value: &str) -> Option<Gap> {
        Gap::ALL.into_iter().find(|g| g.as_str() == value)
    }

    pub fn label_key(self) -> Key {
        match self {
            Gap::GovernmentHigher => Key::GapGovernmentHigher,
            Gap::Same => Key::GapSame,
            Gap::GovernmentLower => Key::GapGovernmentLower,
        }
    }

    /// How the `government`'s completion level for a commitment at one stage compares with
    /// an `independent` source's; `None` where either is not a degree of completion (a
    /// missing-value code, withdrawn, unclear).
    pub fn between(government: &ScoreValue, independent: &ScoreValue) -> Option<Gap> {
        let rank = |value: &ScoreValue| match value {
            ScoreValue::Rated(super::Rating::Completion(level)) => match level {
                Completion::NoEvidence | Completion::NotStarted => Some(0),
                Completion::Limited => Some(1),
                Completion::Substantial => Some(2),
                Completion::Complete => Some(3),
                Completion::Withdrawn | Completion::Unclear => None,
            },
            _ => None,
        };
        Some(match rank(government)?.cmp(&rank(independent)?) {
            std::cmp::Ordering::Greater => Gap::GovernmentHigher,
            std::cmp::Ordering::Equal => Gap::Same,
            std::cmp::Ordering::Less => Gap::GovernmentLower,
        })
    }
}

/// The gap chart from how many pairs of completion levels (the government's and an
/// independent source's, given to one commitment at one stage) fall under each [`Gap`], in
/// [`Gap::ALL`]'s order.
pub fn gap_chart(counts: &[i64; 3]) -> Chart {
    Chart::new(
        ChartId::SelfAssessmentGap,
        Gap::ALL
            .iter()
            .zip(counts)
            .map(|(gap, value)| Bar {
                key: gap.as_str().to_string(),
                label: BarLabel::Key(gap.label_key()),
                value: *value,
                href: None,
            })
            .collect(),
    )
}

/// The sources whose completion levels the gap chart sets against the government's.
pub const INDEPENDENT_SOURCES: [AssessmentSource; 2] =
    [AssessmentSource::Irm, AssessmentSource::CivilSociety];

/// The first days of the twelve months up to the one `today` is in, oldest first.
pub fn last_twelve_months(today: NaiveDate) -> Vec<NaiveDate> {
    let mut month = NaiveDate::from_ymd_opt(today.year(), today.month(), 1).unwrap_or(today);
    let mut months = vec![month];
    for _ in 1..12 {
        month = month
            .checked_sub_months(chrono::Months::new(1))
            .unwrap_or(month);
        months.push(month);
    }
    months.reverse();
    months
}

/// The updates-per-month chart from counts per month (`YYYY-MM`), with a bar for each of
/// the twelve months up to `today`'s, months without updates at zero.
pub fn updates_chart(per_month: &[(String, i64)], today: NaiveDate) -> Chart {
    Chart::new(
        ChartId::UpdatesPerMonth,
        last_twelve_months(today)
            .into_iter()
            .map(|month| {
                let key = month.format("%Y-%m").to_string();
                let value = per_month
                    .iter()
                    .filter(|(m, _)| *m == key)
                    .map(|(_, n)| n)
                    .sum();
                Bar {
                    label: BarLabel::Month {
                        year: month.year(),
                        month: month.month(),
                    },
                    key,
                    value,
                    href: None,
                }
            })
            .collect(),
    )
}

/// How many of a scope's commitments the IRM last gave each completion level (in all and
/// per plan cycle), how many are starred, promising and with strong results, and their
/// early results: counted from the same facts a search narrows by, so each bar's list
/// (`href`, from `list`: facets and their values) holds exactly its figure.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct CommitmentResults {
    /// By level, in [`Completion::ALL`]'s order.
    pub latest_completion: Vec<i64>,
    /// Per plan cycle (its key, `2016-2018`), by level in [`Completion::ALL`]'s order.
    pub by_cycle: Vec<(String, Vec<i64>)>,
    pub starred: i64,
    pub promising: i64,
    pub strong_results: i64,
    /// By level, in [`ResultLevel::ALL`]'s order.
    pub early: Vec<i64>,
}

impl CommitmentResults {
    pub fn charts(
        &self,
        list: impl Fn(&[(super::search::Facet, &str)]) -> Option<String>,
    ) -> [Chart; 4] {
        use super::search::Facet;
        let count = |counts: &[i64], at: usize| counts.get(at).copied().unwrap_or(0);
        let level_bar = |level: &Completion, value: i64, also: Option<(Facet, &str)>| {
            let chosen: Vec<(Facet, &str)> = also
                .into_iter()
                .chain([(Facet::Completion, level.as_str())])
                .collect();
            Bar {
                key: level.as_str().to_string(),
                label: BarLabel::Key(level.label_key()),
                value,
                href: list(&chosen),
            }
        };
        let latest = Chart::new(
            ChartId::LatestCompletion,
            Completion::ALL
                .iter()
                .enumerate()
                .map(|(at, level)| level_bar(level, count(&self.latest_completion, at), None))
                .collect(),
        );
        // Each cycle's bar in parts, levels given to no commitment of the scope left out.
        let used: Vec<usize> = (0..Completion::ALL.len())
            .filter(|at| self.by_cycle.iter().any(|(_, c)| count(c, *at) > 0))
            .collect();
        let mut cycles: Vec<&(String, Vec<i64>)> = self
            .by_cycle
            .iter()
            .filter(|(_, c)| c.iter().any(|n| *n > 0))
            .collect();
        cycles.sort_by(|a, b| a.0.cmp(&b.0));
        let by_cycle = Chart::grouped(
            ChartId::CompletionByCycle,
            cycles
                .into_iter()
                .map(|(cycle, counts)| BarGroup {
                    key: cycle.clone(),
                    label: BarLabel::Text(cycle.replace('-', "\u{2013}")),
                    bars: used
                        .iter()
                        .map(|at| {
                            level_bar(
                                &Completion::ALL[*at],
                                count(counts, *at),
                                Some((Facet::Cycle, cycle.as_str())),
                            )
                        })
                        .collect(),
                })
                .collect(),
        );
        let bar = |key: &str, label, value, facet| Bar {
            key: key.to_string(),
            label: BarLabel::Key(label),
            value,
            href: list(&[(facet, "yes")]),
        };
        let results = Chart::new(
            ChartId::Results,
            vec![
                bar(
                    "starred",
                    Key::SearchStarredYes,
                    self.starred,
                    Facet::Starred,
                ),
                bar(
                    "promising",
                    Key::ResultsPromising,
                    self.promising,
                    Facet::Promising,
                ),
                bar(
                    "strong_results",
                    Key::SimilarStrongResults,
                    self.strong_results,
                    Facet::Results,
                ),
            ],
        );
        // One small chart per scale set, each with every level of its scale.
        let mut groups: Vec<BarGroup> = Vec::new();
        for (at, level) in ResultLevel::ALL.iter().enumerate() {
            let bar = Bar {
                key: level.as_str().to_string(),
                label: BarLabel::Key(level.label_key()),
                value: count(&self.early, at),
                href: list(&[(Facet::Early, level.as_str())]),
            };
            match groups.last_mut() {
                Some(group) if group.key == level.scale() => group.bars.push(bar),
                _ => groups.push(BarGroup {
                    key: level.scale().to_string(),
                    label: BarLabel::Key(level.scale_key()),
                    bars: vec![bar],
                }),
            }
        }
        // A scale set none of the scope's commitments was scored on is not drawn.
        groups.retain(|g| g.total() > 0);
        let early = Chart::grouped(ChartId::EarlyResults, groups);
        [latest, by_cycle, results, early]
    }
}

/// A commitment with milestones past due, for the list of the most overdue.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct OverdueCommitment {
    pub code: String,
    pub title: String,
    pub overdue_milestones: i64,
    /// The planned end of its longest-overdue milestone.
    pub overdue_since: NaiveDate,
}

/// A scope's dashboard.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Dashboard {
    /// The day it was worked out: what "overdue" and the months count from.
    pub as_of: NaiveDate,
    pub charts: Vec<Chart>,
    pub most_overdue: Vec<OverdueCommitment>,
}

impl Dashboard {
    pub fn chart(&self, id: ChartId) -> Option<&Chart> {
        self.charts.iter().find(|c| c.id == id)
    }

    /// The chart a link preview shows: the milestones, where they stand, else (as for
    /// OGP's own data, which has none) the IRM's latest completion levels. Both are plain
    /// bars.
    pub fn headline(&self) -> Option<&Chart> {
        let milestones = self.chart(ChartId::Milestones);
        milestones
            .filter(|c| c.total() > 0)
            .or_else(|| {
                self.chart(ChartId::LatestCompletion)
                    .filter(|c| c.total() > 0)
            })
            .or(milestones)
    }
}

/// The ways into the commitments, with how many each holds (`/explore`).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Explore {
    pub regions: Vec<(super::Region, i64)>,
    pub values: Vec<(super::OgpValue, i64)>,
    /// Slug, name and count, by name.
    pub policy_areas: Vec<(String, String, i64)>,
    /// The institutions leading the most commitments, most first.
    pub institutions: Vec<(String, i64)>,
}

impl Explore {
    /// Lead institutions listed.
    pub const INSTITUTIONS: i64 = 30;
}

/// A region's, value's, policy area's or institution's page: its name, one page of its
/// commitments, and its members ranked by their results.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ScopePage {
    pub name: super::ScopeName,
    pub commitments: Vec<super::CommitmentSummary>,
    pub total_commitments: i64,
    pub ranking: Vec<MemberResults>,
}

/// One member's commitments in a scope, and how many of them the IRM found with OGP's
/// "high completion" and "strong results" at the end of term: what peers learn from.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct MemberResults {
    pub slug: String,
    pub name: String,
    pub commitments: i64,
    pub high_completion: i64,
    pub strong_results: i64,
}

impl MemberResults {
    /// The share of its commitments with high completion, in percent.
    pub fn high_completion_percent(&self) -> f64 {
        if self.commitments == 0 {
            0.0
        } else {
            100.0 * self.high_completion as f64 / self.commitments as f64
        }
    }

    /// Members by results: the share of high completion first, then strong results, then
    /// how many commitments, then name.
    pub fn rank(members: &mut [MemberResults]) {
        members.sort_by(|a, b| {
            b.high_completion_percent()
                .total_cmp(&a.high_completion_percent())
                .then(b.strong_results.cmp(&a.strong_results))
                .then(b.commitments.cmp(&a.commitments))
                .then_with(|| a.name.cmp(&b.name))
        });
    }
}

/// The machine names of the levels OGP counts as high completion and strong results, as
/// the storage layer counts them.
pub fn high_completion_levels() -> Vec<&'static str> {
    Completion::ALL
        .iter()
        .filter(|l| l.is_high())
        .map(|l| l.as_str())
        .collect()
}

pub fn strong_result_levels() -> Vec<&'static str> {
    let mut levels: Vec<&'static str> = super::OpenedGovernment::ALL
        .iter()
        .filter(|l| l.is_strong())
        .map(|l| l.as_str())
        .chain(
            super::EarlyResults::ALL
                .iter()
                .filter(|l| l.is_strong())
                .map(|l| l.as_str()),
        )
        .collect();
    levels.sort_unstable();
    levels.dedup();
    levels
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::{MissingCode, Rating};

    fn level(level: Completion) -> ScoreValue {
        ScoreValue::Rated(Rating::Completion(level))
    }

    #[test]
    fn csv_holds_exactly_the_bars() {
        let chart = MilestoneCounts {
            completed: 5,
            on_time: 3,
            overdue: 2,
            withdrawn: 0,
        }
        .chart();
        let csv = chart.csv(|label| match label {
            BarLabel::Key(key) => key.name().to_string(),
            BarLabel::Text(text) => text.clone(),
            BarLabel::Month { year, month } => format!("{year}-{month:02}"),
        });
        let lines: Vec<&str> = csv.lines().collect();
        assert_eq!(lines[0], "key,label,count");
        assert_eq!(lines.len(), 1 + chart.bars.len());
        let sum: i64 = lines[1..]
            .iter()
            .map(|l| l.rsplit(',').next().unwrap().parse::<i64>().unwrap())
            .sum();
        assert_eq!(sum, chart.total());
        assert_eq!(chart.total(), 10);
        assert_eq!(csv_field("a,\"b\""), "\"a,\"\"b\"\"\"");
        assert_eq!(csv_field("=1+1"), "'=1+1");
    }

    #[test]
    fn completion_lists_every_level_in_order_and_keeps_codes_apart() {
        let chart = completion_chart(&[
            (level(Completion::Complete), 4),
            (level(Completion::Limited), 1),
            (ScoreValue::Missing(MissingCode::NotReviewed), 2),
            (level(Completion::Complete), 1),
        ]);
        let keys: Vec<&str> = chart.bars.iter().map(|b| b.key.as_str()).collect();
        assert_eq!(
            keys,
            [
                "no_evidence_available",
                "not_started",
                "limited",
                "substantial",
                "complete",
                "withdrawn",
                "unclear",
                "NR"
            ]
        );
        let values: Vec<i64> = chart.bars.iter().map(|b| b.value).collect();
        assert_eq!(values, [0, 0, 1, 0, 5, 0, 0, 2]);
    }

    #[test]
    fn the_gap_compares_degrees_of_completion_only() {
        let gap = |g, i| Gap::between(&level(g), &level(i));
        assert_eq!(
            gap(Completion::Complete, Completion::Substantial),
            Some(Gap::GovernmentHigher)
        );
        assert_eq!(
            gap(Completion::Limited, Completion::Limited),
            Some(Gap::Same)
        );
        assert_eq!(
            gap(Completion::NotStarted, Completion::NoEvidence),
            Some(Gap::Same),
            "neither is started"
        );
        assert_eq!(
            gap(Completion::Limited, Completion::Complete),
            Some(Gap::GovernmentLower)
        );
        assert_eq!(gap(Completion::Withdrawn, Completion::Complete), None);
        assert_eq!(gap(Completion::Complete, Completion::Unclear), None);
        assert_eq!(
            Gap::between(
                &ScoreValue::Missing(MissingCode::NoData),
                &level(Completion::Complete)
            ),
            None
        );
        let chart = gap_chart(&[3, 2, 4]);
        let bars: Vec<(&str, i64)> = chart
            .bars
            .iter()
            .map(|b| (b.key.as_str(), b.value))
            .collect();
        assert_eq!(
            bars,
            [
                ("government_higher", 3),
                ("same", 2),
                ("government_lower", 4)
            ]
        );
        assert!(bars.iter().all(|(key, _)| Gap::from_machine(key).is_some()));
    }

    #[test]
    fn months_run_back_across_the_year() {
        let day = NaiveDate::from_ymd_opt(2026, 2, 17).unwrap();
        let months = last_twelve_months(day);
        assert_eq!(months.len(), 12);
        assert_eq!(months[0], NaiveDate::from_ymd_opt(2025, 3, 1).unwrap());
        assert_eq!(months[11], NaiveDate::from_ymd_opt(2026, 2, 1).unwrap());
        let chart = updates_chart(&[("2026-02".into(), 4), ("2024-01".into(), 7)], day);
        assert_eq!(chart.bars[11].key, "2026-02");
        assert_eq!(chart.bars[11].value, 4);
        assert_eq!(chart.total(), 4, "months outside the year are not drawn");
    }

    #[test]
    fn members_rank_by_their_share_of_high_completion_then_strong_results() {
        let member = |name: &str, commitments, high, strong| MemberResults {
            slug: name.to_lowercase(),
            name: name.into(),
            commitments,
            high_completion: high,
            strong_results: strong,
        };
        let mut members = vec![
            member("Big", 10, 5, 1),
            member("Small", 2, 2, 0),
            member("Even", 4, 2, 3),
            member("None", 3, 0, 0),
            member("Alpha", 4, 2, 3),
        ];
        MemberResults::rank(&mut members);
        let order: Vec<&str> = members.iter().map(|m| m.name.as_str()).collect();
        assert_eq!(order, ["Small", "Alpha", "Even", "Big", "None"]);
        assert_eq!(high_completion_levels(), ["substantial", "complete"]);
        assert_eq!(
            strong_result_levels(),
            ["major", "outstanding", "significant"]
        );
    }

    #[test]
    fn chart_names_read_back() {
        for id in ChartId::ALL {
            assert_eq!(ChartId::from_name(id.as_str()), Some(id));
        }
        assert_eq!(
            ChartId::Completion.csv_path("/members/chile"),
            "/members/chile/charts/completion.csv"
        );
        assert_eq!(ChartId::Milestones.csv_path("/"), "/charts/milestones.csv");
    }
}
