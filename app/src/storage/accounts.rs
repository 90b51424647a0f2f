//! Accounts, role grants, sessions, one-time links, sign-in failures and the audit log.
//! Tokens arrive here already hashed: the database never holds a usable secret.

use super::{Db, StorageError};
use crate::domain::{
    Account, AuditAction, AuditEntry, AuditFact, Grant, LinkPurpose, Role, Viewer,
};
use sqlx::AnyConnection;

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
#[derive(Clone, Debug)]
pub struct Credentials {
    pub user_id: i64,
    pub password_hash: Option<String>,
    pub disabled: bool,
}

/// A one-time link as stored.
#[derive(Clone, Debug)]
pub struct StoredLink {
    pub user_id: i64,
    pub purpose: LinkPurpose,
    pub expires_at: String,
    pub used_at: Option<String>,
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

type GrantRow = (
    i64,
    i64,
    String,
    Option<String>,
    Option<String>,
    Option<String>,
);

const GRANT_SELECT: &str = "SELECT g.id, g.user_id, g.role, m.code, m.name, g.institution
    FROM role_grants g LEFT JOIN members m ON m.id = g.member_id";

fn grant_from_row(row: GrantRow) -> Result<(i64, Grant), StorageError> {
    let (id, user_id, role, member_code, member_name, institution) = row;
    let role = Role::from_machine(&role).ok_or_else(|| super::corrupt("role", &role))?;
    Ok((
        user_id,
        Grant {
            id,
            role,
            member_code,
            member_name,
            institution,
        },
    ))
}

pub async fn user_id_by_email(
    conn: &mut AnyConnection,
    email: &str,
) -> Result<Option<i64>, StorageError> {
    let row: Option<(i64,)> = sqlx::query_as("SELECT id FROM users WHERE email = $1")
        .bind(email)
        .fetch_optional(conn)
        .await?;
    Ok(row.map(|r| r.0))
}

pub async fn user_exists(conn: &mut AnyConnection, user_id: i64) -> Result<bool, StorageError> {
    let row: Option<(i64,)> = sqlx::query_as("SELECT id FROM users WHERE id = $1")
        .bind(user_id)
        .fetch_optional(conn)
        .await?;
    Ok(row.is_some())
}

pub async fn credentials(db: &Db, email: &str) -> Result<Option<Credentials>, StorageError> {
    let row: Option<(i64, Option<String>, i64)> =
        sqlx::query_as("SELECT id, password_hash, disabled FROM users WHERE email = $1")
            .bind(email)
            .fetch_optional(&db.pool)
            .await?;
    Ok(row.map(|(user_id, password_hash, disabled)| Credentials {
        user_id,
        password_hash,
        disabled: disabled != 0,
    }))
}

pub async fn password_hash_of(db: &Db, user_id: i64) -> Result<Option<String>, StorageError> {
    let row: Option<(Option<String>,)> =
        sqlx::query_as("SELECT password_hash FROM users WHERE id = $1")
            .bind(user_id)
            .fetch_optional(&db.pool)
            .await?;
    Ok(row.and_then(|r| r.0))
}

/// Whether the account has set a password (accepted its invitation), read inside a write.
pub async fn has_password(conn: &mut AnyConnection, user_id: i64) -> Result<bool, StorageError> {
    let row: Option<(i64,)> =
        sqlx::query_as("SELECT id FROM users WHERE id = $1 AND password_hash IS NOT NULL")
            .bind(user_id)
            .fetch_optional(conn)
            .await?;
    Ok(row.is_some())
}

pub async fn insert_user(
    conn: &mut AnyConnection,
    email: &str,
    display_name: &str,
    password_hash: Option<&str>,
    demo: bool,
    now: &str,
) -> Result<i64, StorageError> {
    let (id,): (i64,) = sqlx::query_as(
        "INSERT INTO users (email, display_name, password_hash, demo, created_at)
         VALUES ($1, $2, $3, $4, $5) RETURNING id",
    )
    .bind(email)
    .bind(display_name)
    .bind(password_hash)
    .bind(i64::from(demo))
    .bind(now)
    .fetch_one(conn)
    .await?;
    Ok(id)
}

pub async fn set_password(
    conn: &mut AnyConnection,
    user_id: i64,
    password_hash: &str,
) -> Result<(), StorageError> {
    sqlx::query("UPDATE users SET password_hash = $1 WHERE id = $2")
        .bind(password_hash)
        .bind(user_id)
        .execute(conn)
        .await?;
    Ok(())
}

pub async fn set_display_name(
    conn: &mut AnyConnection,
    user_id: i64,
    display_name: &str,
) -> Result<(), StorageError> {
    sqlx::query("UPDATE users SET display_name = $1 WHERE id = $2")
        .bind(display_name)
        .bind(user_id)
        .execute(conn)
        .await?;
    Ok(())
}

/// Returns whether the account exists.
pub async fn set_disabled(
    conn: &mut AnyConnection,
    user_id: i64,
    disabled: bool,
) -> Result<bool, StorageError> {
    let done = sqlx::query("UPDATE users SET disabled = $1 WHERE id = $2")
        .bind(i64::from(disabled))
        .bind(user_id)
        .execute(conn)
        .await?;
    Ok(done.rows_affected() == 1)
}

pub async fn record_sign_in(db: &Db, user_id: i64, now: &str) -> Result<(), StorageError> {
    sqlx::query("UPDATE users SET last_sign_in_at = $1 WHERE id = $2")
        .bind(now)
        .bind(user_id)
        .execute(&db.pool)
        .await?;
    Ok(())
}

pub async fn insert_grant(
    conn: &mut AnyConnection,
    user_id: i64,
    grant: &NewGrant,
    granted_by: Option<i64>,
    now: &str,
) -> Result<i64, StorageError> {
    let (id,): (i64,) = sqlx::query_as(
        "INSERT INTO role_grants (user_id, role, member_id, institution, granted_by, granted_at)
         VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
    )
    .bind(user_id)
    .bind(grant.role.as_str())
    .bind(grant.member_id)
    .bind(&grant.institution)
    .bind(granted_by)
    .bind(now)
    .fetch_one(conn)
    .await?;
    Ok(id)
}

/// Removes a grant, returning whose it was and what it said, or `None` when absent.
pub async fn delete_grant(
    conn: &mut AnyConnection,
    grant_id: i64,
) -> Result<Option<(i64, Grant)>, StorageError> {
    let row: Option<GrantRow> = sqlx::query_as(&format!("{GRANT_SELECT} WHERE g.id = $1"))
        .bind(grant_id)
        .fetch_optional(&mut *conn)
        .await?;
    let Some(row) = row else { return Ok(None) };
    sqlx::query("DELETE FROM role_grants WHERE id = $1")
        .bind(grant_id)
        .execute(conn)
        .await?;
    grant_from_row(row).map(Some)
}

pub async fn grants_of(db: &Db, user_id: i64) -> Result<Vec<Grant>, StorageError> {
    let rows: Vec<GrantRow> = sqlx::query_as(&format!(
        "{GRANT_SELECT} WHERE g.user_id = $1 ORDER BY g.id"
    ))
    .bind(user_id)
    .fetch_all(&db.pool)
    .await?;
    rows.into_iter()
        .map(|r| grant_from_row(r).map(|(_, g)| g))
        .collect()
}

pub async fn insert_session(
    db: &Db,
    token_hash: &str,
    user_id: i64,
    now: &str,
    expires_at: &str,
) -> Result<(), StorageError> {
    sqlx::query(
        "INSERT INTO sessions (token_hash, user_id, created_at, expires_at) VALUES ($1, $2, $3, $4)",
    )
    .bind(token_hash)
    .bind(user_id)
    .bind(now)
    .bind(expires_at)
    .execute(&db.pool)
    .await?;
    Ok(())
}

/// The person behind a live session of an enabled account.
pub async fn viewer_for_session(
    db: &Db,
    token_hash: &str,
    now: &str,
) -> Result<Option<Viewer>, StorageError> {
    let row: Option<(i64, String)> = sqlx::query_as(
        "SELECT u.id, u.display_name FROM sessions s JOIN users u ON u.id = s.user_id
         WHERE s.token_hash = $1 AND s.expires_at > $2 AND u.disabled = 0",
    )
    .bind(token_hash)
    .bind(now)
    .fetch_optional(&db.pool)
    .await?;
    let Some((user_id, display_name)) = row else {
        return Ok(None);
    };
    Ok(Some(Viewer {
        user_id,
        display_name,
        grants: grants_of(db, user_id).await?,
    }))
}

pub async fn delete_session(db: &Db, token_hash: &str) -> Result<(), StorageError> {
    sqlx::query("DELETE FROM sessions WHERE token_hash = $1")
        .bind(token_hash)
        .execute(&db.pool)
        .await?;
    Ok(())
}

/// Ends every session of an account; returns how many there were.
pub async fn delete_sessions_of(
    conn: &mut AnyConnection,
    user_id: i64,
) -> Result<u64, StorageError> {
    let done = sqlx::query("DELETE FROM sessions WHERE user_id = $1")
        .bind(user_id)
        .execute(conn)
        .await?;
    Ok(done.rows_affected())
}

pub async fn delete_expired_sessions(db: &Db, now: &str) -> Result<u64, StorageError> {
    let done = sqlx::query("DELETE FROM sessions WHERE expires_at <= $1")
        .bind(now)
        .execute(&db.pool)
        .await?;
    Ok(done.rows_affected())
}

/// Stores a new one-time link; earlier unused links of the same kind for the account stop
/// working, so only the latest one handed out is valid.
pub async fn insert_link(
    conn: &mut AnyConnection,
    token_hash: &str,
    user_id: i64,
    purpose: LinkPurpose,
    created_by: Option<i64>,
    now: &str,
    expires_at: &str,
) -> Result<(), StorageError> {
    sqlx::query(
        "UPDATE account_links SET expires_at = $1
         WHERE user_id = $2 AND purpose = $3 AND used_at IS NULL AND expires_at > $1",
    )
    .bind(now)
    .bind(user_id)
    .bind(purpose.as_str())
    .execute(&mut *conn)
    .await?;
    sqlx::query(
        "INSERT INTO account_links (token_hash, user_id, purpose, created_by, created_at, expires_at)
         VALUES ($1, $2, $3, $4, $5, $6)",
    )
    .bind(token_hash)
    .bind(user_id)
    .bind(purpose.as_str())
    .bind(created_by)
    .bind(now)
    .bind(expires_at)
    .execute(conn)
    .await?;
    Ok(())
}

pub async fn link(db: &Db, token_hash: &str) -> Result<Option<StoredLink>, StorageError> {
    let row: Option<(i64, String, String, Option<String>, String)> = sqlx::query_as(
        "SELECT l.user_id, l.purpose, l.expires_at, l.used_at, u.display_name
         FROM account_links l JOIN users u ON u.id = l.user_id WHERE l.token_hash = $1",
    )
    .bind(token_hash)
    .fetch_optional(&db.pool)
    .await?;
    row.map(|(user_id, purpose, expires_at, used_at, display_name)| {
        let purpose = match purpose.as_str() {
            "invitation" => LinkPurpose::Invitation,
            "reset" => LinkPurpose::Reset,
            other => return Err(super::corrupt("link purpose", other)),
        };
        Ok(StoredLink {
            user_id,
            purpose,
            expires_at,
            used_at,
            display_name,
        })
    })
    .transpose()
}

/// Marks a link used if it still can be; false when it was used or expired meanwhile, so
/// two requests racing with one link cannot both succeed.
pub async fn consume_link(
    conn: &mut AnyConnection,
    token_hash: &str,
    now: &str,
) -> Result<bool, StorageError> {
    let done = sqlx::query(
        "UPDATE account_links SET used_at = $1
         WHERE token_hash = $2 AND used_at IS NULL AND expires_at > $1",
    )
    .bind(now)
    .bind(token_hash)
    .execute(conn)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// `scope` is `account` or `address`.
pub async fn insert_sign_in_failure(
    db: &Db,
    scope: &str,
    subject: &str,
    now: &str,
) -> Result<(), StorageError> {
    sqlx::query("INSERT INTO sign_in_failures (scope, subject, at) VALUES ($1, $2, $3)")
        .bind(scope)
        .bind(subject)
        .bind(now)
        .execute(&db.pool)
        .await?;
    Ok(())
}

pub async fn sign_in_failures_since(
    db: &Db,
    scope: &str,
    subject: &str,
    since: &str,
) -> Result<i64, StorageError> {
    let (n,): (i64,) = sqlx::query_as(
        "SELECT COUNT(*) FROM sign_in_failures WHERE scope = $1 AND subject = $2 AND at > $3",
    )
    .bind(scope)
    .bind(subject)
    .bind(since)
    .fetch_one(&db.pool)
    .await?;
    Ok(n)
}

pub async fn clear_sign_in_failures(
    db: &Db,
    scope: &str,
    subject: &str,
) -> Result<(), StorageError> {
    sqlx::query("DELETE FROM sign_in_failures WHERE scope = $1 AND subject = $2")
        .bind(scope)
        .bind(subject)
        .execute(&db.pool)
        .await?;
    Ok(())
}

pub async fn insert_audit(
    conn: &mut AnyConnection,
    entry: &NewAuditEntry,
    now: &str,
) -> Result<(), StorageError> {
    sqlx::query(
        "INSERT INTO audit_log (at, actor_id, action, subject_id, facts, address)
         VALUES ($1, $2, $3, $4, $5, $6)",
    )
    .bind(now)
    .bind(entry.actor_id)
    .bind(entry.action.as_str())
    .bind(entry.subject_id)
    .bind(facts_to_json(&entry.facts))
    .bind(&entry.address)
    .execute(conn)
    .await?;
    Ok(())
}

/// One page of the audit log, newest first, and the number of lines.
pub async fn audit_page(
    db: &Db,
    limit: i64,
    offset: i64,
) -> Result<(Vec<AuditEntry>, i64), StorageError> {
    let rows: Vec<(
        i64,
        String,
        Option<String>,
        String,
        Option<String>,
        String,
        Option<String>,
    )> = sqlx::query_as(
        "SELECT a.id, a.at, actor.email, a.action, subject.email, a.facts, a.address
             FROM audit_log a
             LEFT JOIN users actor ON actor.id = a.actor_id
             LEFT JOIN users subject ON subject.id = a.subject_id
             ORDER BY a.id DESC LIMIT $1 OFFSET $2",
    )
    .bind(limit)
    .bind(offset)
    .fetch_all(&db.pool)
    .await?;
    let (total,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM audit_log")
        .fetch_one(&db.pool)
        .await?;
    let entries = rows
        .into_iter()
        .map(
            |(id, at, actor, action, subject, facts, address)| AuditEntry {
                id,
                at,
                actor,
                action,
                subject,
                facts: facts_from_json(&facts),
                address,
            },
        )
        .collect();
    Ok((entries, total))
}

type AccountRow = (i64, String, String, i64, i64, i64, String, Option<String>);

const ACCOUNT_SELECT: &str = "SELECT id, email, display_name, disabled,
        CASE WHEN password_hash IS NULL THEN 0 ELSE 1 END, demo, created_at, last_sign_in_at
    FROM users";

fn account_from_row(row: AccountRow, grants: Vec<Grant>) -> Account {
    let (id, email, display_name, disabled, active, demo, created_at, last_sign_in_at) = row;
    Account {
        id,
        email,
        display_name,
        disabled: disabled != 0,
        active: active != 0,
        demo: demo != 0,
        created_at,
        last_sign_in_at,
        grants,
    }
}

/// Every account with its grants, by e-mail, in two queries.
pub async fn list_accounts(db: &Db) -> Result<Vec<Account>, StorageError> {
    let users: Vec<AccountRow> = sqlx::query_as(&format!("{ACCOUNT_SELECT} ORDER BY email"))
        .fetch_all(&db.pool)
        .await?;
    let rows: Vec<GrantRow> = sqlx::query_as(&format!("{GRANT_SELECT} ORDER BY g.id"))
        .fetch_all(&db.pool)
        .await?;
    let mut grants: std::collections::HashMap<i64, Vec<Grant>> = std::collections::HashMap::new();
    for row in rows {
        let (user_id, grant) = grant_from_row(row)?;
        grants.entry(user_id).or_default().push(grant);
    }
    Ok(users
        .into_iter()
        .map(|row| {
            let own = grants.remove(&row.0).unwrap_or_default();
            account_from_row(row, own)
        })
        .collect())
}

pub async fn account(db: &Db, user_id: i64) -> Result<Option<Account>, StorageError> {
    let row: Option<AccountRow> = sqlx::query_as(&format!("{ACCOUNT_SELECT} WHERE id = $1"))
        .bind(user_id)
        .fetch_optional(&db.pool)
        .await?;
    match row {
        Some(row) => Ok(Some(account_from_row(row, grants_of(db, user_id).await?))),
        None => Ok(None),
    }
}

/// Whether the demo accounts exist: then the sign-in page lists them.
pub async fn has_demo_accounts(db: &Db) -> Result<bool, StorageError> {
    let (n,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM users WHERE demo = 1")
        .fetch_one(&db.pool)
        .await?;
    Ok(n > 0)
}

/// Member ids and names, for choosing a grant's scope.
pub async fn member_choices(db: &Db) -> Result<Vec<(i64, String, String)>, StorageError> {
    Ok(
        sqlx::query_as("SELECT id, code, name FROM members ORDER BY name")
            .fetch_all(&db.pool)
            .await?,
    )
}

pub async fn member_id_by_code(
    conn: &mut AnyConnection,
    code: &str,
) -> Result<Option<i64>, StorageError> {
    let row: Option<(i64,)> = sqlx::query_as("SELECT id FROM members WHERE code = $1")
        .bind(code)
        .fetch_optional(conn)
        .await?;
    Ok(row.map(|r| r.0))
}

pub async fn admin_grant_count(conn: &mut AnyConnection) -> Result<i64, StorageError> {
    let (n,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM role_grants WHERE role = 'admin'")
        .fetch_one(conn)
        .await?;
    Ok(n)
}

/// Whether the account already holds exactly this grant.
pub async fn has_grant(
    conn: &mut AnyConnection,
    user_id: i64,
    grant: &NewGrant,
) -> Result<bool, StorageError> {
    let (n,): (i64,) = sqlx::query_as(
        "SELECT COUNT(*) FROM role_grants WHERE user_id = $1 AND role = $2
         AND COALESCE(member_id, 0) = $3 AND COALESCE(institution, '') = $4",
    )
    .bind(user_id)
    .bind(grant.role.as_str())
    .bind(grant.member_id.unwrap_or(0))
    .bind(grant.institution.clone().unwrap_or_default())
    .fetch_one(conn)
    .await?;
    Ok(n > 0)
}

/// Failed sign-ins older than `before` no longer count toward any limit.
pub async fn delete_sign_in_failures_before(db: &Db, before: &str) -> Result<u64, StorageError> {
    let done = sqlx::query("DELETE FROM sign_in_failures WHERE at <= $1")
        .bind(before)
        .execute(&db.pool)
        .await?;
    Ok(done.rows_affected())
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
