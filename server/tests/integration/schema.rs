//! The two migration sets cannot drift: a fresh SQLite database and a fresh PostgreSQL
//! database, each migrated, have the same tables, columns (types in a shared vocabulary,
//! nullability), primary keys, unique constraints and indexes.

use crate::common::*;
use app::storage::{dialect, Backend, Db};

/// Differences that are meant to be there, each with the reason. Empty: none are.
const INTENDED: &[(&str, &str)] = &[];

/// The PostgreSQL server to compare with: the suite's own, or the one `make test` starts
/// for the SQLite run too.
fn postgres_url() -> String {
    postgres_server()
        .or_else(|| {
            std::env::var("SCHEMA_DATABASE_URL")
                .ok()
                .filter(|u| !u.is_empty())
        })
        .expect(
            "the schema comparison needs a PostgreSQL server: run `make test`, or set \
             TEST_DATABASE_URL or SCHEMA_DATABASE_URL to one (scripts/postgres.sh starts one)",
        )
}

async fn fresh_postgres() -> (Db, String) {
    let admin_url = postgres_url();
    let name = format!("ogp_schema_{}", std::process::id());
    let admin = sqlx::PgPool::connect(&admin_url).await.unwrap();
    for statement in [
        format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"),
        format!("CREATE DATABASE {name}"),
    ] {
        sqlx::query(&statement).execute(&admin).await.unwrap();
    }
    let base = admin_url.rsplit_once('/').map(|(b, _)| b).unwrap();
    let db = Db::connect(&format!("{base}/{name}")).await.unwrap();
    db.migrate().await.unwrap();
    (db, name)
}

#[tokio::test]
async fn sqlite_and_postgres_migrate_to_the_same_schema() {
    let dir = tempfile::tempdir().unwrap();
    let sqlite = Db::connect(&format!("sqlite://{}/schema.db", dir.path().display()))
        .await
        .unwrap();
    sqlite.migrate().await.unwrap();
    let (postgres, name) = fresh_postgres().await;
    assert_eq!(
        (sqlite.backend(), postgres.backend()),
        (Backend::Sqlite, Backend::Postgres)
    );
    let lite = dialect::schema_outline(&mut conn(&sqlite).await)
        .await
        .unwrap();
    let pg = dialect::schema_outline(&mut conn(&postgres).await)
        .await
        .unwrap();
    postgres.close().await;
    let admin = sqlx::PgPool::connect(&postgres_url()).await.unwrap();
    sqlx::query(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
        .execute(&admin)
        .await
        .unwrap();

    assert!(
        lite.iter()
            .any(|f| f == "column milestones.version integer not null")
            && lite
                .iter()
                .any(|f| f == "column users.created_at timestamp not null")
            && lite
                .iter()
                .any(|f| f == "column commitments.demo boolean not null")
            && lite.iter().any(|f| f == "unique index members(code)")
            && lite
                .iter()
                .any(|f| f == "index change_entries(commitment_id, change_id)"),
        "the outline reads what it should: {lite:#?}"
    );
    assert!(
        lite.iter().chain(&pg).all(|f| !f.contains("unknown(")),
        "a column type outside the shared vocabulary: {:?}",
        lite.iter()
            .chain(&pg)
            .filter(|f| f.contains("unknown("))
            .collect::<Vec<_>>()
    );
    let intended = |fact: &String| INTENDED.iter().any(|(f, _)| f == fact);
    let only_sqlite: Vec<&String> = lite
        .iter()
        .filter(|f| !pg.contains(f) && !intended(f))
        .collect();
    let only_postgres: Vec<&String> = pg
        .iter()
        .filter(|f| !lite.contains(f) && !intended(f))
        .collect();
    assert!(
        only_sqlite.is_empty() && only_postgres.is_empty(),
        "the migration sets differ.\nonly in SQLite: {only_sqlite:#?}\nonly in PostgreSQL: {only_postgres:#?}"
    );
}

#[test]
fn the_comparison_fails_on_a_difference() {
    // The same check as above, on outlines that differ in one column's nullability.
    let lite = vec!["column t.a text not null".to_string()];
    let pg = vec!["column t.a text null".to_string()];
    let only_sqlite: Vec<&String> = lite.iter().filter(|f| !pg.contains(f)).collect();
    assert_eq!(only_sqlite.len(), 1);
}
