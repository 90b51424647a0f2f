//! Ordered level scales: the IRM indicators' levels and OGP's missing-value codes.
//!
//! Each level has an explicit order (declaration order), a stable machine name used in
//! storage, the API and exports, and a translation key for its label.

use crate::i18n::Key;
use serde::{Deserialize, Serialize};

/// Normalises a level as OGP files write it: any case, surrounding spaces, and the
/// explorer's rank prefix (`c. high`) removed; underscores read as spaces.
pub fn normalize_label(raw: &str) -> String {
    // Every cell of an import is read as a level: ASCII text (nearly all of it) is
    // normalised in one pass and one allocation.
    if raw.is_ascii() {
        normalize_ascii_label(raw.trim())
    } else {
        normalize_any_label(raw)
    }
}

/// [`normalize_label`] of any text, in general steps.
fn normalize_any_label(raw: &str) -> String {
    let lower = raw.trim().to_lowercase().replace('_', " ");
    let bytes = lower.as_bytes();
    let without_rank =
        if bytes.len() > 3 && bytes[0].is_ascii_lowercase() && bytes[1] == b'.' && bytes[2] == b' '
        {
            &lower[3..]
        } else {
            &lower[..]
        };
    without_rank
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

/// [`normalize_label`] of trimmed ASCII text: the same steps, byte by byte.
fn normalize_ascii_label(trimmed: &str) -> String {
    let byte = |b: u8| match b {
        b'_' => b' ',
        b => b.to_ascii_lowercase(),
    };
    let bytes = trimmed.as_bytes();
    let ranked = bytes.len() > 3
        && byte(bytes[0]).is_ascii_lowercase()
        && bytes[1] == b'.'
        && byte(bytes[2]) == b' ';
    let rest = if ranked { &bytes[3..] } else { bytes };
    let mut out = String::with_capacity(rest.len());
    // `char::is_whitespace` on ASCII: space, tab, line feed, vertical tab, form feed, return.
    let words = rest
        .split(|b| matches!(byte(*b), b' ' | b'\t' | b'\n' | 0x0b | 0x0c | b'\r'))
        .filter(|word| !word.is_empty());
    for word in words {
        if !out.is_empty() {
            out.push(' ');
        }
        out.extend(word.iter().map(|b| char::from(byte(*b))));
    }
    out
}

/// Longer than any level's label, with its rank prefix, as files write them.
pub(crate) const LONGEST_LABEL: usize = 80;

/// Whether normalised `text` is `machine` read as a label ([`normalize_label`] of it), without
/// normalising `machine` for each comparison.
pub(crate) fn is_machine_name(text: &str, machine: &str) -> bool {
    text.len() == machine.len()
        && text.bytes().zip(machine.bytes()).all(|(t, m)| {
            t == match m {
                b'_' => b' ',
                m => m.to_ascii_lowercase(),
            }
        })
}

macro_rules! level_enum {
    ($(#[$meta:meta])* $name:ident {
        $($variant:ident = $machine:literal => $key:ident $(| $alias:literal)*),+ $(,)?
    }) => {
        $(#[$meta])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
        pub enum $name {
            $(#[serde(rename = $machine)] $variant),+
        }

        impl $name {
            /// Every level, lowest first.
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            /// The stable machine name used in storage, the API and exports.
            pub fn as_str(self) -> &'static str {
                match self { $($name::$variant => $machine),+ }
            }

            pub fn label_key(self) -> Key {
                match self { $($name::$variant => Key::$key),+ }
            }

            pub fn from_machine(name: &str) -> Option<Self> {
                match name { $($machine => Some($name::$variant),)+ _ => None }
            }

            /// Reads a level as written in OGP data, or `None` when the text is not one of its levels.
            pub fn parse_label(raw: &str) -> Option<Self> {
                // Every cell of a file is tried as a missing-value code: long text is none,
                // and is not worth normalising.
                if raw.trim().len() > $crate::domain::levels::LONGEST_LABEL {
                    return None;
                }
                let text = normalize_label(raw);
                $(
                    if $crate::domain::levels::is_machine_name(&text, $machine) $(|| text == $alias)* {
                        return Some($name::$variant);
                    }
                )+
                None
            }
        }
    };
}

level_enum! {
    /// OGP's codes for a value that is not there, each a different fact.
    MissingCode {
        NoData = "ND" => MissingNoData | "no data",
        NotReviewed = "NR" => MissingNotReviewed | "not reviewed",
        NotApplicable = "NA" => MissingNotApplicable | "not applicable" | "n/a",
    }
}

level_enum! {
    Specificity {
        None = "none" => SpecificityNone,
        Low = "low" => SpecificityLow,
        Medium = "medium" => SpecificityMedium,
        High = "high" => SpecificityHigh,
    }
}

level_enum! {
    Verifiability {
        NotVerifiable = "not_verifiable" => VerifiabilityNo | "no",
        Verifiable = "verifiable" => VerifiabilityYes | "yes",
    }
}

level_enum! {
    /// Relevance of a commitment to one OGP value (classic IRM), coded 0/1 in OGP data.
    Relevance {
        NotRelevant = "not_relevant" => RelevanceNo | "0",
        Relevant = "relevant" => RelevanceYes | "1",
    }
}

level_enum! {
    PotentialImpact {
        None = "none" => ImpactNone,
        Minor = "minor" => ImpactMinor,
        Moderate = "moderate" => ImpactModerate,
        Transformative = "transformative" => ImpactTransformative,
    }
}

level_enum! {
    /// Completion on both IRM scale sets; the classic set adds withdrawn and unclear,
    /// the refreshed set adds "no evidence available".
    Completion {
        NoEvidence = "no_evidence_available" => CompletionNoEvidence | "no evidence",
        NotStarted = "not_started" => CompletionNotStarted,
        Limited = "limited" => CompletionLimited,
        Substantial = "substantial" => CompletionSubstantial,
        Complete = "complete" => CompletionComplete | "completed",
        Withdrawn = "withdrawn" => CompletionWithdrawn,
        Unclear = "unclear" => CompletionUnclear,
    }
}

level_enum! {
    /// "Did it open government?" (classic, end of term).
    OpenedGovernment {
        Worsened = "worsened" => OpenedWorsened | "worsens",
        DidNotChange = "did_not_change" => OpenedDidNotChange | "none",
        Marginal = "marginal" => OpenedMarginal,
        Major = "major" => OpenedMajor,
        Outstanding = "outstanding" => OpenedOutstanding,
    }
}

level_enum! {
    PotentialForResults {
        Unclear = "unclear" => ResultsPotentialUnclear,
        Modest = "modest" => ResultsPotentialModest,
        Substantial = "substantial" => ResultsPotentialSubstantial,
    }
}

level_enum! {
    EarlyResults {
        NoNotableResults = "no_notable_results" => EarlyNone,
        Moderate = "moderate" => EarlyModerate,
        Significant = "significant" => EarlySignificant,
        Outstanding = "outstanding" => EarlyOutstanding,
    }
}

level_enum! {
    YesNo {
        No = "no" => No,
        Yes = "yes" => Yes,
    }
}

level_enum! {
    /// The tracker's own milestone status.
    MilestoneStatus {
        NotStarted = "not_started" => StatusNotStarted,
        InProgress = "in_progress" => StatusInProgress,
        Delayed = "delayed" => StatusDelayed,
        Completed = "completed" => StatusCompleted,
        Withdrawn = "withdrawn" => StatusWithdrawn,
    }
}

impl Completion {
    /// OGP's "high completion": substantial or complete.
    pub fn is_high(self) -> bool {
        matches!(self, Completion::Substantial | Completion::Complete)
    }
}

impl OpenedGovernment {
    /// OGP's "strong results" on the classic scale: major or outstanding.
    pub fn is_strong(self) -> bool {
        matches!(
            self,
            OpenedGovernment::Major | OpenedGovernment::Outstanding
        )
    }
}

impl EarlyResults {
    /// OGP's "strong results" on the refreshed scale: significant or outstanding.
    pub fn is_strong(self) -> bool {
        matches!(self, EarlyResults::Significant | EarlyResults::Outstanding)
    }
}

/// What a commitment achieved by the end of term, on either IRM scale set: "Did it open
/// government?" (classic plans) or "Early results" (refreshed plans). Both top levels are
/// called "outstanding", so each is named with its scale (`opened.outstanding`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ResultLevel {
    Opened(OpenedGovernment),
    Early(EarlyResults),
}

impl ResultLevel {
    pub const ALL: [ResultLevel; 9] = [
        ResultLevel::Opened(OpenedGovernment::Worsened),
        ResultLevel::Opened(OpenedGovernment::DidNotChange),
        ResultLevel::Opened(OpenedGovernment::Marginal),
        ResultLevel::Opened(OpenedGovernment::Major),
        ResultLevel::Opened(OpenedGovernment::Outstanding),
        ResultLevel::Early(EarlyResults::NoNotableResults),
        ResultLevel::Early(EarlyResults::Moderate),
        ResultLevel::Early(EarlyResults::Significant),
        ResultLevel::Early(EarlyResults::Outstanding),
    ];

    /// Its scale set's machine name: `opened` or `early`.
    pub fn scale(self) -> &'static str {
        match self {
            ResultLevel::Opened(_) => "opened",
            ResultLevel::Early(_) => "early",
        }
    }

    /// The scale set's name, as its indicator is called.
    pub fn scale_key(self) -> Key {
        match self {
            ResultLevel::Opened(_) => Key::IndicatorOpenedGovernment,
            ResultLevel::Early(_) => Key::IndicatorEarlyResults,
        }
    }

    /// `scale.level`, as a search's address names it.
    pub fn as_str(self) -> &'static str {
        match self {
            ResultLevel::Opened(OpenedGovernment::Worsened) => "opened.worsened",
            ResultLevel::Opened(OpenedGovernment::DidNotChange) => "opened.did_not_change",
            ResultLevel::Opened(OpenedGovernment::Marginal) => "opened.marginal",
            ResultLevel::Opened(OpenedGovernment::Major) => "opened.major",
            ResultLevel::Opened(OpenedGovernment::Outstanding) => "opened.outstanding",
            ResultLevel::Early(EarlyResults::NoNotableResults) => "early.no_notable_results",
            ResultLevel::Early(EarlyResults::Moderate) => "early.moderate",
            ResultLevel::Early(EarlyResults::Significant) => "early.significant",
            ResultLevel::Early(EarlyResults::Outstanding) => "early.outstanding",
        }
    }

    pub fn from_machine(name: &str) -> Option<ResultLevel> {
        ResultLevel::ALL.into_iter().find(|l| l.as_str() == name)
    }

    /// The level's own name (its scale's is [`ResultLevel::scale_key`]).
    pub fn label_key(self) -> Key {
        match self {
            ResultLevel::Opened(level) => level.label_key(),
            ResultLevel::Early(level) => level.label_key(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ascii_labels_are_normalised_as_any_other_text() {
        // Every string of up to four characters from an alphabet of the cases that matter:
        // each ASCII whitespace character `char::is_whitespace` knows, the rank prefix's
        // parts, both cases, and characters a level never has.
        let alphabet = [
            " ", "_", ".", "\t", "\n", "\u{b}", "\u{c}", "\r", "A", "c", "Z", "1", "-",
        ];
        let mut texts = vec![String::new()];
        let mut of_one_length = vec![String::new()];
        for _ in 0..4 {
            of_one_length = of_one_length
                .iter()
                .flat_map(|t| alphabet.iter().map(move |a| format!("{t}{a}")))
                .collect();
            texts.extend(of_one_length.iter().cloned());
        }
        assert_eq!(
            texts.len(),
            1 + 13 + 13 * 13 + 13 * 13 * 13 + 13 * 13 * 13 * 13
        );
        texts.extend(
            [
                "C. High",
                "c._high",
                " a.  Not  Started ",
                "d. ",
                "Minor_Impact",
                "x.y z",
            ]
            .map(String::from),
        );
        for text in &texts {
            assert_eq!(normalize_label(text), normalize_any_label(text), "{text:?}");
        }
        assert_eq!(
            normalize_label("  C._Substantial__Progress "),
            "substantial progress"
        );
    }

    #[test]
    fn explorer_rank_prefixes_are_ignored() {
        assert_eq!(Specificity::parse_label("c. high"), Some(Specificity::High));
        assert_eq!(
            Completion::parse_label("b. Limited"),
            Some(Completion::Limited)
        );
        assert_eq!(
            Completion::parse_label("d. Complete"),
            Some(Completion::Complete)
        );
        assert_eq!(
            Completion::parse_label("a. Not Started"),
            Some(Completion::NotStarted)
        );
        assert_eq!(
            OpenedGovernment::parse_label("b. None"),
            Some(OpenedGovernment::DidNotChange)
        );
    }

    #[test]
    fn current_layout_labels_parse() {
        assert_eq!(
            PotentialImpact::parse_label("Transformative"),
            Some(PotentialImpact::Transformative)
        );
        assert_eq!(
            OpenedGovernment::parse_label("Did Not Change"),
            Some(OpenedGovernment::DidNotChange)
        );
        assert_eq!(
            EarlyResults::parse_label("No notable results"),
            Some(EarlyResults::NoNotableResults)
        );
        assert_eq!(
            PotentialForResults::parse_label("Modest"),
            Some(PotentialForResults::Modest)
        );
        assert_eq!(
            Verifiability::parse_label("Yes"),
            Some(Verifiability::Verifiable)
        );
    }

    #[test]
    fn free_text_and_stray_values_are_not_levels() {
        assert_eq!(
            OpenedGovernment::parse_label("No early results to report yet"),
            None
        );
        assert_eq!(Verifiability::parse_label("1"), None);
        assert_eq!(Specificity::parse_label(""), None);
        // A commitment's text is no level, however it ends.
        let text = format!("{} high", "The commitment opens budget data. ".repeat(40));
        assert_eq!(Specificity::parse_label(&text), None);
    }

    #[test]
    fn machine_names_read_in_any_case_and_with_spaces() {
        assert_eq!(
            Verifiability::parse_label("NOT verifiable"),
            Some(Verifiability::NotVerifiable)
        );
        assert_eq!(
            Verifiability::parse_label("  not_verifiable "),
            Some(Verifiability::NotVerifiable)
        );
        assert_eq!(MissingCode::parse_label("nd"), Some(MissingCode::NoData));
        assert_eq!(
            Specificity::parse_label("  c.   High  "),
            Some(Specificity::High)
        );
        assert_eq!(Specificity::parse_label("highs"), None);
    }

    #[test]
    fn missing_codes_stay_distinct() {
        assert_eq!(MissingCode::parse_label("ND"), Some(MissingCode::NoData));
        assert_eq!(
            MissingCode::parse_label("NR"),
            Some(MissingCode::NotReviewed)
        );
        assert_eq!(
            MissingCode::parse_label("NA"),
            Some(MissingCode::NotApplicable)
        );
        assert_eq!(
            MissingCode::parse_label("Not Applicable"),
            Some(MissingCode::NotApplicable)
        );
        assert_ne!(MissingCode::NoData, MissingCode::NotApplicable);
    }

    #[test]
    fn levels_are_ordered_lowest_first() {
        assert!(Specificity::None < Specificity::Low && Specificity::Medium < Specificity::High);
        assert!(PotentialImpact::Moderate < PotentialImpact::Transformative);
        assert!(
            Completion::Limited < Completion::Substantial
                && Completion::Substantial < Completion::Complete
        );
        assert!(OpenedGovernment::Worsened < OpenedGovernment::DidNotChange);
        assert!(EarlyResults::Moderate < EarlyResults::Significant);
        assert_eq!(Specificity::ALL.first(), Some(&Specificity::None));
    }

    #[test]
    fn machine_names_round_trip() {
        for level in Completion::ALL {
            assert_eq!(Completion::from_machine(level.as_str()), Some(*level));
            assert_eq!(Completion::parse_label(level.as_str()), Some(*level));
        }
        for status in MilestoneStatus::ALL {
            assert_eq!(
                MilestoneStatus::from_machine(status.as_str()),
                Some(*status)
            );
        }
    }

    #[test]
    fn high_completion_and_strong_results_follow_ogp_groupings() {
        assert!(Completion::Substantial.is_high() && Completion::Complete.is_high());
        assert!(!Completion::Limited.is_high());
        assert!(OpenedGovernment::Major.is_strong() && !OpenedGovernment::Marginal.is_strong());
        assert!(EarlyResults::Significant.is_strong() && !EarlyResults::Moderate.is_strong());
        for level in ResultLevel::ALL {
            assert_eq!(ResultLevel::from_machine(level.as_str()), Some(level));
            assert!(level.as_str().starts_with(level.scale()));
        }
        assert_eq!(ResultLevel::from_machine("outstanding"), None);
    }
}
