//! Keeping a statement to one scope's commitments (alias `c`): the installation's, a
//! member's, a plan's or one commitment.

use crate::domain::Scope;

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
            Scope::Member(slug) => (
                "JOIN action_plans p ON p.id = c.plan_id JOIN members m ON m.id = p.member_id",
                "m.slug = $1",
                Some(slug.as_str()),
            ),
            Scope::Plan(key) => (
                "JOIN action_plans p ON p.id = c.plan_id",
                "p.plan_key = $1",
                Some(key.as_str()),
            ),
            Scope::Commitment(code) => ("", "c.code = $1", Some(code.as_str())),
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

    /// A condition keeping rows whose `plan_id` is one of the scope's plans (for the counts
    /// kept per plan).
    pub fn plans_condition(&self) -> String {
        if self.value.is_none() {
            return "TRUE".to_string();
        }
        format!(
            "plan_id IN (SELECT c.plan_id FROM commitments c {} WHERE {})",
            self.joins, self.condition
        )
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
