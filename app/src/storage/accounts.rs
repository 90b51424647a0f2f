//! Accounts, role grants, sessions, one-time links, sign-in failures and the audit log.
//! Tokens arrive here already hashed: the database never holds a usable secret.

use super::{Conn, StorageError};
use crate::domain::{
    Account, AuditAction, AuditEntry, AuditFact, Grant, LinkPurpose, Role, Viewer,
};
use chrono::{DateTime, Utc};

/// Bytes as lower-case hex: how tokens, their hashes and cookie payloads are written.
pub fn to_hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// What is stored of a session or link token: its SHA-256, in hex.
pub fn token_hash(token: &str) -> String {
    use sha2::{Digest, Sha256};
    to_hex(&Sha256::digest(token.as_bytes()))
}

/// What sign-in needs to know about an account.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct Credentials {
    #[sqlx(rename = "id")]
    pub user_id: i64,
    pub password_hash: Option<String>,
    pub disabled: bool,
}

/// A one-time link as stored.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct StoredLink {
    pub user_id: i64,
    pub purpose: LinkPurpose,
    pub expires_at: DateTime<Utc>,
    pub used_at: Option<DateTime<Utc>>,
    pub display_name: String,
}

/// A grant to add.
#[derive(Clone, Debug)]
pub struct NewGrant {
    pub role: Role,
    pub member_id: Option<i64>,
    pub institution: Option<String>,
}

/// An audit log line to write.
#[derive(Clone, Debug)]
pub struct NewAuditEntry {
    pub actor_id: Option<i64>,
    pub action: AuditAction,
    pub subject_id: Option<i64>,
    pub facts: Vec<(AuditFact, String)>,
    pub address: Option<String>,
}

/// Facts are stored as one JSON object keyed by the facts' machine names.
fn facts_to_json(facts: &[(AuditFact, String)]) -> String {
    let object: serde_json::Map<String, serde_json::Value> = facts
        .iter()
        .map(|(fact, value)| (fact.as_str().to_string(), value.clone().into()))
        .collect();
    serde_json::Value::Object(object).to_string()
}

/// Reads stored facts back in [`AuditFact`] order; names this version does not know are
/// kept out rather than failing the whole page.
fn facts_from_json(text: &str) -> Vec<(AuditFact, String)> {
    let object = match serde_json::from_str::<serde_json::Value>(text) {
        Ok(serde_json::Value::Object(object)) => object,
        _ => return Vec::new(),
    };
    let mut facts: Vec<(AuditFact, String)> = object
        .into_iter()
        .filter_map(|(name, value)| {
            let fact = AuditFact::from_machine(&name)?;
            let value = match value {
                serde_json::Value::String(text) => text,
                other => other.to_string(),
            };
            Some((fact, value))
        })
        .collect();
    facts.sort();
    facts
}

#[derive(sqlx::FromRow)]
struct GrantRow {
    id: i64,
    user_id: i64,
    role: Role,
    member_code: Option<String>,
    member_name: Option<String>,
    institution: Option<String>,
}

const GRANT_SELECT: &str = "SELECT g.id, g.user_id, g.role, m.code AS member_code,
        m.name AS member_name, g.institution
    FROM role_grants g LEFT JOIN members m ON m.id = g.member_id";

impl GrantRow {
    fn into_grant(self) -> (i64, Grant) {
        (
            self.user_id,
            Grant {
                id: self.id,
                role: self.role,
                member_code: self.member_code,
                member_name: self.member_name,
                institution: self.institution,
            },
        )
    }
}

async fn id_where(
    conn: &mut dyn Conn,
    sql: &'static str,
    value: impl ToString,
) -> Result<Option<i64>, StorageError> {
    let value = value.to_string();
    Ok(run!(
        conn,
        fetch_optional,
        sqlx::query_scalar(sql).bind(&value)
    )?)
}

pub async fn user_id_by_email(
    conn: &mut dyn Conn,
    email: &str,
) -> Result<Option<i64>, StorageError> {
    id_where(conn, "SELECT id FROM users WHERE email = $1", email).await
}

