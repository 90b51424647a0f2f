//! Sign-in throttling. Every password check (signing in, or the current password when
//! changing it) is counted before it runs, in one atomic upsert per subject, so parallel
//! guesses on any number of app servers cannot pass a limit together. Three limits apply:
//!
//! - an account as typed, from one address: [`PAIR`] (so failures elsewhere never lock out
//!   the owner signing in from their own address);
//! - one address, whatever account it tries: [`ADDRESS`];
//! - one account from all addresses together, over a longer window: [`ACCOUNT`], which
//!   bounds a guessing campaign spread over many addresses.
//!
//! The right password takes its own attempt back and starts its pair afresh. The first
//! refusal in a window is audited once: the upsert numbers the attempts, so exactly one
//! request sees the first number past the limit.

use super::{Actor, AppError};
use app::domain::{AuditAction, AuditFact};
use app::storage::{self, Conn, Db, StorageError};
use chrono::Duration;

/// How many attempts a subject gets per window.
#[derive(Clone, Copy, Debug)]
pub struct Limit {
    /// The machine name stored with the count, and recorded in the audit line.
    pub scope: &'static str,
    pub attempts: i64,
    pub window_minutes: i64,
}

pub const PAIR: Limit = Limit {
    scope: "pair",
    attempts: 5,
    window_minutes: 15,
};
pub const ADDRESS: Limit = Limit {
    scope: "address",
    attempts: 30,
    window_minutes: 15,
};
pub const ACCOUNT: Limit = Limit {
    scope: "account",
    attempts: 100,
    window_minutes: 60,
};

/// One password check about to run: for an e-mail (as typed, known or not) from an address.
pub struct Attempt<'a> {
    pub email: &'a str,
    pub address: &'a str,
}

impl Attempt<'_> {
    fn subjects(&self) -> [(Limit, String); 3] {
        [
            (PAIR, format!("{} {}", self.email, self.address)),
            (ADDRESS, self.address.to_string()),
            (ACCOUNT, self.email.to_string()),
        ]
    }

    /// Counts the attempt in its own transaction, committed before the password is
    /// checked. Refused past any limit; `account` is the account the e-mail names, if any,
    /// for the audit line.
    pub async fn count(&self, db: &Db, account: Option<i64>) -> Result<(), AppError> {
        let now = storage::now();
        let mut tx = db.begin().await?;
        let mut refused: Option<i64> = None;
        for (limit, subject) in self.subjects() {
            let window_ends = now + Duration::minutes(limit.window_minutes);
            let count =
                storage::count_sign_in_attempt(&mut tx, limit.scope, &subject, now, window_ends)
                    .await?;
            if count.attempts <= limit.attempts {
                continue;
            }
            if count.attempts == limit.attempts + 1 {
                self.audit_burst(&mut tx, limit, account).await?;
            }
            let seconds = (count.window_ends_at - now).num_seconds();
            let minutes = ((seconds + 59) / 60).max(1);
            refused = Some(refused.map_or(minutes, |m| m.max(minutes)));
        }
        tx.commit().await?;
        match refused {
            Some(minutes) => Err(AppError::Throttled { minutes }),
            None => Ok(()),
        }
    }

    async fn audit_burst(
        &self,
        conn: &mut dyn Conn,
        limit: Limit,
        account: Option<i64>,
    ) -> Result<(), StorageError> {
        let mut facts = vec![
            (AuditFact::Attempts, limit.attempts.to_string()),
            (AuditFact::Limit, limit.scope.to_string()),
        ];
        // The typed e-mail may name no account; the address column says where it came from.
        if limit.scope != ADDRESS.scope {
            facts.insert(0, (AuditFact::Email, self.email.to_string()));
        }
        Actor::visitor(None, self.address)
            .audit(conn, AuditAction::SignInThrottled, account, facts)
            .await
    }

    /// The password was right: this attempt does not count, and its pair starts again.
    pub async fn forgive(&self, conn: &mut dyn Conn) -> Result<(), StorageError> {
        for (limit, subject) in self.subjects() {
            if limit.scope == PAIR.scope {
                storage::clear_sign_in_attempts(conn, limit.scope, &subject).await?;
            } else {
                storage::uncount_sign_in_attempt(conn, limit.scope, &subject).await?;
            }
        }
        Ok(())
    }
}
