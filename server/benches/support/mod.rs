//! What the benchmarks share: a fresh database to measure on.

use app::storage::Db;

/// A fresh, migrated database at `url`: a SQLite file, or a new database on the
/// PostgreSQL server (dropped again when the returned guard goes).
pub async fn fresh_database(url: &str) -> (Db, Option<DropDatabase>) {
    if url.starts_with("sqlite:") {
        let db = Db::connect(url).await.unwrap();
        db.migrate().await.unwrap();
        return (db, None);
    }
    let name = format!("ogp_bench_{}", std::process::id());
    let admin = sqlx::PgPool::connect(url).await.unwrap();
    for statement in [
        format!("DROP DATABASE IF EXISTS {name}"),
        format!("CREATE DATABASE {name}"),
    ] {
        sqlx::query(&statement).execute(&admin).await.unwrap();
    }
    let base = url.rsplit_once('/').map(|(b, _)| b).unwrap_or(url);
    let db = Db::connect(&format!("{base}/{name}")).await.unwrap();
    db.migrate().await.unwrap();
    (db, Some(DropDatabase { admin, name }))
}

pub struct DropDatabase {
    admin: sqlx::PgPool,
    name: String,
}

impl DropDatabase {
    pub async fn drop_now(self, db: Db) {
        db.close().await;
        sqlx::query(&format!(
            "DROP DATABASE IF EXISTS {} WITH (FORCE)",
            self.name
        ))
        .execute(&self.admin)
        .await
        .unwrap();
    }
}
