//! The command line: configuration by flag or environment, and the subcommands.

use crate::commands::{demo, members, plan_csv, plans, Actor, AppError};
use crate::{http, import, users};
use app::storage::{Db, StorageError};
use clap::{Parser, Subcommand};
use std::path::PathBuf;

#[derive(Debug, Parser)]
#[command(
    name = "ogp-tracker",
    version,
    about = "Open Government Partnership commitment tracker"
)]
pub struct Cli {
    /// Database: sqlite://PATH (created on first start) or postgres://USER@HOST/DB.
    #[arg(
        long,
        env = "DATABASE_URL",
        default_value = "sqlite://data/ogp-tracker.db",
        global = true
    )]
    pub database_url: String,
    /// Log filter, e.g. `info` or `ogp_tracker=debug,info`.
    #[arg(long, env = "LOG_LEVEL", default_value = "info", global = true)]
    pub log_level: String,
    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Migrate the database and serve the site (the default).
    Serve(ServeArgs),
    /// Apply database migrations and exit.
    Migrate,
    /// Import an OGP commitment file (either published layout) and print a report.
    Import {
        file: PathBuf,
        /// Report what the import would do, without writing.
        #[arg(long)]
        dry_run: bool,
    },
    /// Manage accounts from the shell: the first admin, and scripting.
    #[command(subcommand)]
    User(UserCommand),
    /// Manage members: a new installation for one country or city starts with its own.
    #[command(subcommand)]
    Member(MemberCommand),
    /// Manage action plans.
    #[command(subcommand)]
    Plan(PlanCommand),
    /// Write compressed copies (.zst, .br, .gz) of the built assets in DIR where they are
    /// missing or older than the asset; `serve` runs it in the background at start.
    Precompress { dir: PathBuf },
    /// Generate demo data (scale 1 is about OGP's size).
    Demo {
        #[arg(long, default_value_t = 1.0)]
        scale: f64,
        #[arg(long, default_value_t = 2011)]
        seed: u64,
    },
}

#[derive(Debug, Subcommand)]
pub enum MemberCommand {
    /// Create a member.
    Add {
        /// Member code: 2 to 12 letters or digits (ARG, BR-SP).
        #[arg(long)]
        code: String,
        #[arg(long)]
        name: String,
        #[arg(long, value_parser = ["national", "local"])]
        kind: String,
        #[arg(long, value_parser = ["africa_middle_east", "americas", "asia_pacific", "europe"])]
        region: Option<String>,
        /// The letters commitment IDs start with (AR for AR0001).
        #[arg(long)]
        prefix: String,
    },
}

#[derive(Debug, Subcommand)]
pub enum PlanCommand {
    /// Create a draft action plan of a member and print its key.
    Create {
        #[arg(long)]
        member: String,
        #[arg(long)]
        number: String,
        /// YYYY-MM-DD
        #[arg(long)]
        start: String,
        /// YYYY-MM-DD
        #[arg(long)]
        end: String,
        #[arg(long)]
        title: Option<String>,
        #[arg(long)]
        document_url: Option<String>,
    },
    /// Print a plan as CSV (one row per milestone), to edit in a spreadsheet.
    Download {
        #[arg(long)]
        plan: String,
    },
    /// Read a plan's CSV file back: print what each row does and, unless --dry-run, apply
    /// it in one transaction. Nothing is applied when any row is refused (exit status 1).
    Upload {
        file: PathBuf,
        #[arg(long)]
        plan: String,
        /// The account the changes are made as: its grants decide, its role is named.
        #[arg(long = "as")]
        account: String,
        #[arg(long)]
        dry_run: bool,
    },
}

#[derive(Debug, Subcommand)]
pub enum UserCommand {
    /// Create an account with a role (or add the role to an existing account) and print
    /// a one-time link that sets its password.
    Add {
        #[arg(long)]
        email: String,
        #[arg(long, value_parser = ["admin", "poc", "reviewer", "irm"])]
        role: String,
        /// Member code (e.g. AR) the role is limited to; required except for admin.
        #[arg(long)]
        member: Option<String>,
        /// For a point of contact: the one lead institution whose commitments they keep.
        #[arg(long)]
        institution: Option<String>,
        /// Name shown on the account; the e-mail's local part when absent.
        #[arg(long)]
        name: Option<String>,
        /// The site's public address, for the printed link.
        #[arg(long, env = "PUBLIC_URL", default_value = "http://127.0.0.1:3000")]
        public_url: String,
    },
    /// Print a one-time password-reset link for an account.
    ResetLink {
        #[arg(long)]
        email: String,
        #[arg(long, env = "PUBLIC_URL", default_value = "http://127.0.0.1:3000")]
        public_url: String,
    },
}

