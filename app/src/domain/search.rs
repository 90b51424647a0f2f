//! Search: the words of a text as both databases index them, what a person asked for (the
//! words and one value per facet, all of it in the address so that it can be shared), and
//! the matched words marked in what a result shows.
//!
//! Text is folded here, in Rust, before either database sees it: lower case, compatibility
//! forms and accents dropped (`educación` is `educacion`), Arabic diacritics and the
//! kashida dropped and the letter forms people type interchangeably made one. SQLite's
//! FTS5 and PostgreSQL's full-text search then index the same words, so both answer the
//! same, and the marks a result shows agree with what matched.

use super::{Completion, MemberKind, MilestoneStatus, OgpValue, Region, ResultLevel};
use crate::i18n::Key;
use serde::{Deserialize, Serialize};
use unicode_normalization::UnicodeNormalization;

/// The most words a search reads; the rest are ignored.
pub const MOST_TERMS: usize = 8;
/// The longest search text read, in characters.
pub const LONGEST_QUERY: usize = 200;
/// The last word of a search, when at least this long, also finds the words it starts
/// (`transpar` finds `transparency`), as people type; the other words find only
/// themselves (as prefixes, short words such as `the` would find almost everything).
pub const PREFIX_FROM: usize = 3;
/// Results per page.
pub const PAGE_SIZE: usize = 20;
/// The last page a search shows: results past it are found by narrowing.
pub const LAST_PAGE: usize = 500;
/// The most values a facet lists (members, policy areas and cycles have many); the chosen
/// one is always listed.
pub const MOST_VALUES: usize = 12;

/// Whether `c` is a mark that belongs to the letter before it (accents once decomposed,
/// Arabic vowel signs) or the Arabic kashida, which only stretches a word.
fn is_mark(c: char) -> bool {
    matches!(c,
        '\u{0300}'..='\u{036F}'
        | '\u{0483}'..='\u{0489}'
        | '\u{0591}'..='\u{05C7}'
        | '\u{0610}'..='\u{061A}'
        | '\u{0640}'
        | '\u{064B}'..='\u{065F}'
        | '\u{0670}'
        | '\u{06D6}'..='\u{06ED}'
        | '\u{1AB0}'..='\u{1AFF}'
        | '\u{1DC0}'..='\u{1DFF}'
        | '\u{200C}'..='\u{200D}'
        | '\u{20D0}'..='\u{20FF}'
        | '\u{FE20}'..='\u{FE2F}')
}

/// Folds one character into `out`: lower case, decomposed with compatibility forms
/// replaced, marks dropped, Arabic letters people type interchangeably made one.
fn fold_into(c: char, out: &mut String) {
    for lower in c.to_lowercase() {
        for d in std::iter::once(lower).nfkd() {
            if is_mark(d) {
                continue;
            }
            out.push(match d {
                // Alef wasla, alef maksura, teh marbuta (the hamza forms decompose to the
                // bare letters above).
                'ٱ' => 'ا',
                'ى' => 'ي',
                'ة' => 'ه',
                other => other,
            });
        }
    }
}

/// A word of a text: where it is (byte offsets) and its folded form.
#[derive(Clone, Debug, PartialEq)]
pub struct Word {
    pub start: usize,
    pub end: usize,
    pub folded: String,
}

/// The words of `text`: runs of letters and digits once folded. A mark inside a word stays
/// part of it.
pub fn words(text: &str) -> Vec<Word> {
    let mut found = Vec::new();
    each_word(text, |start, end, folded| {
        found.push(Word {
            start,
            end,
            folded: folded.to_string(),
        });
        true
    });
    found
}

/// Calls `seen` with each word of `text` as [`words`] finds them (where it starts and ends,
/// folded) until it answers false, with one buffer for them all: looking for a search's
/// words in every text of a page of results, a string per word was a tenth of a search.
fn each_word(text: &str, mut seen: impl FnMut(usize, usize, &str) -> bool) {
    let mut word = String::new();
    let mut start = None;
    let mut end = 0;
    let mut folded = String::new();
    for (at, c) in text.char_indices() {
        if is_mark(c) {
            if start.is_some() {
                end = at + c.len_utf8();
            }
            continue;
        }
        folded.clear();
        fold_into(c, &mut folded);
        if !folded.is_empty() && folded.chars().all(char::is_alphanumeric) {
            start.get_or_insert(at);
            end = at + c.len_utf8();
            word.push_str(&folded);
        } else if let Some(began) = start.take() {
            if !seen(began, end, &word) {
                return;
            }
            word.clear();
        }
    }
    if let Some(began) = start {
        seen(began, end, &word);
    }
}

