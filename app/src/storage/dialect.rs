//! Where SQLite and PostgreSQL differ, the two variants side by side.

use super::{Conn, Native, StorageError};
use chrono::NaiveDate;

/// Serializes the transactions that can take away an enabled admin (revoking an admin
/// grant, disabling an account) until commit, so the check that one remains sees every
/// other such change. SQLite's write transactions are serial already; on PostgreSQL a
/// transaction-scoped advisory lock does it, whichever rows each transaction touches.
pub async fn lock_admins(conn: &mut dyn Conn) -> Result<(), StorageError> {
    /// The advisory lock's key: any fixed number no other lock of ours uses.
    const ADMINS_LOCK: i64 = 0x006f_6770_5f61_646d;
    if let Native::Postgres(c) = conn.native() {
        sqlx::query("SELECT pg_advisory_xact_lock($1)")
            .bind(ADMINS_LOCK)
            .execute(c)
            .await?;
    }
    Ok(())
}

/// Takes the turn to fold the totals' changes until the transaction ends; false when
/// another transaction has it (it folds the same changes: this one need not wait). Every
/// app server folds each minute, and two folds at once could otherwise lock the changes'
/// rows in different orders (PostgreSQL may scan a large table from where another scan
/// is). SQLite's write transactions are serial already.
pub async fn take_fold_turn(conn: &mut dyn Conn) -> Result<bool, StorageError> {
    /// The advisory lock's key: any fixed number no other lock of ours uses.
    const FOLD_LOCK: i64 = 0x006f_6770_5f66_6f6c;
    match conn.native() {
        Native::Postgres(c) => Ok(sqlx::query_scalar("SELECT pg_try_advisory_xact_lock($1)")
            .bind(FOLD_LOCK)
            .fetch_one(c)
            .await?),
        Native::Sqlite(_) => Ok(true),
    }
}

/// Changes to one count, summed, as [`take_total_changes`] deletes them.
#[derive(sqlx::FromRow)]
pub struct TotalChangeSum {
    pub name: String,
    pub planned_end: Option<NaiveDate>,
    pub n: i64,
    /// How many changes were summed.
    pub changes: i64,
}

/// Deletes the changes appended to `total_changes` and answers their sums per count,
/// summed by the database: a demo load at scale 100 leaves 3.6 million, which read one by
/// one took 380 MB. Exactly the changes deleted are summed. On PostgreSQL one statement
/// deletes and sums them; SQLite has no DELETE in a WITH, so it takes the changes up to
/// the newest id (later ones get higher ids and wait for the next fold).
pub async fn take_total_changes(conn: &mut dyn Conn) -> Result<Vec<TotalChangeSum>, StorageError> {
    match conn.native() {
        Native::Postgres(c) => Ok(sqlx::query_as(
            "WITH gone AS (DELETE FROM total_changes RETURNING name, planned_end, n)
             SELECT name, planned_end, CAST(SUM(n) AS BIGINT) AS n, COUNT(*) AS changes
             FROM gone GROUP BY name, planned_end",
        )
        .fetch_all(c)
        .await?),
        Native::Sqlite(c) => {
            let newest: Option<i64> = sqlx::query_scalar("SELECT MAX(id) FROM total_changes")
                .fetch_one(&mut *c)
                .await?;
            let Some(newest) = newest else {
                return Ok(Vec::new());
            };
            let sums = sqlx::query_as(
                "SELECT name, planned_end, SUM(n) AS n, COUNT(*) AS changes
                 FROM total_changes WHERE id <= $1 GROUP BY name, planned_end",
            )
            .bind(newest)
            .fetch_all(&mut *c)
            .await?;
            sqlx::query("DELETE FROM total_changes WHERE id <= $1")
                .bind(newest)
                .execute(&mut *c)
                .await?;
            Ok(sums)
        }
    }
}

/// The columns that key a count of [`fold_score_changes`]'s `score_totals`.
const SCORE_KEY: &str = "plan_id, scale, stage, source, indicator, value";

