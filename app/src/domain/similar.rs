//! Peer learning: for a commitment, the commitments of other members that are like it
//! (they share a policy area, or the words of its title), those with the strongest results
//! first, so that a reformer finds what worked elsewhere.

use super::Completion;
use serde::{Deserialize, Serialize};

/// A commitment of another member like the one shown, with its results.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SimilarCommitment {
    pub code: String,
    pub title: String,
    pub member_name: String,
    pub member_slug: String,
    /// The policy areas it shares with the commitment shown, by name.
    pub shared_areas: Vec<String>,
    pub starred: bool,
    /// The IRM's latest completion level.
    pub completion: Option<Completion>,
    /// Strong results at the end of term: opened government majorly or outstandingly, or
    /// significant or outstanding early results.
    pub strong_results: bool,
}

impl SimilarCommitment {
    /// How many a commitment's page shows.
    pub const SHOWN: usize = 5;
    /// How many of the most alike are ranked by their results: more would let a starred
    /// commitment that shares one common word come before one on the same subject.
    pub const CONSIDERED: usize = 20;

    /// Its results, one point each: starred, high completion, strong results.
    pub fn results(&self) -> u8 {
        u8::from(self.starred)
            + u8::from(self.completion.is_some_and(Completion::is_high))
            + u8::from(self.strong_results)
    }
}

/// How alike a candidate is: the policy areas it shares, and how many of the words of the
/// commitment's title its own title holds (a half when only its other text holds them).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Likeness {
    pub shared_areas: usize,
    pub text: f64,
}

impl Likeness {
    /// One number: each shared area counts one, the text's match up to one (as a share of
    /// the best match among the candidates, `best_text`).
    pub fn score(self, best_text: f64) -> f64 {
        let text = if best_text > 0.0 {
            (self.text / best_text).clamp(0.0, 1.0)
        } else {
            0.0
        };
        self.shared_areas as f64 + text
    }
}

/// The [`SimilarCommitment::CONSIDERED`] most alike of `candidates`, each with its score
/// (the text's match as a share of the best among all of them), ties in `by_code` order:
/// only these need to be read in full.
pub fn most_alike<T>(
    candidates: Vec<(Likeness, T)>,
    by_code: impl Fn(&T, &T) -> std::cmp::Ordering,
) -> Vec<(f64, T)> {
    let best_text = candidates
        .iter()
        .map(|(l, _)| l.text)
        .fold(0.0_f64, f64::max);
    let mut scored: Vec<(f64, T)> = candidates
        .into_iter()
        .map(|(likeness, candidate)| (likeness.score(best_text), candidate))
        .collect();
    scored.sort_by(|(a, x), (b, y)| b.total_cmp(a).then_with(|| by_code(x, y)));
    scored.truncate(SimilarCommitment::CONSIDERED);
    scored
}

/// The most alike (from [`most_alike`], with their scores) ranked by their results, then by
/// likeness: the first [`SimilarCommitment::SHOWN`].
pub fn rank_similar(mut scored: Vec<(f64, SimilarCommitment)>) -> Vec<SimilarCommitment> {
    scored.sort_by(|(a, x), (b, y)| {
        y.results()
            .cmp(&x.results())
            .then_with(|| b.total_cmp(a))
            .then_with(|| x.code.cmp(&y.code))
    });
    scored
        .into_iter()
        .take(SimilarCommitment::SHOWN)
        .map(|(_, similar)| similar)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn similar(code: &str, starred: bool, completion: Option<Completion>) -> SimilarCommitment {
        SimilarCommitment {
            code: code.into(),
            title: code.into(),
            member_name: String::new(),
            member_slug: String::new(),
            shared_areas: Vec::new(),
            starred,
            completion,
            strong_results: false,
        }
    }

    fn ranking(candidates: Vec<(Likeness, SimilarCommitment)>) -> Vec<SimilarCommitment> {
        rank_similar(most_alike(candidates, |x, y| x.code.cmp(&y.code)))
    }

    fn like(shared_areas: usize, text: f64) -> Likeness {
        Likeness { shared_areas, text }
    }

    #[test]
    fn the_most_alike_are_ranked_by_their_results() {
        let ranked = ranking(vec![
            (like(1, 0.0), similar("A", false, None)),
            (like(0, 4.0), similar("B", true, Some(Completion::Complete))),
            (
                like(2, 2.0),
                similar("C", false, Some(Completion::Substantial)),
            ),
            (like(1, 2.0), similar("D", false, Some(Completion::Limited))),
        ]);
        let codes: Vec<&str> = ranked.iter().map(|s| s.code.as_str()).collect();
        // B: two results; C: one; then by likeness D (1.5), A (1.0) and both without.
        assert_eq!(codes, ["B", "C", "D", "A"]);
    }

    #[test]
    fn only_the_most_alike_are_considered_and_a_few_shown() {
        // Thirty alike by text alone, the least alike starred: it is not considered.
        let mut candidates: Vec<(Likeness, SimilarCommitment)> = (0..30)
            .map(|i| {
                (
                    like(0, 30.0 - i as f64),
                    similar(&format!("C{i:02}"), false, None),
                )
            })
            .collect();
        candidates[29].1.starred = true;
        candidates[3].1.strong_results = true;
        let ranked = ranking(candidates);
        assert_eq!(ranked.len(), SimilarCommitment::SHOWN);
        let codes: Vec<&str> = ranked.iter().map(|s| s.code.as_str()).collect();
        assert_eq!(codes, ["C03", "C00", "C01", "C02", "C04"]);
        assert!(ranking(Vec::new()).is_empty());
    }
}