/// Options of `serve`, which is also what runs without a subcommand (as under cargo-leptos),
/// so they are read from the environment then too.
#[derive(Debug, Parser)]
pub struct ServeArgs {
    /// Address to listen on.
    #[arg(long, env = "LEPTOS_SITE_ADDR")]
    pub addr: Option<std::net::SocketAddr>,
    /// Load demo data when the database holds no member yet.
    #[arg(long, env = "DEMO_IF_EMPTY")]
    pub demo_if_empty: bool,
    /// Behind a reverse proxy: trust its X-Forwarded-For, X-Forwarded-Proto and
    /// X-Forwarded-Host headers.
    #[arg(long, env = "TRUST_PROXY")]
    pub trust_proxy: bool,
    /// With --trust-proxy: how many proxies in a row stand in front of the app, each
    /// appending to X-Forwarded-For (the client is the entry this many from the right).
    #[arg(long, env = "TRUSTED_PROXY_HOPS", default_value_t = 1, value_parser = clap::value_parser!(u8).range(1..=16))]
    pub trusted_proxy_hops: u8,
    /// The site's public address, for the one-time links shown to admins.
    #[arg(long, env = "PUBLIC_URL")]
    pub public_url: Option<String>,
    /// Requests served at once; more are answered 503 at once.
    #[arg(long, env = "MAX_CONCURRENT_REQUESTS", default_value_t = 512, value_parser = clap::value_parser!(u32).range(1..))]
    pub max_concurrent_requests: u32,
    /// Seconds a request may take before it is answered 503.
    #[arg(long, env = "REQUEST_TIMEOUT_SECONDS", default_value_t = 30, value_parser = clap::value_parser!(u64).range(1..=3600))]
    pub request_timeout_seconds: u64,
    /// Megabytes of rendered public pages kept for visitors who are not signed in (0:
    /// none, every page is rendered).
    #[arg(long, env = "PAGE_CACHE_MB", default_value_t = 16, value_parser = clap::value_parser!(u32).range(0..=4096))]
    pub page_cache_mb: u32,
}