/// Adds the changes appended to `score_changes` (migration 0015; on SQLite, since 0018, the
/// triggers add to the counts directly) to the counts of `score_totals` and deletes them,
/// summed by the database, then drops the counts left at zero; answers how many changes
/// were folded. Exactly the changes deleted are added, as in [`take_total_changes`].
pub async fn fold_score_changes(conn: &mut dyn Conn) -> Result<usize, StorageError> {
    let add = |from: &str| {
        format!(
            "INSERT INTO score_totals ({SCORE_KEY}, n)
             SELECT {SCORE_KEY}, SUM(n) FROM {from} GROUP BY {SCORE_KEY}
             ON CONFLICT ({SCORE_KEY}) DO UPDATE SET n = score_totals.n + excluded.n"
        )
    };
    let folded = match conn.native() {
        Native::Postgres(c) => {
            let sql = format!(
                "WITH gone AS (DELETE FROM score_changes RETURNING {SCORE_KEY}, n),
                 added AS ({})
                 SELECT COUNT(*) FROM gone",
                add("gone")
            );
            sqlx::query_scalar(&sql).fetch_one(&mut *c).await?
        }
        Native::Sqlite(c) => {
            // Empty since migration 0018 (the triggers add to the counts directly), but for
            // changes a database appended before it.
            let newest: Option<i64> = sqlx::query_scalar("SELECT MAX(id) FROM score_changes")
                .fetch_one(&mut *c)
                .await?;
            match newest {
                None => 0,
                Some(newest) => {
                    // The WHERE also keeps SQLite's parser from reading ON CONFLICT as a
                    // join's.
                    sqlx::query(&add("score_changes WHERE id <= $1"))
                        .bind(newest)
                        .execute(&mut *c)
                        .await?;
                    let folded = sqlx::query("DELETE FROM score_changes WHERE id <= $1")
                        .bind(newest)
                        .execute(&mut *c)
                        .await?
                        .rows_affected();
                    i64::try_from(folded).unwrap_or(i64::MAX)
                }
            }
        }
    };
    execute!(conn, sqlx::query("DELETE FROM score_totals WHERE n = 0"))?;
    Ok(usize::try_from(folded).unwrap_or_default())
}

/// The schema as a sorted list of facts in a vocabulary both databases share, so the two
/// migration sets can be compared:
///
/// - `column T.C TYPE null|not null`, with `TYPE` one of `integer`, `real`, `text`,
///   `boolean`, `date`, `timestamp`, `bytes`;
/// - `default T.C VALUE` (lower-case, without casts; not for generated keys);
/// - `primary key T(C, ...)`, `unique index T(C, ...)`, `index T(C, ...)` (indexes by their
///   columns: each database names the ones behind constraints its own way);
/// - `foreign key T(C) references P(C) on delete ACTION`;
/// - `checks T N` (how many CHECK constraints a table has: their text is each dialect's);
/// - `trigger T NAME`.
///
/// The search index is left out: it is each database's own full-text machinery (an FTS5
/// table and its shadow tables, a table of `tsvector`s), written only by
/// `storage::search`, whose tests run on both.
pub async fn schema_outline(conn: &mut dyn Conn) -> Result<Vec<String>, StorageError> {
    let mut facts = match conn.native() {
        Native::Sqlite(c) => sqlite_outline(c).await?,
        Native::Postgres(c) => postgres_outline(c).await?,
    };
    facts.retain(|fact| !fact.contains(" search_index"));
    facts.sort();
    Ok(facts)
}

fn common_type(declared: &str) -> String {
    match declared.to_ascii_lowercase().as_str() {
        "integer" | "bigint" | "int" | "int8" => "integer".into(),
        "text" => "text".into(),
        "real" | "double precision" | "float8" => "real".into(),
        "boolean" | "bool" => "boolean".into(),
        "date" => "date".into(),
        "timestamptz" | "timestamp with time zone" => "timestamp".into(),
        "blob" | "bytea" => "bytes".into(),
        other => format!("unknown({other})"),
    }
}

/// A default as both databases can be compared on: `'1'::bigint` and `1` are `1`.
fn common_default(expression: &str) -> String {
    let without_cast = expression.split("::").next().unwrap_or_default();
    without_cast.trim().trim_matches('\'').to_ascii_lowercase()
}

fn column_fact(table: &str, name: &str, declared: &str, nullable: bool) -> String {
    let nullability = if nullable { "null" } else { "not null" };
    format!(
        "column {table}.{name} {} {nullability}",
        common_type(declared)
    )
}

fn foreign_key_fact(table: &str, column: &str, parent: &str, to: &str, on_delete: &str) -> String {
    format!(
        "foreign key {table}({column}) references {parent}({to}) on delete {}",
        on_delete.to_ascii_lowercase()
    )
}

#[derive(sqlx::FromRow)]
struct SqliteColumn {
    name: String,
    #[sqlx(rename = "type")]
    declared: String,
    notnull: bool,
    dflt_value: Option<String>,
    pk: i64,
}

#[derive(sqlx::FromRow)]
struct SqliteIndex {
    name: String,
    unique: bool,
    origin: String,
}

#[derive(sqlx::FromRow)]
struct SqliteForeignKey {
    table: String,
    from: String,
    to: String,
    on_delete: String,
}