pub async fn user_exists(conn: &mut dyn Conn, user_id: i64) -> Result<bool, StorageError> {
    let found: Option<i64> = run!(
        conn,
        fetch_optional,
        sqlx::query_scalar("SELECT id FROM users WHERE id = $1").bind(user_id)
    )?;
    Ok(found.is_some())
}

pub async fn credentials(
    conn: &mut dyn Conn,
    email: &str,
) -> Result<Option<Credentials>, StorageError> {
    Ok(run!(
        conn,
        fetch_optional,
        sqlx::query_as("SELECT id, password_hash, disabled FROM users WHERE email = $1")
            .bind(email)
    )?)
}

pub async fn password_hash_of(
    conn: &mut dyn Conn,
    user_id: i64,
) -> Result<Option<String>, StorageError> {
    let hash: Option<Option<String>> = run!(
        conn,
        fetch_optional,
        sqlx::query_scalar("SELECT password_hash FROM users WHERE id = $1").bind(user_id)
    )?;
    Ok(hash.flatten())
}

/// Whether the account has set a password (accepted its invitation).
pub async fn has_password(conn: &mut dyn Conn, user_id: i64) -> Result<bool, StorageError> {
    Ok(password_hash_of(conn, user_id).await?.is_some())
}

pub async fn insert_user(
    conn: &mut dyn Conn,
    email: &str,
    display_name: &str,
    password_hash: Option<&str>,
    demo: bool,
    now: DateTime<Utc>,
) -> Result<i64, StorageError> {
    let id: i64 = run!(
        conn,
        fetch_one,
        sqlx::query_scalar(
            "INSERT INTO users (email, display_name, password_hash, demo, created_at)
             VALUES ($1, $2, $3, $4, $5) RETURNING id",
        )
        .bind(email)
        .bind(display_name)
        .bind(password_hash)
        .bind(demo)
        .bind(now)
    )?;
    Ok(id)
}

pub async fn set_password(
    conn: &mut dyn Conn,
    user_id: i64,
    password_hash: &str,
) -> Result<(), StorageError> {
    execute!(
        conn,
        sqlx::query("UPDATE users SET password_hash = $1, version = version + 1 WHERE id = $2")
            .bind(password_hash)
            .bind(user_id)
    )?;
    Ok(())
}

pub async fn set_display_name(
    conn: &mut dyn Conn,
    user_id: i64,
    display_name: &str,
) -> Result<(), StorageError> {
    execute!(
        conn,
        sqlx::query("UPDATE users SET display_name = $1, version = version + 1 WHERE id = $2")
            .bind(display_name)
            .bind(user_id)
    )?;
    Ok(())
}

/// Returns whether the account exists.
pub async fn set_disabled(
    conn: &mut dyn Conn,
    user_id: i64,
    disabled: bool,
) -> Result<bool, StorageError> {
    let changed = execute!(
        conn,
        sqlx::query("UPDATE users SET disabled = $1, version = version + 1 WHERE id = $2")
            .bind(disabled)
            .bind(user_id)
    )?;
    Ok(changed == 1)
}

pub async fn record_sign_in(
    conn: &mut dyn Conn,
    user_id: i64,
    now: DateTime<Utc>,
) -> Result<(), StorageError> {
    execute!(
        conn,
        sqlx::query("UPDATE users SET last_sign_in_at = $1 WHERE id = $2")
            .bind(now)
            .bind(user_id)
    )?;
    Ok(())
}

pub async fn insert_grant(
    conn: &mut dyn Conn,
    user_id: i64,
    grant: &NewGrant,
    granted_by: Option<i64>,
    now: DateTime<Utc>,
) -> Result<i64, StorageError> {
    let id: i64 = run!(conn, fetch_one, sqlx::query_scalar(
            "INSERT INTO role_grants (user_id, role, member_id, institution, granted_by, granted_at)
             VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
        )
        .bind(user_id)
        .bind(grant.role)
        .bind(grant.member_id)
        .bind(&grant.institution)
        .bind(granted_by)
        .bind(now))?;
    Ok(id)
}

