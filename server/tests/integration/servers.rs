//! The tracker as it is deployed: app servers started as processes of the real binary on one
//! database (the suite's SQLite file or PostgreSQL database), an import killed halfway, and
//! a PostgreSQL server restarted under a serving app.

use crate::browser::*;
use crate::common::*;
use app::domain::Role;
use axum::http::{header, StatusCode};
use ogp_tracker::commands::throttle;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// A process these tests started, killed when dropped (a failed test leaves none behind).
struct Running(Child);

impl Running {
    fn is_running(&mut self) -> bool {
        self.0.try_wait().unwrap().is_none()
    }
}

impl Drop for Running {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// A loopback address no one listens on now (the system's pick, released for the process
/// that is about to bind it).
fn free_address() -> SocketAddr {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
}

/// `ogp-tracker serve` on a free port of the loopback.
struct AppServer {
    process: Running,
    addr: SocketAddr,
}

/// Where a process started by these tests writes what it prints, to read when one fails.
fn log_file(name: &str) -> std::fs::File {
    let path = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join(format!(
        "{name}-{}-{}.log",
        std::process::id(),
        chrono::Utc::now().timestamp_micros()
    ));
    std::fs::File::create(path).unwrap()
}

fn tracker(database_url: &str, log: &str) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_ogp-tracker"));
    let out = log_file(log);
    command
        .env("DATABASE_URL", database_url)
        .env("RUST_LOG", "warn")
        .env_remove("DEMO_IF_EMPTY")
        .stdin(Stdio::null())
        .stdout(out.try_clone().unwrap())
        .stderr(out);
    command
}