/// What the databases index for `text`: its folded words, one space between each.
pub fn index_text(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for word in words(text) {
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(&word.folded);
    }
    out
}

/// One word searched for, folded.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Term {
    pub text: String,
    /// Also finds the words it starts.
    pub prefix: bool,
}

impl Term {
    pub fn matches(&self, folded_word: &str) -> bool {
        if self.prefix {
            folded_word.starts_with(&self.text)
        } else {
            folded_word == self.text
        }
    }
}

/// The words of a search, folded, each once, at most [`MOST_TERMS`]. Every one must be
/// found (in any field of a commitment, its milestones or its updates); the last one may
/// be the start of a word (see [`PREFIX_FROM`]).
pub fn terms(query: &str) -> Vec<Term> {
    let mut found: Vec<Term> = Vec::new();
    for word in words(query) {
        if found.len() == MOST_TERMS {
            break;
        }
        if let Some(known) = found.iter_mut().find(|t| t.text == word.folded) {
            // Said again last: as the last word.
            let again = known.clone();
            found.retain(|t| *t != again);
        }
        found.push(Term {
            text: word.folded,
            prefix: false,
        });
    }
    if let Some(last) = found.last_mut() {
        last.prefix = last.text.chars().count() >= PREFIX_FROM;
    }
    found
}

/// A piece of a shown text, marked when it is a word the search matched.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Piece {
    pub text: String,
    pub matched: bool,
}

/// The words of `text` that match one of `terms`, by their places.
fn matched_words(text: &str, terms: &[Term]) -> Vec<Word> {
    words(text)
        .into_iter()
        .filter(|w| terms.iter().any(|t| t.matches(&w.folded)))
        .collect()
}

/// How many of `terms` `text` holds.
pub fn terms_found(text: &str, terms: &[Term]) -> usize {
    let mut found = vec![false; terms.len()];
    let mut count = 0;
    each_word(text, |_, _, word| {
        for (term, found) in terms.iter().zip(found.iter_mut()) {
            if !*found && term.matches(word) {
                *found = true;
                count += 1;
            }
        }
        count < terms.len()
    });
    count
}

/// `text` whole, in pieces, its matched words marked.
pub fn marked(text: &str, terms: &[Term]) -> Vec<Piece> {
    marked_between(text, 0, text.len(), terms)
}

fn marked_between(text: &str, start: usize, end: usize, terms: &[Term]) -> Vec<Piece> {
    let mut pieces = Vec::new();
    let mut at = start;
    for word in matched_words(&text[start..end], terms) {
        let (word_start, word_end) = (start + word.start, start + word.end);
        if word_start > at {
            pieces.push(Piece {
                text: text[at..word_start].to_string(),
                matched: false,
            });
        }
        pieces.push(Piece {
            text: text[word_start..word_end].to_string(),
            matched: true,
        });
        at = word_end;
    }
    if at < end {
        pieces.push(Piece {
            text: text[at..end].to_string(),
            matched: false,
        });
    }
    pieces
}

/// The words of a title that say what it is about: those of four letters or more (fewer are
/// mostly articles and prepositions, in the languages OGP works in), each once, whole.
pub fn title_terms(title: &str) -> Vec<Term> {
    let mut found: Vec<Term> = Vec::new();
    for word in words(title) {
        if word.folded.chars().count() >= 4 && !found.iter().any(|t| t.text == word.folded) {
            found.push(Term {
                text: word.folded,
                prefix: false,
            });
        }
    }
    found.truncate(MOST_TERMS);
    found
}

/// Where the `n`th character before byte `at` of `text` starts (or the start).
fn chars_before(text: &str, at: usize, n: usize) -> usize {
    text[..at]
        .char_indices()
        .rev()
        .nth(n.saturating_sub(1))
        .map_or(0, |(i, _)| i)
}

