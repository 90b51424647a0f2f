//! Sign-in throttling. Every password check (signing in, or the current password when
//! changing it) is counted before it runs, in one atomic upsert per subject, so parallel
//! guesses on any number of app servers cannot pass a limit together. Three limits apply:
//!
//! - one address, whatever account it tries: [`ADDRESS`];
//! - an account as typed, from one address: [`PAIR`] (so failures elsewhere never lock out
//!   the owner signing in from their own address);
//! - one account from all addresses together, over a longer window: [`ACCOUNT`], which
//!   bounds a guessing campaign spread over many addresses.
//!
//! The limits are counted in that order: address, pair, account, and counting stops at the
//! first refusal, so an attempt refused for its address or pair raises nothing further.
//! From one address an account gets at most [`PAIR`] attempts per window: reaching the
//! account limit takes a campaign from many addresses. IPv6 addresses count by their /64
//! network, which one subscriber usually holds whole.
//!
//! The right password takes its own attempt back and starts its pair afresh. The first
//! refusal in a window is audited once: the upsert numbers the attempts, so exactly one
//! request sees the first number past the limit.

use super::{Actor, AppError};
use crate::auth;
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

/// The address as throttling counts it: an IPv6 address by its /64 network.
fn network(address: &str) -> String {
    match address.parse::<std::net::IpAddr>() {
        Ok(std::net::IpAddr::V6(v6)) if v6.to_ipv4_mapped().is_none() => {
            let s = v6.segments();
            format!("{:x}:{:x}:{:x}:{:x}::/64", s[0], s[1], s[2], s[3])
        }
        _ => address.to_string(),
    }
}

impl Attempt<'_> {
    /// The subjects counted, in the order they are checked.
    fn subjects(&self) -> [(Limit, String); 3] {
        let network = network(self.address);
        [
            (ADDRESS, network.clone()),
            (PAIR, format!("{} {network}", self.email)),
            (ACCOUNT, self.email.to_string()),
        ]
    }

    /// Counts the attempt in its own transaction, committed before the password is
    /// checked. Refused at the first limit passed; `account` is the account the e-mail
    /// names, if any, for the audit line.
    pub async fn count(&self, db: &Db, account: Option<i64>) -> Result<(), AppError> {
        let now = storage::now();
        let mut tx = db.begin().await?;
        let mut refused = None;
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
            refused = Some(((seconds + 59) / 60).max(1));
            break;
        }
        tx.commit_unseen().await?;
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

    /// A place to check the password in [`auth::hash_gate`], taken after the attempt was
    /// counted (so a flood is refused by its limits before it reaches the gate). When the
    /// gate is full the attempt is taken back: a busy server uses up no one's attempts.
    pub async fn admission(&self, db: &Db) -> Result<auth::Admission, AppError> {
        match auth::hash_gate().admit() {
            Ok(admission) => Ok(admission),
            Err(busy) => {
                let mut conn = db.acquire().await?;
                for (limit, subject) in self.subjects() {
                    storage::uncount_sign_in_attempt(&mut conn, limit.scope, &subject).await?;
                }
                Err(busy)
            }
        }
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

#[cfg(test)]
mod tests {
    use super::network;

    #[test]
    fn ipv6_addresses_count_by_their_network() {
        assert_eq!(network("2001:db8:1:2:aaaa::1"), "2001:db8:1:2::/64");
        assert_eq!(
            network("2001:db8:1:2:ffff:1:2:3"),
            network("2001:db8:1:2::9"),
            "one subscriber's /64 is one subject"
        );
        assert_ne!(network("2001:db8:1:2::1"), network("2001:db8:1:3::1"));
        assert_eq!(network("203.0.113.7"), "203.0.113.7");
        assert_eq!(network("::ffff:203.0.113.7"), "::ffff:203.0.113.7");
        assert_eq!(network("unknown"), "unknown");
    }
}