#[derive(Debug, thiserror::Error)]
pub enum CliError {
    #[error(transparent)]
    Storage(#[from] StorageError),
    #[error(transparent)]
    Import(#[from] import::ImportError),
    #[error("{0}")]
    Invalid(String),
    #[error("server failed: {0}")]
    Serve(String),
    /// The preview printed says which rows, and why.
    #[error("rows were refused, so nothing was applied")]
    Refused,
}

/// A command refused: name the flag (the form field's name, but `--name` for
/// `display_name`) and give the same reason as the web form, in English.
impl From<AppError> for CliError {
    fn from(error: AppError) -> Self {
        let reason = error.reason(app::i18n::Lang::En);
        CliError::Invalid(match error.field() {
            Some("display_name") => format!("--name: {reason}"),
            Some(field) => format!("--{field}: {reason}"),
            None => reason,
        })
    }
}

/// Prints to standard output; a closed pipe (`| head`) is not an error worth a panic.
fn say(text: &str) {
    use std::io::Write;
    let _ = std::io::stdout().write_all(text.as_bytes());
}

async fn open(url: &str) -> Result<Db, CliError> {
    let db = Db::connect(url).await?;
    db.migrate().await?;
    Ok(db)
}

pub async fn run(cli: Cli) -> Result<(), CliError> {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_new(&cli.log_level)
                .map_err(|e| CliError::Invalid(format!("--log-level {:?}: {e}", cli.log_level)))?,
        )
        .with_writer(std::io::stderr)
        .init();
    let command = match cli.command {
        Some(command) => command,
        None => Command::Serve(
            ServeArgs::try_parse_from(["ogp-tracker"])
                .map_err(|e| CliError::Invalid(e.to_string()))?,
        ),
    };
    match command {
        Command::Serve(ServeArgs {
            addr,
            demo_if_empty,
            trust_proxy,
            trusted_proxy_hops,
            public_url,
            max_concurrent_requests,
            request_timeout_seconds,
            page_cache_mb,
        }) => {
            let db = open(&cli.database_url).await?;
            if demo_if_empty && app::storage::is_empty(&mut db.acquire().await?).await? {
                tracing::info!("database is empty: loading demo data");
                let summary =
                    demo::generate(&db, &Actor::CommandLine, &demo::DemoConfig::default()).await?;
                tracing::info!("{summary}");
            }
            for email in demo::published_passwords_in_use(&db).await? {
                tracing::warn!(
                    "the demo account {email} still has the password published in the README: \
                     anyone can sign in with its role. Change its password or disable it, \
                     or use this database for trying the tracker only"
                );
            }
            let hops = if trust_proxy {
                usize::from(trusted_proxy_hops)
            } else {
                0
            };
            let limits = crate::limits::Limits {
                concurrent_requests: max_concurrent_requests as usize,
                timeout: std::time::Duration::from_secs(request_timeout_seconds),
                page_cache_bytes: page_cache_mb as usize * (1 << 20),
            };
            http::serve(db, addr, hops, public_url, limits)
                .await
                .map_err(|e| CliError::Serve(e.to_string()))
        }
        Command::Migrate => {
            open(&cli.database_url).await?;
            say("Database is up to date.\n");
            Ok(())
        }
        Command::Import { file, dry_run } => {
            let db = open(&cli.database_url).await?;
            let report = import::import_file(&db, &file, dry_run).await?;
            say(&report.to_string());
            Ok(())
        }
        Command::User(command) => {
            let db = open(&cli.database_url).await?;
            say(&format!("{}\n", users::run(&db, command).await?));
            Ok(())
        }
        Command::Member(MemberCommand::Add {
            code,
            name,
            kind,
            region,
            prefix,
        }) => {
            let db = open(&cli.database_url).await?;
            let input = app::input::MemberInput {
                code,
                name,
                kind,
                region: region.unwrap_or_default(),
                prefix,
                version: String::new(),
            };
            let member = members::add(&db, &Actor::CommandLine, &input).await?;
            say(&format!(
                "Member {} ({}) created; its page is /members/{}\n",
                member.name, member.code, member.slug
            ));
            Ok(())
        }
        Command::Plan(command) => {
            let db = open(&cli.database_url).await?;
            let (text, refused) = plan(&db, command).await?;
            say(&text);
            if refused {
                return Err(CliError::Refused);
            }
            Ok(())
        }
        Command::Precompress { dir } => {
            let written = crate::http::precompress_assets(&dir).map_err(|e| {
                CliError::Invalid(format!("cannot compress {}: {e}", dir.display()))
            })?;
            // Logged as well: `serve` runs this in a child whose output goes to its log.
            if written > 0 {
                tracing::info!("precompressed {written} asset files in {}", dir.display());
            }
            say(&format!(
                "Compressed {written} files in {}.\n",
                dir.display()
            ));
            Ok(())
        }
        Command::Demo { scale, seed } => {
            if !(scale > 0.0 && scale <= 100.0) {
                return Err(CliError::Invalid(format!(
                    "--scale must be above 0 and at most 100, not {scale}"
                )));
            }
            let db = open(&cli.database_url).await?;
            let summary =
                demo::generate(&db, &Actor::CommandLine, &demo::DemoConfig { scale, seed }).await?;
            say(&format!("{summary}\n"));
            Ok(())
        }
    }
}

/// Runs a `plan` subcommand; answers what to print, and whether rows of an upload were
/// refused (then nothing was applied).
pub async fn plan(db: &Db, command: PlanCommand) -> Result<(String, bool), CliError> {
    match command {
        PlanCommand::Create {
            member,
            number,
            start,
            end,
            title,
            document_url,
        } => {
            let input = app::input::PlanInput {
                number,
                title: title.unwrap_or_default(),
                start_date: start,
                end_date: end,
                document_url: document_url.unwrap_or_default(),
                version: String::new(),
            };
            let plan = plans::create(db, &Actor::CommandLine, &member, &input).await?;
            Ok((format!("{}\n", plan.key), false))
        }
        PlanCommand::Download { plan } => {
            let mut conn = db.acquire().await?;
            Ok((plan_csv::download(&mut conn, &plan).await?, false))
        }
        PlanCommand::Upload {
            file,
            plan,
            account,
            dry_run,
        } => {
            let bytes = std::fs::read(&file)
                .map_err(|e| CliError::Invalid(format!("cannot read {}: {e}", file.display())))?;
            let actor = crate::commands::accounts::account_actor(db, &account).await?;
            let name = file
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default();
            let apply = if dry_run {
                plan_csv::Apply::No
            } else {
                plan_csv::Apply::Yes
            };
            let preview = plan_csv::upload(db, &actor, &plan, &name, &bytes, apply).await?;
            Ok((
                plan_csv::report(&preview, app::i18n::Lang::En),
                preview.refused(),
            ))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn user_add(rest: &[&str]) -> Result<Cli, clap::Error> {
        let start = ["ogp-tracker", "user", "add", "--email", "a@example.org"];
        Cli::try_parse_from(start.iter().chain(rest))
    }

    #[test]
    fn member_add_reads_its_options_and_lists_the_kinds() {
        let parse = |kind: &str| {
            Cli::try_parse_from([
                "ogp-tracker",
                "member",
                "add",
                "--code",
                "URY",
                "--name",
                "Uruguay",
                "--kind",
                kind,
                "--prefix",
                "UY",
            ])
        };
        assert!(matches!(
            parse("national").unwrap().command,
            Some(Command::Member(MemberCommand::Add { ref code, region: None, .. })) if code == "URY"
        ));
        let text = parse("country").unwrap_err().to_string();
        assert!(text.contains("possible values: national, local"), "{text}");
    }

    #[test]
    fn user_add_lists_the_roles_when_given_another() {
        let text = user_add(&["--role", "king"]).unwrap_err().to_string();
        assert!(
            text.contains("--role") && text.contains("possible values: admin, poc, reviewer, irm"),
            "{text}"
        );
        let parsed = user_add(&["--role", "poc", "--member", "ARG"]).unwrap();
        assert!(matches!(
            parsed.command,
            Some(Command::User(UserCommand::Add { ref role, .. })) if role == "poc"
        ));
    }
}