/// Removes a grant, returning whose it was and what it said, or `None` when absent.
pub async fn delete_grant(
    conn: &mut dyn Conn,
    grant_id: i64,
) -> Result<Option<(i64, Grant)>, StorageError> {
    let sql = format!("{GRANT_SELECT} WHERE g.id = $1");
    let row: Option<GrantRow> = run!(conn, fetch_optional, sqlx::query_as(&sql).bind(grant_id))?;
    let Some(row) = row else { return Ok(None) };
    execute!(
        conn,
        sqlx::query("DELETE FROM role_grants WHERE id = $1").bind(grant_id)
    )?;
    Ok(Some(row.into_grant()))
}

pub async fn grants_of(conn: &mut dyn Conn, user_id: i64) -> Result<Vec<Grant>, StorageError> {
    let sql = format!("{GRANT_SELECT} WHERE g.user_id = $1 ORDER BY g.id");
    let rows: Vec<GrantRow> = run!(conn, fetch_all, sqlx::query_as(&sql).bind(user_id))?;
    Ok(rows.into_iter().map(|r| r.into_grant().1).collect())
}

pub async fn insert_session(
    conn: &mut dyn Conn,
    token_hash: &str,
    user_id: i64,
    now: DateTime<Utc>,
    expires_at: DateTime<Utc>,
) -> Result<(), StorageError> {
    execute!(
        conn,
        sqlx::query(
            "INSERT INTO sessions (token_hash, user_id, created_at, expires_at)
             VALUES ($1, $2, $3, $4)",
        )
        .bind(token_hash)
        .bind(user_id)
        .bind(now)
        .bind(expires_at)
    )?;
    Ok(())
}

/// The person behind a live session of an enabled account.
pub async fn viewer_for_session(
    conn: &mut dyn Conn,
    token_hash: &str,
    now: DateTime<Utc>,
) -> Result<Option<Viewer>, StorageError> {
    #[derive(sqlx::FromRow)]
    struct SessionUser {
        id: i64,
        display_name: String,
    }
    let user: Option<SessionUser> = run!(
        conn,
        fetch_optional,
        sqlx::query_as(
            "SELECT u.id, u.display_name FROM sessions s JOIN users u ON u.id = s.user_id
             WHERE s.token_hash = $1 AND s.expires_at > $2 AND NOT u.disabled",
        )
        .bind(token_hash)
        .bind(now)
    )?;
    let Some(user) = user else {
        return Ok(None);
    };
    Ok(Some(Viewer {
        user_id: user.id,
        display_name: user.display_name,
        grants: grants_of(conn, user.id).await?,
    }))
}

pub async fn delete_session(conn: &mut dyn Conn, token_hash: &str) -> Result<(), StorageError> {
    execute!(
        conn,
        sqlx::query("DELETE FROM sessions WHERE token_hash = $1").bind(token_hash)
    )?;
    Ok(())
}

/// Ends every session of an account; returns how many there were.
pub async fn delete_sessions_of(conn: &mut dyn Conn, user_id: i64) -> Result<u64, StorageError> {
    Ok(execute!(
        conn,
        sqlx::query("DELETE FROM sessions WHERE user_id = $1").bind(user_id)
    )?)
}

pub async fn delete_expired_sessions(
    conn: &mut dyn Conn,
    now: DateTime<Utc>,
) -> Result<u64, StorageError> {
    Ok(execute!(
        conn,
        sqlx::query("DELETE FROM sessions WHERE expires_at <= $1").bind(now)
    )?)
}

/// Stores a new one-time link; earlier unused links of the same kind for the account stop
/// working, so only the latest one handed out is valid.
pub async fn insert_link(
    conn: &mut dyn Conn,
    token_hash: &str,
    user_id: i64,
    purpose: LinkPurpose,
    created_by: Option<i64>,
    now: DateTime<Utc>,
    expires_at: DateTime<Utc>,
) -> Result<(), StorageError> {
    execute!(
        conn,
        sqlx::query(
            "UPDATE account_links SET expires_at = $1
             WHERE user_id = $2 AND purpose = $3 AND used_at IS NULL AND expires_at > $1",
        )
        .bind(now)
        .bind(user_id)
        .bind(purpose)
    )?;
    execute!(conn, sqlx::query(
            "INSERT INTO account_links (token_hash, user_id, purpose, created_by, created_at, expires_at)
             VALUES ($1, $2, $3, $4, $5, $6)",
        )
        .bind(token_hash)
        .bind(user_id)
        .bind(purpose)
        .bind(created_by)
        .bind(now)
        .bind(expires_at))?;
    Ok(())
}