/// Where `n` characters after byte `at` of `text` end (or the end).
fn chars_after(text: &str, at: usize, n: usize) -> usize {
    text[at..]
        .char_indices()
        .nth(n)
        .map_or(text.len(), |(i, _)| at + i)
}

/// About `width` characters of `text` around its first matched word, cut between words,
/// with "…" where it was cut; `None` when no word matches.
pub fn excerpt(text: &str, terms: &[Term], width: usize) -> Option<Vec<Piece>> {
    let first = matched_words(text, terms).into_iter().next()?;
    let all = words(text);
    // Start a few words before the match, end once the width is reached.
    let before = all
        .iter()
        .rposition(|w| {
            w.start < first.start && text[w.start..first.start].chars().count() > width / 3
        })
        .map_or(0, |i| all[i + 1].start);
    let mut end = text.len();
    for w in &all {
        if w.start > first.end && text[before..w.end].chars().count() > width {
            end = w.start;
            break;
        }
    }
    let end = text[..end].trim_end().len();
    // A run of text without spaces between its words (Chinese, Japanese) is one word here:
    // cut it between characters instead.
    let (before, end) = if text[before..end].chars().count() > 2 * width {
        let start = chars_before(text, first.start, width / 3);
        let stop = chars_after(text, start, width);
        (start, stop)
    } else {
        (before, end)
    };
    let mut pieces = marked_between(text, before, end, terms);
    if before > 0 {
        pieces.insert(
            0,
            Piece {
                text: "…".into(),
                matched: false,
            },
        );
    }
    if end < text.len() {
        pieces.push(Piece {
            text: "…".into(),
            matched: false,
        });
    }
    Some(pieces)
}

/// The things a search can be narrowed by, one value each.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Facet {
    Member,
    Region,
    Kind,
    Cycle,
    Value,
    PolicyArea,
    Status,
    Completion,
    Starred,
    Overdue,
    Promising,
    Results,
    /// The IRM's early results at the end of term, on either scale set.
    Early,
    /// The IRM's completion level at the end of term (the latest is [`Facet::Completion`]):
    /// what the end-of-term completion chart's bars list.
    EndOfTerm,
    /// Where its milestones stand: a commitment has each state one of its milestones is in
    /// ([`MILESTONE_STATES`]), so the milestones chart's bars list the commitments behind them.
    Milestones,
    /// How its government's own completion level compares with an independent source's at
    /// one stage ([`super::Gap`]): what the gap chart's bars list.
    Gap,
    /// A month it had progress updates in (`2026-07`): what the updates chart's bars list.
    Updated,
    /// Listed only once chosen (there are too many): the lists behind a plan's and an
    /// institution's dashboards.
    Plan,
    Institution,
}

impl Facet {
    pub const ALL: [Facet; 19] = [
        Facet::Member,
        Facet::Region,
        Facet::Kind,
        Facet::Cycle,
        Facet::Value,
        Facet::PolicyArea,
        Facet::Status,
        Facet::Completion,
        Facet::Starred,
        Facet::Overdue,
        Facet::Promising,
        Facet::Results,
        Facet::Early,
        Facet::EndOfTerm,
        Facet::Milestones,
        Facet::Gap,
        Facet::Updated,
        Facet::Plan,
        Facet::Institution,
    ];

    /// Whether the search page lists its values (the others show only once chosen).
    pub fn is_listed(self) -> bool {
        !matches!(
            self,
            Facet::Plan
                | Facet::Institution
                | Facet::Milestones
                | Facet::EndOfTerm
                | Facet::Gap
                | Facet::Updated
        )
    }

