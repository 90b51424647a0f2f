//! Where SQLite and PostgreSQL differ, the two variants side by side.

use super::{Conn, Native, StorageError};

/// The schema as a sorted list of facts in a vocabulary both databases share, so the two
/// migration sets can be compared: `column T.C TYPE null|not null`, `primary key T(C, ...)`,
/// `unique index T(C, ...)`, `index T(C, ...)`. Types are `integer`, `real`, `text`,
/// `boolean`, `date` and `timestamp`; index names are left out (each database names the
/// indexes behind constraints its own way).
pub async fn schema_outline(conn: &mut dyn Conn) -> Result<Vec<String>, StorageError> {
    let mut facts = match conn.native() {
        Native::Sqlite(c) => sqlite_outline(c).await?,
        Native::Postgres(c) => postgres_outline(c).await?,
    };
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
        other => format!("unknown({other})"),
    }
}

fn nullability(nullable: bool) -> &'static str {
    if nullable {
        "null"
    } else {
        "not null"
    }
}

async fn sqlite_outline(c: &mut sqlx::SqliteConnection) -> Result<Vec<String>, StorageError> {
    let tables: Vec<(String,)> = sqlx::query_as(
        "SELECT name FROM sqlite_master WHERE type = 'table'
           AND name NOT LIKE 'sqlite_%' AND name <> '_sqlx_migrations' ORDER BY name",
    )
    .fetch_all(&mut *c)
    .await?;
    let mut facts = Vec::new();
    for (table,) in tables {
        let columns: Vec<(String, String, bool, i64)> = sqlx::query_as(
            "SELECT name, type, \"notnull\", pk FROM pragma_table_info($1) ORDER BY cid",
        )
        .bind(&table)
        .fetch_all(&mut *c)
        .await?;
        let mut key: Vec<(i64, String)> = Vec::new();
        for (name, declared, not_null, pk) in columns {
            // A primary key is never null, though SQLite does not flag it so.
            let nullable = !not_null && pk == 0;
            facts.push(format!(
                "column {table}.{name} {} {}",
                common_type(&declared),
                nullability(nullable)
            ));
            if pk > 0 {
                key.push((pk, name));
            }
        }
        key.sort();
        let key: Vec<String> = key.into_iter().map(|(_, name)| name).collect();
        if !key.is_empty() {
            facts.push(format!("primary key {table}({})", key.join(", ")));
        }
        let indexes: Vec<(String, bool, String)> = sqlx::query_as(
            "SELECT name, \"unique\", origin FROM pragma_index_list($1) ORDER BY name",
        )
        .bind(&table)
        .fetch_all(&mut *c)
        .await?;
        for (index, unique, origin) in indexes {
            if origin == "pk" {
                continue;
            }
            let columns: Vec<(String,)> =
                sqlx::query_as("SELECT name FROM pragma_index_info($1) ORDER BY seqno")
                    .bind(&index)
                    .fetch_all(&mut *c)
                    .await?;
            let columns: Vec<String> = columns.into_iter().map(|(name,)| name).collect();
            let kind = if unique { "unique index" } else { "index" };
            facts.push(format!("{kind} {table}({})", columns.join(", ")));
        }
    }
    Ok(facts)
}

async fn postgres_outline(c: &mut sqlx::PgConnection) -> Result<Vec<String>, StorageError> {
    let columns: Vec<(String, String, String, String)> = sqlx::query_as(
        "SELECT table_name::text, column_name::text, data_type::text, is_nullable::text
         FROM information_schema.columns
         WHERE table_schema = current_schema() AND table_name <> '_sqlx_migrations'
         ORDER BY table_name, ordinal_position",
    )
    .fetch_all(&mut *c)
    .await?;
    let mut facts: Vec<String> = columns
        .into_iter()
        .map(|(table, name, declared, nullable)| {
            format!(
                "column {table}.{name} {} {}",
                common_type(&declared),
                nullability(nullable == "YES")
            )
        })
        .collect();
    let indexes: Vec<(String, bool, bool, Vec<String>)> = sqlx::query_as(
        "SELECT t.relname::text, ix.indisprimary, ix.indisunique,
            ARRAY(SELECT a.attname::text FROM unnest(ix.indkey) WITH ORDINALITY AS k(attnum, n)
                  JOIN pg_attribute a ON a.attrelid = t.oid AND a.attnum = k.attnum
                  ORDER BY k.n)
         FROM pg_index ix
         JOIN pg_class t ON t.oid = ix.indrelid
         JOIN pg_namespace ns ON ns.oid = t.relnamespace
         WHERE ns.nspname = current_schema() AND t.relname <> '_sqlx_migrations'",
    )
    .fetch_all(&mut *c)
    .await?;
    for (table, primary, unique, columns) in indexes {
        let kind = match (primary, unique) {
            (true, _) => "primary key",
            (false, true) => "unique index",
            (false, false) => "index",
        };
        facts.push(format!("{kind} {table}({})", columns.join(", ")));
    }
    Ok(facts)
}