pub async fn link(
    conn: &mut dyn Conn,
    token_hash: &str,
) -> Result<Option<StoredLink>, StorageError> {
    Ok(run!(
        conn,
        fetch_optional,
        sqlx::query_as(
            "SELECT l.user_id, l.purpose, l.expires_at, l.used_at, u.display_name
             FROM account_links l JOIN users u ON u.id = l.user_id WHERE l.token_hash = $1",
        )
        .bind(token_hash)
    )?)
}

/// Marks a link used if it still can be; false when it was used or expired meanwhile, so
/// two requests racing with one link cannot both succeed.
pub async fn consume_link(
    conn: &mut dyn Conn,
    token_hash: &str,
    now: DateTime<Utc>,
) -> Result<bool, StorageError> {
    let changed = execute!(
        conn,
        sqlx::query(
            "UPDATE account_links SET used_at = $1
             WHERE token_hash = $2 AND used_at IS NULL AND expires_at > $1",
        )
        .bind(now)
        .bind(token_hash)
    )?;
    Ok(changed == 1)
}

/// Attempts counted in one throttling window, this one included, and when it ends.
#[derive(Clone, Copy, Debug, PartialEq, Eq, sqlx::FromRow)]
pub struct AttemptCount {
    pub attempts: i64,
    pub window_ends_at: DateTime<Utc>,
}

/// Counts one more sign-in attempt for `subject` in `scope` (`pair`, `address` or
/// `account`), in one statement, so parallel
/// attempts each see all others; a window that has ended starts again with this attempt
/// and ends at `window_ends_at`.
pub async fn count_sign_in_attempt(
    conn: &mut dyn Conn,
    scope: &str,
    subject: &str,
    now: DateTime<Utc>,
    window_ends_at: DateTime<Utc>,
) -> Result<AttemptCount, StorageError> {
    Ok(run!(
        conn,
        fetch_one,
        sqlx::query_as(
            "INSERT INTO sign_in_attempts (scope, subject, attempts, window_ends_at)
             VALUES ($1, $2, 1, $3)
             ON CONFLICT (scope, subject) DO UPDATE SET
                 attempts = CASE WHEN sign_in_attempts.window_ends_at <= $4 THEN 1
                                 ELSE sign_in_attempts.attempts + 1 END,
                 window_ends_at = CASE WHEN sign_in_attempts.window_ends_at <= $4 THEN $3
                                       ELSE sign_in_attempts.window_ends_at END
             RETURNING attempts, window_ends_at",
        )
        .bind(scope)
        .bind(subject)
        .bind(window_ends_at)
        .bind(now)
    )?)
}

/// Takes back one counted attempt (it turned out to be the right password).
pub async fn uncount_sign_in_attempt(
    conn: &mut dyn Conn,
    scope: &str,
    subject: &str,
) -> Result<(), StorageError> {
    execute!(
        conn,
        sqlx::query(
            "UPDATE sign_in_attempts SET attempts = attempts - 1
             WHERE scope = $1 AND subject = $2 AND attempts > 0"
        )
        .bind(scope)
        .bind(subject)
    )?;
    Ok(())
}

pub async fn clear_sign_in_attempts(
    conn: &mut dyn Conn,
    scope: &str,
    subject: &str,
) -> Result<(), StorageError> {
    execute!(
        conn,
        sqlx::query("DELETE FROM sign_in_attempts WHERE scope = $1 AND subject = $2")
            .bind(scope)
            .bind(subject)
    )?;
    Ok(())
}

/// Throttling windows that ended by `now` count nothing any more.
pub async fn delete_ended_sign_in_windows(
    conn: &mut dyn Conn,
    now: DateTime<Utc>,
) -> Result<u64, StorageError> {
    Ok(execute!(
        conn,
        sqlx::query("DELETE FROM sign_in_attempts WHERE window_ends_at <= $1").bind(now)
    )?)
}