    /// Its name in a search's address.
    pub fn param(self) -> &'static str {
        match self {
            Facet::Member => "member",
            Facet::Region => "region",
            Facet::Kind => "kind",
            Facet::Cycle => "cycle",
            Facet::Value => "value",
            Facet::PolicyArea => "area",
            Facet::Status => "status",
            Facet::Completion => "completion",
            Facet::Starred => "starred",
            Facet::Overdue => "overdue",
            Facet::Promising => "promising",
            Facet::Results => "results",
            Facet::Early => "early",
            Facet::EndOfTerm => "end_of_term",
            Facet::Milestones => "milestones",
            Facet::Gap => "gap",
            Facet::Updated => "updated",
            Facet::Plan => "plan",
            Facet::Institution => "institution",
        }
    }

    pub fn label_key(self) -> Key {
        match self {
            Facet::Member => Key::FacetMember,
            Facet::Region => Key::FacetRegion,
            Facet::Kind => Key::FacetKind,
            Facet::Cycle => Key::FacetCycle,
            Facet::Value => Key::FacetValue,
            Facet::PolicyArea => Key::FacetPolicyArea,
            Facet::Status => Key::FacetStatus,
            Facet::Completion => Key::FacetCompletion,
            Facet::Starred => Key::FacetStarred,
            Facet::Overdue => Key::FacetOverdue,
            Facet::Promising => Key::FacetPromising,
            Facet::Results => Key::FacetResults,
            Facet::Early => Key::FacetEarly,
            Facet::EndOfTerm => Key::FacetEndOfTerm,
            Facet::Milestones => Key::FacetMilestones,
            Facet::Gap => Key::FacetGap,
            Facet::Updated => Key::FacetUpdated,
            Facet::Plan => Key::FacetPlan,
            Facet::Institution => Key::FacetInstitution,
        }
    }

    /// Whether `value` could be one of this facet's values (a member's or a policy area's
    /// slug, a level's machine name, a cycle's years), so that a made-up address is
    /// refused rather than searched.
    pub fn accepts(self, value: &str) -> bool {
        let slug = |v: &str| {
            !v.is_empty()
                && v.len() <= 120
                && v.bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
        };
        match self {
            Facet::Member | Facet::PolicyArea => slug(value),
            Facet::Region => Region::from_machine(value).is_some(),
            Facet::Kind => MemberKind::from_machine(value).is_some(),
            Facet::Cycle => cycle_years(value).is_some(),
            Facet::Value => OgpValue::from_machine(value).is_some(),
            Facet::Status => CommitmentStatus::from_machine(value)
                .is_some_and(|s| COMMITMENT_STATUSES.contains(&s)),
            Facet::Completion | Facet::EndOfTerm => Completion::from_machine(value).is_some(),
            Facet::Early => ResultLevel::from_machine(value).is_some(),
            Facet::Milestones => MILESTONE_STATES.iter().any(|(key, _)| *key == value),
            Facet::Gap => super::Gap::from_machine(value).is_some(),
            Facet::Updated => month_of(value).is_some(),
            Facet::Starred => matches!(value, "yes" | "no"),
            Facet::Overdue | Facet::Promising | Facet::Results => value == "yes",
            // Plan keys and institutions are as the data has them.
            Facet::Plan | Facet::Institution => {
                !value.is_empty()
                    && value.chars().count() <= 1000
                    && !value.chars().any(char::is_control)
            }
        }
    }
}

/// The year and month (from 1) a month's key names (`2026-07`, as the updates chart's bars
/// and the `updated` facet write it).
pub fn month_of(key: &str) -> Option<(i32, u32)> {
    let (year, month) = key.split_once('-')?;
    let digits = |part: &str| part.bytes().all(|b| b.is_ascii_digit());
    if year.len() != 4 || month.len() != 2 || !digits(year) || !digits(month) {
        return None;
    }
    let year: i32 = year.parse().ok()?;
    let month: u32 = month.parse().ok()?;
    (year >= 1000 && (1..=12).contains(&month)).then_some((year, month))
}

/// The filter that narrows a search to `scope` (`None` for the whole installation, and for
/// a commitment, which is no list).
pub fn scope_filter(scope: &super::Scope) -> Option<(Facet, String)> {
    use super::Scope;
    match scope {
        Scope::All | Scope::Commitment(_) => None,
        Scope::Member(slug) => Some((Facet::Member, slug.clone())),
        Scope::Plan(key) => Some((Facet::Plan, key.clone())),
        Scope::Region(region) => Some((Facet::Region, region.as_str().to_string())),
        Scope::Value(value) => Some((Facet::Value, value.as_str().to_string())),
        Scope::PolicyArea(slug) => Some((Facet::PolicyArea, slug.clone())),
        Scope::Institution(name) => Some((Facet::Institution, name.clone())),
    }
}

/// The address of the search listing the commitments of `scope` with the values `chosen`:
/// where a dashboard's figure leads.
pub fn list_address(scope: &super::Scope, chosen: &[(Facet, &str)]) -> String {
    let base = SearchRequest {
        filters: scope_filter(scope).into_iter().collect(),
        page: 1,
        ..Default::default()
    };
    chosen
        .iter()
        .fold(base, |request, (facet, value)| {
            request.with(*facet, Some(value))
        })
        .address()
}

