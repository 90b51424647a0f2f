//! Keeping a statement to one scope's commitments (alias `c`): the installation's, a
//! member's, a plan's or one commitment.

use crate::domain::Scope;

/// Joins from commitments `c` to their plan `p` and member `m`. Every filter's `joins` are
/// a start of these, so a statement that joins these instead keeps the filter's condition
/// (and must not join them twice: SQLite then looked members up by region for every
/// commitment, 11 s for a region's ranking at demo scale 10).
pub(super) const TO_MEMBER: &str =
    "JOIN action_plans p ON p.id = c.plan_id JOIN members m ON m.id = p.member_id";

/// The joins and condition that keep a statement's commitments `c` to a scope, with the
/// one value they bind.
pub(super) struct ScopeFilter<'a> {
    /// Joins from `c` to what the condition reads.
    pub joins: &'static str,
    /// A condition on the scope (`TRUE` for the installation), binding `$1` when there is
    /// a value.
    pub condition: &'static str,
    pub value: Option<&'a str>,
}

impl<'a> ScopeFilter<'a> {
    pub fn of(scope: &'a Scope) -> ScopeFilter<'a> {
        let (joins, condition, value) = match scope {
            Scope::All => ("", "TRUE", None),
            Scope::Member(slug) => (TO_MEMBER, "m.slug = $1", Some(slug.as_str())),
            Scope::Plan(key) => (
                "JOIN action_plans p ON p.id = c.plan_id",
                "p.plan_key = $1",
                Some(key.as_str()),
            ),
            Scope::Commitment(code) => ("", "c.code = $1", Some(code.as_str())),
            Scope::Region(region) => (TO_MEMBER, "m.region = $1", Some(region.as_str())),
            Scope::Value(value) => (
                "",
                "EXISTS (SELECT 1 FROM commitment_values cv
                    WHERE cv.commitment_id = c.id AND cv.value = $1)",
                Some(value.as_str()),
            ),
            Scope::PolicyArea(slug) => (
                "",
                "EXISTS (SELECT 1 FROM commitment_policy_areas cpa
                    JOIN policy_areas pa ON pa.id = cpa.policy_area_id
                    WHERE cpa.commitment_id = c.id AND pa.slug = $1)",
                Some(slug.as_str()),
            ),
            Scope::Institution(name) => ("", "c.lead_institution = $1", Some(name.as_str())),
        };
        ScopeFilter {
            joins,
            condition,
            value,
        }
    }

    /// The number of the parameter after the scope's own.
    pub fn next_param(&self) -> usize {
        if self.value.is_some() {
            2
        } else {
            1
        }
    }
}

/// Binds the scope's value (when it has one) to a query, first.
macro_rules! bind_scope {
    ($query:expr, $filter:expr) => {{
        let query = $query;
        match $filter.value {
            Some(value) => query.bind(value),
            None => query,
        }
    }};
}
pub(super) use bind_scope;