/// The secret kept under `name`, stored as `candidate` if there is none yet: the first app
/// server to ask decides it for all.
pub async fn server_key(
    conn: &mut dyn Conn,
    name: &str,
    candidate: &str,
) -> Result<String, StorageError> {
    execute!(
        conn,
        sqlx::query(
            "INSERT INTO server_keys (name, secret) VALUES ($1, $2) ON CONFLICT (name) DO NOTHING"
        )
        .bind(name)
        .bind(candidate)
    )?;
    Ok(run!(
        conn,
        fetch_one,
        sqlx::query_scalar("SELECT secret FROM server_keys WHERE name = $1").bind(name)
    )?)
}

pub async fn insert_audit(
    conn: &mut dyn Conn,
    entry: &NewAuditEntry,
    now: DateTime<Utc>,
) -> Result<(), StorageError> {
    let facts = facts_to_json(&entry.facts);
    execute!(
        conn,
        sqlx::query(
            "INSERT INTO audit_log (at, actor_id, action, subject_id, facts, address)
             VALUES ($1, $2, $3, $4, $5, $6)",
        )
        .bind(now)
        .bind(entry.actor_id)
        .bind(entry.action)
        .bind(entry.subject_id)
        .bind(&facts)
        .bind(&entry.address)
    )?;
    Ok(())
}

#[derive(sqlx::FromRow)]
struct AuditRow {
    id: i64,
    at: DateTime<Utc>,
    actor: Option<String>,
    action: String,
    subject: Option<String>,
    facts: String,
    address: Option<String>,
}

/// One page of the audit log, newest first, and the number of lines.
pub async fn audit_page(
    conn: &mut dyn Conn,
    limit: i64,
    offset: i64,
) -> Result<(Vec<AuditEntry>, i64), StorageError> {
    let rows: Vec<AuditRow> = run!(
        conn,
        fetch_all,
        sqlx::query_as(
            "SELECT a.id, a.at, actor.email AS actor, a.action, subject.email AS subject,
                a.facts, a.address
             FROM audit_log a
             LEFT JOIN users actor ON actor.id = a.actor_id
             LEFT JOIN users subject ON subject.id = a.subject_id
             ORDER BY a.id DESC LIMIT $1 OFFSET $2",
        )
        .bind(limit)
        .bind(offset)
    )?;
    let total: i64 = run!(
        conn,
        fetch_one,
        sqlx::query_scalar("SELECT COUNT(*) FROM audit_log")
    )?;
    let entries = rows
        .into_iter()
        .map(|row| AuditEntry {
            id: row.id,
            at: row.at,
            actor: row.actor,
            action: row.action,
            subject: row.subject,
            facts: facts_from_json(&row.facts),
            address: row.address,
        })
        .collect();
    Ok((entries, total))
}

#[derive(sqlx::FromRow)]
struct AccountRow {
    id: i64,
    email: String,
    display_name: String,
    disabled: bool,
    active: bool,
    demo: bool,
    created_at: DateTime<Utc>,
    last_sign_in_at: Option<DateTime<Utc>>,
}

const ACCOUNT_SELECT: &str = "SELECT id, email, display_name, disabled,
        password_hash IS NOT NULL AS active, demo, created_at, last_sign_in_at
    FROM users";

impl AccountRow {
    fn into_account(self, grants: Vec<Grant>) -> Account {
        Account {
            id: self.id,
            email: self.email,
            display_name: self.display_name,
            disabled: self.disabled,
            active: self.active,
            demo: self.demo,
            created_at: self.created_at,
            last_sign_in_at: self.last_sign_in_at,
            grants,
        }
    }
}