/// A cycle's key: the plan's first and last years, as `2016-2018`.
pub fn cycle_key(start: Option<i64>, end: Option<i64>) -> Option<String> {
    match (start, end) {
        (Some(start), Some(end)) => Some(format!("{start}-{end}")),
        (Some(start), None) => Some(start.to_string()),
        _ => None,
    }
}

/// The years a cycle's key names.
pub fn cycle_years(key: &str) -> Option<(i64, Option<i64>)> {
    let year = |y: &str| (y.len() == 4).then(|| y.parse::<i64>().ok()).flatten();
    match key.split_once('-') {
        Some((start, end)) => Some((year(start)?, Some(year(end)?))),
        None => Some((year(key)?, None)),
    }
}

/// Where a commitment stands, from its milestones: withdrawn (the commitment itself),
/// completed (every milestone not withdrawn is), not started (none has progress), or in
/// progress. The milestone statuses' own labels name them.
pub type CommitmentStatus = MilestoneStatus;

/// Where a milestone stands on a day, as the milestones chart counts them: its key and name.
pub const MILESTONE_STATES: [(&str, Key); 4] = [
    ("completed", Key::StatusCompleted),
    ("on_time", Key::MilestonesOnTime),
    ("overdue", Key::Overdue),
    ("withdrawn", Key::StatusWithdrawn),
];

/// The statuses a commitment can have (a milestone's "delayed" is not one: overdue is a
/// facet of its own).
pub const COMMITMENT_STATUSES: [CommitmentStatus; 4] = [
    MilestoneStatus::NotStarted,
    MilestoneStatus::InProgress,
    MilestoneStatus::Completed,
    MilestoneStatus::Withdrawn,
];

/// A commitment's status from its withdrawal and its milestones (those not withdrawn):
/// how many there are, how many are completed, and how many are started (completed, in
/// progress or delayed, or with some progress).
pub fn commitment_status(
    withdrawn: bool,
    milestones: i64,
    completed: i64,
    started: i64,
) -> CommitmentStatus {
    if withdrawn {
        MilestoneStatus::Withdrawn
    } else if milestones > 0 && completed == milestones {
        MilestoneStatus::Completed
    } else if started == 0 {
        MilestoneStatus::NotStarted
    } else {
        MilestoneStatus::InProgress
    }
}

/// What a person searched for: words, and at most one value per facet. It is the search
/// page's address, so every state can be shared.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct SearchRequest {
    #[serde(default)]
    pub q: String,
    /// By facet, in [`Facet::ALL`]'s order.
    #[serde(default)]
    pub filters: Vec<(Facet, String)>,
    /// From 1.
    pub page: usize,
}

impl Default for SearchRequest {
    fn default() -> SearchRequest {
        SearchRequest {
            q: String::new(),
            filters: Vec::new(),
            page: 1,
        }
    }
}

/// Why a search's address was refused: the parameter and its value.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BadFilter {
    pub param: String,
}