#[derive(sqlx::FromRow)]
struct SqliteTable {
    name: String,
    sql: String,
}

#[derive(sqlx::FromRow)]
struct SqliteTrigger {
    table_name: String,
    name: String,
}

async fn sqlite_outline(c: &mut sqlx::SqliteConnection) -> Result<Vec<String>, StorageError> {
    let tables: Vec<SqliteTable> = sqlx::query_as(
        "SELECT name, sql FROM sqlite_master WHERE type = 'table'
           AND name NOT LIKE 'sqlite_%' AND name <> '_sqlx_migrations' ORDER BY name",
    )
    .fetch_all(&mut *c)
    .await?;
    let mut facts = Vec::new();
    for SqliteTable { name: table, sql } in tables {
        let columns: Vec<SqliteColumn> = sqlx::query_as(
            "SELECT name, type, \"notnull\", dflt_value, pk FROM pragma_table_info($1) ORDER BY cid",
        )
        .bind(&table)
        .fetch_all(&mut *c)
        .await?;
        let mut key: Vec<(i64, String)> = Vec::new();
        for column in columns {
            // A primary key is never null, though SQLite does not flag it so.
            let nullable = !column.notnull && column.pk == 0;
            facts.push(column_fact(
                &table,
                &column.name,
                &column.declared,
                nullable,
            ));
            if let Some(default) = &column.dflt_value {
                facts.push(format!(
                    "default {table}.{} {}",
                    column.name,
                    common_default(default)
                ));
            }
            if column.pk > 0 {
                key.push((column.pk, column.name));
            }
        }
        key.sort();
        if !key.is_empty() {
            let key: Vec<String> = key.into_iter().map(|(_, name)| name).collect();
            facts.push(format!("primary key {table}({})", key.join(", ")));
        }
        let indexes: Vec<SqliteIndex> = sqlx::query_as(
            "SELECT name, \"unique\", origin FROM pragma_index_list($1) ORDER BY name",
        )
        .bind(&table)
        .fetch_all(&mut *c)
        .await?;
        for index in indexes.into_iter().filter(|i| i.origin != "pk") {
            let columns: Vec<String> =
                sqlx::query_scalar("SELECT name FROM pragma_index_info($1) ORDER BY seqno")
                    .bind(&index.name)
                    .fetch_all(&mut *c)
                    .await?;
            let kind = if index.unique {
                "unique index"
            } else {
                "index"
            };
            facts.push(format!("{kind} {table}({})", columns.join(", ")));
        }
        let keys: Vec<SqliteForeignKey> = sqlx::query_as(
            "SELECT \"table\", \"from\", \"to\", on_delete FROM pragma_foreign_key_list($1)",
        )
        .bind(&table)
        .fetch_all(&mut *c)
        .await?;
        for key in keys {
            facts.push(foreign_key_fact(
                &table,
                &key.from,
                &key.table,
                &key.to,
                &key.on_delete,
            ));
        }
        let checks = sql.to_ascii_uppercase().matches("CHECK (").count();
        if checks > 0 {
            facts.push(format!("checks {table} {checks}"));
        }
    }
    let triggers: Vec<SqliteTrigger> = sqlx::query_as(
        "SELECT tbl_name AS table_name, name FROM sqlite_master WHERE type = 'trigger'",
    )
    .fetch_all(&mut *c)
    .await?;
    for trigger in triggers {
        facts.push(format!("trigger {} {}", trigger.table_name, trigger.name));
    }
    Ok(facts)
}

#[derive(sqlx::FromRow)]
struct PgColumn {
    table_name: String,
    column_name: String,
    data_type: String,
    is_nullable: String,
    column_default: Option<String>,
}

#[derive(sqlx::FromRow)]
struct PgIndex {
    table_name: String,
    primary: bool,
    unique: bool,
    columns: Vec<String>,
}

#[derive(sqlx::FromRow)]
struct PgForeignKey {
    table_name: String,
    column_name: String,
    parent: String,
    parent_column: String,
    on_delete: String,
}

#[derive(sqlx::FromRow)]
struct PgNamed {
    table_name: String,
    name: String,
}