/// Every account with its grants, by e-mail, in two queries.
pub async fn list_accounts(conn: &mut dyn Conn) -> Result<Vec<Account>, StorageError> {
    let sql = format!("{ACCOUNT_SELECT} ORDER BY email");
    let users: Vec<AccountRow> = run!(conn, fetch_all, sqlx::query_as(&sql))?;
    let sql = format!("{GRANT_SELECT} ORDER BY g.id");
    let rows: Vec<GrantRow> = run!(conn, fetch_all, sqlx::query_as(&sql))?;
    let mut grants: std::collections::HashMap<i64, Vec<Grant>> = std::collections::HashMap::new();
    for row in rows {
        let (user_id, grant) = row.into_grant();
        grants.entry(user_id).or_default().push(grant);
    }
    Ok(users
        .into_iter()
        .map(|row| {
            let own = grants.remove(&row.id).unwrap_or_default();
            row.into_account(own)
        })
        .collect())
}

pub async fn account(conn: &mut dyn Conn, user_id: i64) -> Result<Option<Account>, StorageError> {
    let sql = format!("{ACCOUNT_SELECT} WHERE id = $1");
    let row: Option<AccountRow> = run!(conn, fetch_optional, sqlx::query_as(&sql).bind(user_id))?;
    match row {
        Some(row) => {
            let grants = grants_of(conn, user_id).await?;
            Ok(Some(row.into_account(grants)))
        }
        None => Ok(None),
    }
}

/// Whether the demo accounts exist: then the sign-in page lists them.
pub async fn has_demo_accounts(conn: &mut dyn Conn) -> Result<bool, StorageError> {
    let found: Option<i64> = run!(
        conn,
        fetch_optional,
        sqlx::query_scalar("SELECT id FROM users WHERE demo LIMIT 1")
    )?;
    Ok(found.is_some())
}

/// A member as a grant's scope offers it.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct MemberChoiceRow {
    pub code: String,
    pub name: String,
}

/// Member codes and names, by name, for choosing a grant's scope.
pub async fn member_choices(conn: &mut dyn Conn) -> Result<Vec<MemberChoiceRow>, StorageError> {
    Ok(run!(
        conn,
        fetch_all,
        sqlx::query_as("SELECT code, name FROM members ORDER BY name")
    )?)
}

pub async fn member_id_by_code(
    conn: &mut dyn Conn,
    code: &str,
) -> Result<Option<i64>, StorageError> {
    id_where(conn, "SELECT id FROM members WHERE code = $1", code).await
}

/// Accounts that hold the admin role and can sign in: not disabled, with a password (an
/// invited admin who has not accepted yet cannot act).
pub async fn enabled_admin_count(conn: &mut dyn Conn) -> Result<i64, StorageError> {
    let n: i64 = run!(
        conn,
        fetch_one,
        sqlx::query_scalar(
            "SELECT COUNT(DISTINCT g.user_id) FROM role_grants g
             JOIN users u ON u.id = g.user_id
             WHERE g.role = 'admin' AND NOT u.disabled AND u.password_hash IS NOT NULL"
        )
    )?;
    Ok(n)
}

/// Whether the account already holds exactly this grant.
pub async fn has_grant(
    conn: &mut dyn Conn,
    user_id: i64,
    grant: &NewGrant,
) -> Result<bool, StorageError> {
    let institution = grant.institution.clone().unwrap_or_default();
    let n: i64 = run!(
        conn,
        fetch_one,
        sqlx::query_scalar(
            "SELECT COUNT(*) FROM role_grants WHERE user_id = $1 AND role = $2
             AND COALESCE(member_id, 0) = $3 AND COALESCE(institution, '') = $4",
        )
        .bind(user_id)
        .bind(grant.role)
        .bind(grant.member_id.unwrap_or(0))
        .bind(&institution)
    )?;
    Ok(n > 0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn audit_facts_round_trip_in_fact_order_and_skip_unknown_names() {
        let facts = vec![
            (AuditFact::Member, "XAA".to_string()),
            (AuditFact::Role, "poc".to_string()),
        ];
        let stored = facts_to_json(&facts);
        assert_eq!(
            facts_from_json(&stored),
            vec![
                (AuditFact::Role, "poc".to_string()),
                (AuditFact::Member, "XAA".to_string()),
            ]
        );
        assert_eq!(
            facts_from_json(r#"{"sessions": 3, "colour": "blue"}"#),
            vec![(AuditFact::Sessions, "3".to_string())]
        );
        assert!(facts_from_json("not json").is_empty());
    }
}