impl SearchRequest {
    /// Reads a search's address (its query's pairs, decoded). An unknown facet value is
    /// refused; `lang` and empty values are passed over, so a form sent with every choice
    /// left at "any" reads as no filter.
    pub fn from_pairs<'a>(
        pairs: impl IntoIterator<Item = (&'a str, &'a str)>,
    ) -> Result<SearchRequest, BadFilter> {
        let mut request = SearchRequest::default();
        for (name, value) in pairs {
            let value = value.trim();
            if name == "q" {
                request.q = value.chars().take(LONGEST_QUERY).collect();
                continue;
            }
            if name == "page" {
                request.page = value.parse::<usize>().map_or(1, |p| p.clamp(1, LAST_PAGE));
                continue;
            }
            let Some(facet) = Facet::ALL.into_iter().find(|f| f.param() == name) else {
                continue;
            };
            if value.is_empty() {
                continue;
            }
            if !facet.accepts(value) {
                return Err(BadFilter {
                    param: name.to_string(),
                });
            }
            request.filters.retain(|(f, _)| *f != facet);
            request.filters.push((facet, value.to_string()));
        }
        request
            .filters
            .sort_by_key(|(f, _)| Facet::ALL.iter().position(|a| a == f));
        Ok(request)
    }

    /// The same request as [`SearchRequest::from_pairs`] would read it from its address:
    /// what a request that did not come by an address (a server function's arguments)
    /// goes through before it is searched.
    pub fn checked(&self) -> Result<SearchRequest, BadFilter> {
        let page = self.page.to_string();
        let pairs = std::iter::once(("q", self.q.as_str()))
            .chain(self.filters.iter().map(|(f, v)| (f.param(), v.as_str())))
            .chain(std::iter::once(("page", page.as_str())));
        SearchRequest::from_pairs(pairs)
    }

    pub fn filter(&self, facet: Facet) -> Option<&str> {
        self.filters
            .iter()
            .find(|(f, _)| *f == facet)
            .map(|(_, v)| v.as_str())
    }

    /// The same search narrowed by `facet` = `value` (or widened, with `None`), from its
    /// first page.
    pub fn with(&self, facet: Facet, value: Option<&str>) -> SearchRequest {
        let mut next = self.clone();
        next.page = 1;
        next.filters.retain(|(f, _)| *f != facet);
        if let Some(value) = value {
            next.filters.push((facet, value.to_string()));
            next.filters
                .sort_by_key(|(f, _)| Facet::ALL.iter().position(|a| *a == *f));
        }
        next
    }

    pub fn at_page(&self, page: usize) -> SearchRequest {
        SearchRequest {
            page,
            ..self.clone()
        }
    }

    /// Whether it asks for anything: words or a filter.
    pub fn is_empty(&self) -> bool {
        terms(&self.q).is_empty() && self.filters.is_empty()
    }

    /// Its address: `/search?q=...&region=...`, parameters in one order, so that one
    /// search has one address.
    pub fn address(&self) -> String {
        let mut pairs: Vec<(&str, &str)> = Vec::new();
        if !self.q.is_empty() {
            pairs.push(("q", &self.q));
        }
        for (facet, value) in &self.filters {
            pairs.push((facet.param(), value));
        }
        let page = self.page.to_string();
        if self.page > 1 {
            pairs.push(("page", &page));
        }
        let query: Vec<String> = pairs
            .iter()
            .map(|(name, value)| format!("{name}={}", super::percent_encoded(value, &[])))
            .collect();
        if query.is_empty() {
            "/search".to_string()
        } else {
            format!("/search?{}", query.join("&"))
        }
    }
}

/// One value of a facet with how many results it would leave.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct FacetValue {
    /// As in the address.
    pub key: String,
    /// A name that is data (a member's, a policy area's, a cycle's years); levels are
    /// named by their own label in the reader's language instead.
    pub name: Option<String>,
    pub count: usize,
}

/// A facet's values with their counts: how many results each would leave, the other
/// facets' choices kept (so a chosen value's neighbours stay in view).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct FacetCounts {
    pub facet: Facet,
    pub values: Vec<FacetValue>,
}

/// Where in a commitment a result's words were found, besides its title.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum FoundIn {
    Commitment,
    Milestone,
    Update,
}

impl FoundIn {
    pub fn label_key(self) -> Key {
        match self {
            FoundIn::Commitment => Key::FoundInCommitment,
            FoundIn::Milestone => Key::FoundInMilestone,
            FoundIn::Update => Key::FoundInUpdate,
        }
    }
}

/// One commitment found.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SearchHit {
    pub code: String,
    pub title: Vec<Piece>,
    pub member_name: String,
    pub member_slug: String,
    pub plan_key: String,
    pub period: String,
    pub status: CommitmentStatus,
    pub completion: Option<Completion>,
    pub starred: Option<bool>,
    /// A few words around the first match outside the title, and where.
    pub excerpt: Option<(FoundIn, Vec<Piece>)>,
}

/// A page of results, the facets' counts and how many in all.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SearchResults {
    pub total: usize,
    /// The page shown: the one asked for, or the last when it was past it.
    pub page: usize,
    pub hits: Vec<SearchHit>,
    pub facets: Vec<FacetCounts>,
}