async fn postgres_outline(c: &mut sqlx::PgConnection) -> Result<Vec<String>, StorageError> {
    let columns: Vec<PgColumn> = sqlx::query_as(
        "SELECT table_name::text, column_name::text, data_type::text, is_nullable::text,
            column_default::text
         FROM information_schema.columns
         WHERE table_schema = current_schema() AND table_name <> '_sqlx_migrations'
         ORDER BY table_name, ordinal_position",
    )
    .fetch_all(&mut *c)
    .await?;
    let mut facts = Vec::new();
    for column in columns {
        let (table, name) = (&column.table_name, &column.column_name);
        facts.push(column_fact(
            table,
            name,
            &column.data_type,
            column.is_nullable == "YES",
        ));
        // Generated keys (BIGSERIAL) are SQLite's INTEGER PRIMARY KEY: no default there.
        if let Some(default) = column.column_default.filter(|d| !d.starts_with("nextval(")) {
            facts.push(format!(
                "default {table}.{name} {}",
                common_default(&default)
            ));
        }
    }
    let indexes: Vec<PgIndex> = sqlx::query_as(
        "SELECT t.relname::text AS table_name, ix.indisprimary AS primary,
            ix.indisunique AS unique,
            ARRAY(SELECT a.attname::text FROM unnest(ix.indkey) WITH ORDINALITY AS k(attnum, n)
                  JOIN pg_attribute a ON a.attrelid = t.oid AND a.attnum = k.attnum
                  ORDER BY k.n) AS columns
         FROM pg_index ix
         JOIN pg_class t ON t.oid = ix.indrelid
         JOIN pg_namespace ns ON ns.oid = t.relnamespace
         WHERE ns.nspname = current_schema() AND t.relname <> '_sqlx_migrations'",
    )
    .fetch_all(&mut *c)
    .await?;
    for index in indexes {
        let kind = match (index.primary, index.unique) {
            (true, _) => "primary key",
            (false, true) => "unique index",
            (false, false) => "index",
        };
        facts.push(format!(
            "{kind} {}({})",
            index.table_name,
            index.columns.join(", ")
        ));
    }
    // Every foreign key here is on one column.
    let keys: Vec<PgForeignKey> = sqlx::query_as(
        "SELECT t.relname::text AS table_name, a.attname::text AS column_name,
            p.relname::text AS parent, pa.attname::text AS parent_column,
            CASE con.confdeltype WHEN 'c' THEN 'cascade' WHEN 'r' THEN 'restrict'
                WHEN 'n' THEN 'set null' WHEN 'd' THEN 'set default' ELSE 'no action' END
                AS on_delete
         FROM pg_constraint con
         JOIN pg_class t ON t.oid = con.conrelid
         JOIN pg_namespace ns ON ns.oid = t.relnamespace
         JOIN pg_attribute a ON a.attrelid = con.conrelid AND a.attnum = con.conkey[1]
         JOIN pg_class p ON p.oid = con.confrelid
         JOIN pg_attribute pa ON pa.attrelid = con.confrelid AND pa.attnum = con.confkey[1]
         WHERE con.contype = 'f' AND ns.nspname = current_schema()",
    )
    .fetch_all(&mut *c)
    .await?;
    for key in keys {
        facts.push(foreign_key_fact(
            &key.table_name,
            &key.column_name,
            &key.parent,
            &key.parent_column,
            &key.on_delete,
        ));
    }
    let checks: Vec<PgNamed> = sqlx::query_as(
        "SELECT t.relname::text AS table_name, COUNT(*)::text AS name
         FROM pg_constraint con
         JOIN pg_class t ON t.oid = con.conrelid
         JOIN pg_namespace ns ON ns.oid = t.relnamespace
         WHERE con.contype = 'c' AND ns.nspname = current_schema()
         GROUP BY t.relname",
    )
    .fetch_all(&mut *c)
    .await?;
    for check in checks {
        facts.push(format!("checks {} {}", check.table_name, check.name));
    }
    let triggers: Vec<PgNamed> = sqlx::query_as(
        "SELECT t.relname::text AS table_name, tg.tgname::text AS name
         FROM pg_trigger tg
         JOIN pg_class t ON t.oid = tg.tgrelid
         JOIN pg_namespace ns ON ns.oid = t.relnamespace
         WHERE NOT tg.tgisinternal AND ns.nspname = current_schema()",
    )
    .fetch_all(&mut *c)
    .await?;
    for trigger in triggers {
        facts.push(format!("trigger {} {}", trigger.table_name, trigger.name));
    }
    Ok(facts)
}

/// SQL for the values of `expr` in a group joined by `separator` (a literal without
/// quotes): SQLite's `GROUP_CONCAT`, PostgreSQL's `string_agg`.
pub fn joined(conn: &mut dyn Conn, expr: &str, separator: &str) -> String {
    match conn.native() {
        Native::Sqlite(_) => format!("GROUP_CONCAT({expr}, '{separator}')"),
        Native::Postgres(_) => format!("string_agg({expr}, '{separator}')"),
    }
}