impl AppServer {
    async fn start(database_url: &str) -> AppServer {
        let addr = free_address();
        let child = tracker(database_url, "app-server")
            .args(["serve", "--addr", &addr.to_string()])
            .spawn()
            .expect("start ogp-tracker serve");
        let mut server = AppServer {
            process: Running(child),
            addr,
        };
        let started = Instant::now();
        while tokio::net::TcpStream::connect(addr).await.is_err() {
            assert!(
                server.is_running(),
                "the app server stopped before it listened"
            );
            assert!(
                started.elapsed() < Duration::from_secs(60),
                "the app server did not listen within a minute"
            );
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        server
    }

    fn is_running(&mut self) -> bool {
        self.process.is_running()
    }
}

/// `browser`, with its cookies and page token, talking to `server` instead.
fn on(browser: &Browser, server: &AppServer) -> Browser {
    let mut browser = browser.clone();
    browser.server = Some(server.addr);
    browser
}

#[tokio::test]
async fn two_app_servers_share_sessions_lose_no_edit_and_throttle_together() {
    let t = test_db().await;
    small_demo(&t.db).await;
    let milestone = open_demo_milestone(&t.db).await;
    add_user(
        &t.db,
        "poc@ministry.example",
        &[(Role::Poc, Some("XAA"), Some(&milestone.lead))],
    )
    .await;
    let (a, b) = (
        AppServer::start(&t.url).await,
        AppServer::start(&t.url).await,
    );

    // A session made on one server works on the other.
    let mut on_a = Browser::at(a.addr);
    let signed_in = on_a.sign_in("poc@ministry.example", PASSWORD).await;
    assert_eq!(
        signed_in.status,
        StatusCode::SEE_OTHER,
        "{}",
        signed_in.body
    );
    assert_eq!(on(&on_a, &b).get("/account").await.status, StatusCode::OK);
    assert_eq!(
        Browser::at(b.addr).get("/account").await.status,
        StatusCode::UNAUTHORIZED,
        "and only with its cookie"
    );

    // 100 edits made from the same version, half to each server, at once: each is applied
    // or refused with 409, exactly one is applied, and it is what is stored.
    on_a.csrf().await;
    let version = milestone_version(&t.db, milestone.id).await;
    let updates_before = count(&t.db, "progress_updates").await;
    let edits: Vec<_> = (0..100)
        .map(|i| {
            let mut browser = on(&on_a, if i % 2 == 0 { &a } else { &b });
            let id = milestone.id;
            tokio::spawn(async move {
                let narrative = format!("Edit number {i}.");
                let answer = browser
                    .post_update(id, "in_progress", "60", &narrative, version)
                    .await;
                (answer.status, narrative)
            })
        })
        .collect();
    let mut applied = Vec::new();
    for edit in edits {
        let (status, narrative) = edit.await.unwrap();
        match status {
            StatusCode::SEE_OTHER => applied.push(narrative),
            StatusCode::CONFLICT => {}
            other => panic!("an edit was answered {other}, neither applied nor refused"),
        }
    }
    assert_eq!(applied.len(), 1, "of edits from one version, one wins");
    assert_eq!(milestone_version(&t.db, milestone.id).await, version + 1);
    assert_eq!(
        count(&t.db, "progress_updates").await,
        updates_before + 1,
        "nothing of a refused edit is written"
    );
    let stored: (String,) = on_pool!(&t.db, |pool| sqlx::query_as(
        "SELECT narrative FROM progress_updates WHERE milestone_id = $1
         ORDER BY id DESC LIMIT 1"
    )
    .bind(milestone.id)
    .fetch_one(pool)
    .await
    .unwrap());
    assert_eq!(stored.0, applied[0]);

    // Failed sign-ins spread over both servers count together.
    add_user(&t.db, "ana@example.org", &[]).await;
    let mut guesser = Browser::at(a.addr);
    for i in 0..throttle::PAIR.attempts {
        guesser.server = Some(if i % 2 == 0 { a.addr } else { b.addr });
        let answer = guesser.sign_in("ana@example.org", "wrong password!").await;
        assert_eq!(answer.status, StatusCode::UNPROCESSABLE_ENTITY);
    }
    for server in [&a, &b] {
        guesser.server = Some(server.addr);
        assert_eq!(
            guesser.sign_in("ana@example.org", PASSWORD).await.status,
            StatusCode::TOO_MANY_REQUESTS,
            "throttled on every server"
        );
    }
    assert_kept_totals(&t.db).await;
}

/// Whether another connection holds a write transaction open on the test's database.
async fn a_write_is_under_way(t: &TestDb) -> bool {
    use sqlx::{ConnectOptions, Connection};
    match &t.db {
        app::storage::Db::Sqlite(..) => {
            // Asking for the write lock without waiting fails while someone else holds it.
            let mut probe =
                <sqlx::sqlite::SqliteConnectOptions as std::str::FromStr>::from_str(&t.url)
                    .unwrap()
                    .busy_timeout(Duration::ZERO)
                    .connect()
                    .await
                    .unwrap();
            let held = sqlx::query("BEGIN IMMEDIATE")
                .execute(&mut probe)
                .await
                .is_err();
            if !held {
                sqlx::query("ROLLBACK").execute(&mut probe).await.unwrap();
            }
            probe.close().await.unwrap();
            held
        }
        app::storage::Db::Postgres(pool) => {
            let (writing,): (i64,) = sqlx::query_as(
                "SELECT COUNT(*) FROM pg_stat_activity WHERE datname = current_database()
                 AND pid <> pg_backend_pid() AND backend_xid IS NOT NULL",
            )
            .fetch_one(pool)
            .await
            .unwrap();
            writing > 0
        }
    }
}

#[tokio::test]
async fn an_import_killed_halfway_leaves_the_database_as_it_was() {
    let file = shared_data(EXPLORER);
    let t = test_db().await;
    small_demo(&t.db).await;
    let before = counts(&t.db).await;
    let mut import = Running(
        tracker(&t.url, "import")
            .arg("import")
            .arg(&file)
            .spawn()
            .unwrap(),
    );
    // Killed once its transaction has written, and a little more.
    let started = Instant::now();
    while !a_write_is_under_way(&t).await {
        assert!(import.is_running(), "the import ended before it was killed");
        assert!(started.elapsed() < Duration::from_secs(60));
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    tokio::time::sleep(Duration::from_millis(200)).await;
    assert!(
        import.is_running(),
        "the import was still running when killed"
    );
    import.0.kill().unwrap(); // SIGKILL: no chance to roll back by itself
    import.0.wait().unwrap();
    assert_eq!(counts(&t.db).await, before, "nothing of the import is kept");
    assert_kept_totals(&t.db).await;

    // The database is left usable: the same import runs to its end afterwards.
    let again = tracker(&t.url, "import")
        .arg("import")
        .arg(&file)
        .status()
        .unwrap();
    assert!(again.success());
    assert_eq!(
        count(&t.db, "commitments").await,
        before[2].1 + 1922,
        "every commitment of the file"
    );
}

/// A PostgreSQL cluster of this test's own, which it may stop and start (the suite's is
/// shared by every test).
struct PrivateCluster {
    data: PathBuf,
    port: u16,
}

impl PrivateCluster {
    fn command(&self, mode: Option<&str>) -> Command {
        let script = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../scripts/postgres.sh");
        let mut command = Command::new(script);
        command
            .env("PG_DATA", &self.data)
            .env("PG_PORT", self.port.to_string())
            .stderr(Stdio::null());
        if let Some(mode) = mode {
            command.arg(mode);
        }
        command
    }

    /// Runs scripts/postgres.sh on this cluster (start it anew, `start`, `stop`); answers
    /// what it prints.
    fn script(&self, mode: Option<&str>) -> String {
        let output = self.command(mode).output().unwrap();
        assert!(output.status.success(), "scripts/postgres.sh {mode:?}");
        String::from_utf8(output.stdout).unwrap().trim().to_string()
    }

    /// A new cluster; answers its URL.
    fn start() -> (PrivateCluster, String) {
        let port = free_address().port();
        let cluster = PrivateCluster {
            data: PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join(format!("pg-{port}")),
            port,
        };
        let url = cluster.script(None);
        (cluster, url)
    }
}

impl Drop for PrivateCluster {
    fn drop(&mut self) {
        // No assertion here: a drop while a failed test unwinds must not panic again.
        let _ = self.command(Some("stop")).status();
        let _ = std::fs::remove_dir_all(&self.data);
    }
}

#[tokio::test]
async fn a_restarted_postgresql_is_answered_503_then_the_same_app_server_recovers() {
    let (cluster, url) = PrivateCluster::start();
    let db = app::storage::Db::connect(&url).await.unwrap();
    db.migrate().await.unwrap();
    small_demo(&db).await;
    db.close().await;
    let mut server = AppServer::start(&url).await;
    let mut reader = Browser::at(server.addr);
    for page in ["/", "/members"] {
        assert_eq!(reader.get(page).await.status, StatusCode::OK, "{page}");
    }

    cluster.script(Some("stop"));
    // A browser with a session cookie is refused before any page, on reading its session.
    let mut returning = Browser::at(server.addr);
    returning
        .cookies
        .insert("ogp_session".into(), "a".repeat(64));
    let answers = [
        ("/", reader.get("/").await),
        ("/members", reader.get("/members").await),
        ("/ with a session", returning.get("/").await),
    ];
    for (page, answer) in answers {
        assert_eq!(
            answer.status,
            StatusCode::SERVICE_UNAVAILABLE,
            "{page} while the database is down: {}",
            answer.body
        );
        assert_eq!(
            answer
                .headers
                .get(header::RETRY_AFTER)
                .map(|v| v.to_str().unwrap()),
            Some(app::error::UNAVAILABLE_RETRY_SECONDS.to_string().as_str()),
            "{page}: when to try again"
        );
    }

    cluster.script(Some("start"));
    let restarted = Instant::now();
    loop {
        let status = reader.get("/").await.status;
        if status == StatusCode::OK {
            break;
        }
        assert_eq!(status, StatusCode::SERVICE_UNAVAILABLE);
        assert!(
            restarted.elapsed() < Duration::from_secs(30),
            "no recovery within 30 s of the restart"
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    assert_eq!(reader.get("/members").await.status, StatusCode::OK);
    assert!(server.is_running(), "recovered without restarting the app");
}
