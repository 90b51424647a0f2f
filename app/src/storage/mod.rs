//! The storage layer: the only place with SQL. One code path serves SQLite and PostgreSQL
//! through sqlx's `Any` driver; queries use `$1` parameters, which both accept.

// Rows are read as tuples in the order of each query's SELECT list, right beside it.
#![allow(clippy::type_complexity)]

mod accounts;
mod assessments;
mod commitments;
mod members;
mod milestones;
mod overview;
mod plans;
mod writes;

pub use accounts::*;
pub use assessments::*;
pub use commitments::*;
pub use members::*;
pub use milestones::*;
pub use overview::*;
pub use plans::*;
pub use writes::*;

use sqlx::any::{AnyConnectOptions, AnyPoolOptions};
use sqlx::{AnyPool, Transaction};
use std::str::FromStr;

pub type Tx<'a> = Transaction<'a, sqlx::Any>;

#[derive(Debug, thiserror::Error)]
pub enum StorageError {
    #[error("database error: {0}")]
    Database(#[from] sqlx::Error),
    #[error("migration failed: {0}")]
    Migration(#[from] sqlx::migrate::MigrateError),
    #[error("cannot prepare the database location: {0}")]
    Location(String),
    #[error("stored data is not readable: {0}")]
    Corrupt(String),
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// The connection pool and which database is behind it.
#[derive(Clone, Debug)]
pub struct Db {
    pub pool: AnyPool,
    pub backend: Backend,
}

static SQLITE_MIGRATIONS: sqlx::migrate::Migrator = sqlx::migrate!("../migrations/sqlite");
static POSTGRES_MIGRATIONS: sqlx::migrate::Migrator = sqlx::migrate!("../migrations/postgres");

impl Db {
    /// Opens `url` (`sqlite://...` or `postgres://...`), creating a SQLite file and its
    /// folder when missing.
    pub async fn connect(url: &str) -> Result<Db, StorageError> {
        sqlx::any::install_default_drivers();
        let backend = if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            Backend::Postgres
        } else if url.starts_with("sqlite:") {
            Backend::Sqlite
        } else {
            return Err(StorageError::Location(format!(
                "DATABASE_URL must start with sqlite:// or postgres://, not {url:?}"
            )));
        };
        let url = match backend {
            Backend::Sqlite => prepare_sqlite_url(url)?,
            Backend::Postgres => prepare_postgres_url(url),
        };
        let options = AnyConnectOptions::from_str(&url)?;
        let pool = AnyPoolOptions::new()
            .max_connections(match backend {
                Backend::Sqlite => 4,
                Backend::Postgres => 10,
            })
            .connect_with(options)
            .await?;
        if backend == Backend::Sqlite {
            // WAL lets readers go on while an import writes; it persists in the file.
            sqlx::query("PRAGMA journal_mode = WAL")
                .execute(&pool)
                .await?;
        }
        Ok(Db { pool, backend })
    }

    pub async fn migrate(&self) -> Result<(), StorageError> {
        match self.backend {
            Backend::Sqlite => SQLITE_MIGRATIONS.run(&self.pool).await?,
            Backend::Postgres => POSTGRES_MIGRATIONS.run(&self.pool).await?,
        }
        Ok(())
    }

    pub async fn begin(&self) -> Result<Tx<'static>, StorageError> {
        Ok(self.pool.begin().await?)
    }
}

/// Turns off PostgreSQL's prepared-statement cache. Through the `Any` driver a statement
/// first run with a NULL parameter keeps that NULL's guessed type, and a later run with a
/// value of the column's real type then fails ("incorrect binary data format").
fn prepare_postgres_url(url: &str) -> String {
    if url.contains("statement-cache-capacity") {
        url.to_string()
    } else if url.contains('?') {
        format!("{url}&statement-cache-capacity=0")
    } else {
        format!("{url}?statement-cache-capacity=0")
    }
}

/// Makes sure the SQLite file's folder exists and asks sqlx to create the file.
fn prepare_sqlite_url(url: &str) -> Result<String, StorageError> {
    let rest = url
        .trim_start_matches("sqlite://")
        .trim_start_matches("sqlite:");
    let path = rest.split('?').next().unwrap_or_default();
    if !path.is_empty() && path != ":memory:" {
        if let Some(parent) = std::path::Path::new(path).parent() {
            if !parent.as_os_str().is_empty() {
                std::fs::create_dir_all(parent)
                    .map_err(|e| StorageError::Location(format!("{}: {e}", parent.display())))?;
            }
        }
    }
    Ok(if url.contains("mode=") {
        url.to_string()
    } else if url.contains('?') {
        format!("{url}&mode=rwc")
    } else {
        format!("{url}?mode=rwc")
    })
}

/// Times are stored as fixed-width UTC text, so comparing the text compares the times.
pub fn timestamp(at: chrono::DateTime<chrono::Utc>) -> String {
    at.format("%Y-%m-%dT%H:%M:%S%.6fZ").to_string()
}

pub fn now() -> String {
    timestamp(chrono::Utc::now())
}

/// SQLite and PostgreSQL both store our flags as 0/1 integers.
pub(crate) fn flag(value: Option<bool>) -> Option<i64> {
    value.map(i64::from)
}

pub(crate) fn from_flag(value: Option<i64>) -> Option<bool> {
    value.map(|v| v != 0)
}

pub(crate) fn corrupt(what: &str, value: &str) -> StorageError {
    StorageError::Corrupt(format!("{what} {value:?}"))
}

pub(crate) fn slugify_policy_area(name: &str) -> String {
    crate::domain::slugify(name)
}