impl SearchResults {
    pub fn pages(&self) -> usize {
        self.total.div_ceil(PAGE_SIZE).max(1)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_month_is_four_digits_a_dash_and_two() {
        assert_eq!(month_of("2026-07"), Some((2026, 7)));
        assert_eq!(month_of("1999-12"), Some((1999, 12)));
        for bad in [
            "2026-7", "2026-13", "2026-00", "2026-+7", "+026-07", "26-07", "2026_07", "",
        ] {
            assert_eq!(month_of(bad), None, "{bad}");
            assert!(!Facet::Updated.accepts(bad), "{bad}");
        }
        assert!(Facet::Gap.accepts("government_lower") && !Facet::Gap.accepts("lower"));
    }

    fn texts(pieces: &[Piece]) -> Vec<(&str, bool)> {
        pieces
            .iter()
            .map(|p| (p.text.as_str(), p.matched))
            .collect()
    }

    #[test]
    fn accents_case_and_compatibility_forms_fold() {
        assert_eq!(
            index_text("Educación PÚBLICA, œuvre"),
            "educacion publica œuvre"
        );
        assert_eq!(index_text("ﬁscal Transparência"), "fiscal transparencia");
        assert_eq!(index_text("l'Éducation — 2024"), "l education 2024");
    }

    #[test]
    fn arabic_diacritics_kashida_and_letter_forms_fold() {
        // "al-shafafiyya" with vowel signs and a kashida, and "transparency" written plain.
        assert_eq!(index_text("الشَّفَافِيَّة"), index_text("الشفافيه"));
        assert_eq!(index_text("الشفـــافية"), "الشفافيه");
        // Hamza forms of alef, alef maksura.
        assert_eq!(index_text("أحمد إصلاح آمن"), "احمد اصلاح امن");
        assert_eq!(index_text("على"), "علي");
        // A word with marks is one word, its marks in its place.
        let found = words("قانونُ الحقِّ");
        assert_eq!(found.len(), 2);
        assert_eq!(&"قانونُ الحقِّ"[found[1].start..found[1].end], "الحقِّ");
    }

    #[test]
    fn terms_are_folded_unique_and_capped() {
        let found = terms("Transparência  transparencia of a b c d e f g h");
        assert_eq!(found[0].text, "transparencia");
        assert_eq!(found[1].text, "of");
        assert_eq!(found.len(), MOST_TERMS);
        assert!(found.iter().all(|t| !t.prefix), "{found:?}");
        // Only the last word, as people type it, finds the words it starts.
        let found = terms("open contr");
        assert_eq!(
            found.iter().map(|t| t.prefix).collect::<Vec<_>>(),
            [false, true]
        );
        assert!(!terms("open of").last().unwrap().prefix);
        assert!(terms("  ,;  ").is_empty());
    }

    #[test]
    fn matched_words_are_marked_in_the_original_text() {
        let terms = terms("educacion");
        assert_eq!(
            texts(&marked("Reforma de la Educación pública", &terms)),
            vec![
                ("Reforma de la ", false),
                ("Educación", true),
                (" pública", false)
            ]
        );
        let arabic = super::terms("الشفافية");
        assert_eq!(
            texts(&marked("تعزيز الشَّفَافِيَّة المالية", &arabic)),
            vec![("تعزيز ", false), ("الشَّفَافِيَّة", true), (" المالية", false)]
        );
        // A prefix term marks the whole word it starts.
        assert_eq!(
            texts(&marked("Transparency portal", &super::terms("transp"))),
            vec![("Transparency", true), (" portal", false)]
        );
        // A short term marks only itself.
        assert_eq!(
            texts(&marked("of often", &super::terms("of"))),
            vec![("of", true), (" often", false)]
        );
    }

    #[test]
    fn an_excerpt_is_cut_between_words_around_the_first_match() {
        let text = "one two three four five six seven eight nine ten eleven twelve budget \
                    thirteen fourteen fifteen sixteen seventeen eighteen nineteen twenty";
        let pieces = excerpt(text, &terms("budget"), 40).unwrap();
        let shown: String = pieces.iter().map(|p| p.text.as_str()).collect();
        assert!(shown.starts_with('…'), "{shown}");
        assert!(shown.ends_with('…'), "{shown}");
        assert!(shown.contains("twelve budget thirteen"), "{shown}");
        assert_eq!(pieces.iter().filter(|p| p.matched).count(), 1);
        assert!(shown.chars().count() < 60, "{shown}");
        assert!(excerpt(text, &terms("absent"), 40).is_none());
        // A short text is shown whole.
        let whole = excerpt("A budget law", &terms("budget"), 40).unwrap();
        assert_eq!(
            texts(&whole),
            vec![("A ", false), ("budget", true), (" law", false)]
        );

        // Text without spaces between its words is cut between characters.
        let long = format!("{} 预算{}", "政府".repeat(200), "公开".repeat(300));
        let pieces = excerpt(&long, &terms("预算公"), 40).unwrap();
        let shown: String = pieces.iter().map(|p| p.text.as_str()).collect();
        assert!(shown.chars().count() <= 45, "{shown}");
        assert!(shown.starts_with('…') && shown.ends_with('…'), "{shown}");
        let matched: Vec<&str> = pieces
            .iter()
            .filter(|p| p.matched)
            .map(|p| p.text.as_str())
            .collect();
        assert_eq!(matched.len(), 1, "{pieces:?}");
        assert!(matched[0].starts_with("预算"), "{matched:?}");
    }

    #[test]
    fn a_request_reads_its_address_and_gives_it_back() {
        let request = SearchRequest::from_pairs([
            ("value", "civic_participation"),
            ("q", "open data"),
            ("region", "europe"),
            ("kind", ""),
            ("lang", "fr"),
            ("page", "2"),
        ])
        .unwrap();
        assert_eq!(request.filter(Facet::Region), Some("europe"));
        assert_eq!(request.filter(Facet::Kind), None);
        assert_eq!(
            request.address(),
            "/search?q=open%20data&region=europe&value=civic_participation&page=2"
        );
        let narrowed = request.with(Facet::Starred, Some("yes"));
        assert_eq!(narrowed.page, 1);
        assert_eq!(
            narrowed.with(Facet::Region, None).address(),
            "/search?q=open%20data&value=civic_participation&starred=yes"
        );
        assert_eq!(
            SearchRequest::from_pairs([("region", "atlantis")]),
            Err(BadFilter {
                param: "region".into()
            })
        );
        assert!(SearchRequest::from_pairs([("member", "Not A Slug")]).is_err());
        assert!(SearchRequest::from_pairs([("cycle", "2016-2018")]).is_ok());
        assert!(SearchRequest::from_pairs([("cycle", "16-18")]).is_err());
        // A page past the last one shown is the last; one not a number, the first.
        let far = SearchRequest::from_pairs([("page", "18446744073709551615")]).unwrap();
        assert_eq!(far.page, LAST_PAGE);
        assert_eq!(SearchRequest::from_pairs([("page", "x")]).unwrap().page, 1);
        // What did not come by an address is read as if it had.
        let unchecked = SearchRequest {
            q: "é".repeat(LONGEST_QUERY + 10),
            filters: vec![
                (Facet::Region, "europe".into()),
                (Facet::Region, "americas".into()),
            ],
            page: usize::MAX,
        };
        let checked = unchecked.checked().unwrap();
        assert_eq!(checked.q.chars().count(), LONGEST_QUERY);
        assert_eq!(checked.filters, [(Facet::Region, "americas".to_string())]);
        assert_eq!(checked.page, LAST_PAGE);
        let bad = SearchRequest {
            filters: vec![(Facet::Region, "atlantis".into())],
            ..Default::default()
        };
        assert!(bad.checked().is_err());
        assert_eq!(
            SearchRequest::from_pairs([("q", "a&b=c é")])
                .unwrap()
                .address(),
            "/search?q=a%26b%3Dc%20%C3%A9"
        );
    }

    #[test]
    fn statuses_come_from_the_milestones() {
        use MilestoneStatus::*;
        assert_eq!(commitment_status(true, 3, 3, 3), Withdrawn);
        assert_eq!(commitment_status(false, 3, 3, 3), Completed);
        assert_eq!(commitment_status(false, 3, 0, 0), NotStarted);
        assert_eq!(commitment_status(false, 0, 0, 0), NotStarted);
        assert_eq!(commitment_status(false, 3, 1, 1), InProgress);
        assert_eq!(commitment_status(false, 3, 0, 1), InProgress);
        assert!(!Facet::Status.accepts("delayed"));
        assert!(Facet::Status.accepts("in_progress"));
    }
}
