//! The `efiling` command: run the service, migrate the database, print the API contract,
//! and the operators' provisioning: staff accounts, the import of legacy lawyers, the
//! legal-worker sync and integration clients.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context;
use clap::{Parser, Subcommand};
use diesel::{Connection, PgConnection};
use efiling::config::Config;
use efiling::errors::{ApiError, Code, Lang};
use efiling::integrations::Integrations;
use efiling::services::legal_workers::{self, Trigger};
use efiling::services::staff::{self, StaffInput};
use efiling::{http, logging, server};

#[derive(Parser)]
#[command(
    name = "efiling",
    version,
    about = "Shandong courts e-litigation service platform backend"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Run the HTTP API. Without DATABASE_URL it starts an embedded PostgreSQL under
    /// EFILING_DATA_DIR (default .data/) and migrates it.
    Serve {
        /// Address to listen on, e.g. 127.0.0.1:8080 or localhost:8080.
        #[arg(long, env = "EFILING_LISTEN", default_value = "127.0.0.1:8080",
              value_parser = efiling::config::listen_address)]
        listen: SocketAddr,
    },
    /// Apply database migrations and load the reference data (idempotent).
    Migrate,
    /// Print the OpenAPI contract.
    Openapi {
        /// Print JSON instead of YAML.
        #[arg(long)]
        json: bool,
    },
    /// Provision accounts: staff, lawyers from the legacy platform, legal workers. Uses
    /// DATABASE_URL or the embedded cluster, and migrates first.
    Accounts {
        #[command(subcommand)]
        command: AccountsCommand,
    },
    /// Manage integration clients (the mini-program backend, …). Uses DATABASE_URL or the
    /// embedded cluster, and migrates first.
    Clients {
        #[command(subcommand)]
        command: ClientsCommand,
    },
    /// Play the courts' trial-management system against a running service (development).
    TrialSystem {
        #[command(subcommand)]
        command: TrialSystemCommand,
    },
}

#[derive(Subcommand)]
enum TrialSystemCommand {
    /// Push realistic registered cases (open and closed, across the basic courts), then read
    /// the feed of filings and register every case docketed on the platform by pushing it
    /// back; with `--follow`, keep reading the feed.
    Simulate {
        /// The platform, e.g. http://127.0.0.1:8080.
        #[arg(
            long,
            env = "EFILING_BASE_URL",
            default_value = "http://127.0.0.1:8080"
        )]
        base_url: String,
        /// The key of an integration client holding the `trial_system` scope
        /// (`efiling clients create --name trial-system --scope trial_system`).
        #[arg(long, env = "EFILING_TRIAL_SYSTEM_KEY")]
        key: String,
        /// How many cases to push first.
        #[arg(long, default_value_t = 50)]
        cases: usize,
        /// The first sequence number of the pushed cases' numbers (each case takes the
        /// next); pick a range docketing has not reached.
        #[arg(long, default_value_t = 80_000)]
        first_sequence: u32,
        /// Seed of the generated cases: the same seed pushes the same cases (an update
        /// changes nothing).
        #[arg(long, default_value_t = 1)]
        seed: u64,
        /// Keep reading the feed every few seconds until stopped.
        #[arg(long)]
        follow: bool,
        /// Seconds between reads of the feed with `--follow`.
        #[arg(long, default_value_t = 5)]
        interval_seconds: u64,
    },
}

#[derive(Subcommand)]
enum AccountsCommand {
    /// Import lawyer accounts from the legacy platform's CSV export.
    ///
    /// The file is UTF-8 with the header `name,id_number,licence_number,phone,law_firm`;
    /// `phone` may be empty or a landline. Each lawyer gets an active account whose
    /// password is the last eight characters of the ID number, to be changed at the first
    /// login. Lines whose ID number or licence number an account already holds are skipped,
    /// so the same file can be imported again. Invalid lines are reported by line number
    /// and do not stop the others; the command then exits non-zero.
    ImportLawyers {
        /// The CSV file.
        file: PathBuf,
    },
    /// Create an administrator account (active; logs in with the login name).
    CreateAdmin {
        /// Login name: 3 to 64 letters, digits, `.`, `-` or `_`; stored lower-case.
        #[arg(long)]
        login: String,
        /// The holder's name.
        #[arg(long)]
        name: String,
        /// Password: 8 to 128 characters mixing at least two of letters, digits and
        /// symbols.
        #[arg(long)]
        password: String,
        /// Make the holder replace the password at the first login.
        #[arg(long)]
        temporary_password: bool,
    },
    /// Create a judge's account (active; logs in with the login name).
    CreateJudge {
        /// The judge's court, e.g. 鲁0102.
        #[arg(long)]
        court: String,
        /// Login name: 3 to 64 letters, digits, `.`, `-` or `_`; stored lower-case.
        #[arg(long)]
        login: String,
        /// The judge's name.
        #[arg(long)]
        name: String,
        /// Password: 8 to 128 characters mixing at least two of letters, digits and
        /// symbols.
        #[arg(long)]
        password: String,
        /// Make the judge replace the password at the first login.
        #[arg(long)]
        temporary_password: bool,
    },
    /// Pull the justice department's list of legal workers now and convert the matching
    /// party accounts (the justice-department variables configure where it is pulled from).
    SyncLegalWorkers,
}

#[derive(Subcommand)]
enum ClientsCommand {
    /// Create an integration client and print its key, `<client id>.<secret>`, once: only
    /// its hash is stored. The client sends it as `Authorization: Bearer <key>`.
    Create {
        /// A unique name, e.g. mini-program.
        #[arg(long)]
        name: String,
        /// What the client may do; repeat for several. Known: mini_program.
        #[arg(long = "scope", value_name = "SCOPE", required = true)]
        scopes: Vec<String>,
    },
}

fn main() -> ExitCode {
    let _ = dotenvy::dotenv();
    let cli = Cli::parse();
    match run(cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("efiling: {error:#}");
            ExitCode::FAILURE
        }
    }
}

fn run(cli: Cli) -> anyhow::Result<()> {
    match cli.command {
        Command::Openapi { json } => {
            let api = http::openapi();
            let text = if json {
                api.to_pretty_json()?
            } else {
                api.to_yaml()?
            };
            print!("{text}");
            Ok(())
        }
        Command::Migrate => {
            let config = Config::from_env()?;
            logging::init(config.log_format);
            let database = server::Database::open(&config)?;
            let result = server::migrate(&database.url);
            database.close();
            result?;
            eprintln!("efiling: migrations applied and reference data loaded");
            Ok(())
        }
        Command::Serve { listen } => {
            let mut config = Config::from_env()?;
            config.listen = listen;
            logging::init(config.log_format);
            server::serve(config)
        }
        Command::Accounts { command } => with_database(|conn| accounts(conn, command)),
        Command::TrialSystem {
            command:
                TrialSystemCommand::Simulate {
                    base_url,
                    key,
                    cases,
                    first_sequence,
                    seed,
                    follow,
                    interval_seconds,
                },
        } => simulate_trial_system(
            &base_url,
            &key,
            cases,
            first_sequence,
            seed,
            follow.then(|| std::time::Duration::from_secs(interval_seconds.max(1))),
        ),
        Command::Clients {
            command: ClientsCommand::Create { name, scopes },
        } => with_database(|conn| {
            let client = staff::create_client(conn, &name, &scopes, &staff::cli_actor())?;
            eprintln!(
                "efiling: created client {} ({:?}, scopes {}); its key follows and is shown \
                 only now: store it safely",
                client.id,
                client.name,
                client.scopes.join(", ")
            );
            println!("{}", client.key);
            Ok(())
        }),
    }
}

/// Plays the trial system: pushes generated cases, then reads the feed (and keeps reading
/// every `follow` when given), printing what it does.
fn simulate_trial_system(
    base_url: &str,
    key: &str,
    cases: usize,
    first_sequence: u32,
    seed: u64,
    follow: Option<std::time::Duration>,
) -> anyhow::Result<()> {
    use efiling::integrations::trial_system::{Simulator, realistic_cases};
    let mut simulator = Simulator::new(base_url, key);
    if cases > 0 {
        let courts = simulator.basic_courts()?;
        let today = efiling::domain::calendar::shanghai_date(chrono::Utc::now());
        let generated = realistic_cases(cases, &courts, first_sequence, today, seed);
        for report in simulator.push(&generated)? {
            println!("pushed: {}", report["counts"]);
            for result in report["results"].as_array().into_iter().flatten() {
                if result["outcome"] == "rejected" {
                    println!("  rejected {}: {}", result["case_number"], result["errors"]);
                }
            }
        }
    }
    loop {
        let round = simulator.consume_feed()?;
        println!(
            "feed: {} new items, {} docketed cases registered back, cursor {}",
            round.feed_items,
            round.registered_back,
            simulator.cursor.as_deref().unwrap_or("(start)")
        );
        match follow {
            Some(interval) => std::thread::sleep(interval),
            None => return Ok(()),
        }
    }
}

/// Runs `work` on the database of `DATABASE_URL` or the embedded cluster, as `migrate`
/// does, after bringing the schema up to date.
fn with_database(work: impl FnOnce(&mut PgConnection) -> anyhow::Result<()>) -> anyhow::Result<()> {
    let config = Config::from_env()?;
    logging::init(config.log_format);
    let database = server::Database::open(&config)?;
    let result = server::migrate(&database.url).and_then(|()| {
        let mut conn = PgConnection::establish(&database.url).with_context(|| {
            format!(
                "cannot connect to {}",
                efiling::store::redact_url(&database.url)
            )
        })?;
        work(&mut conn)
    });
    database.close();
    result
}

fn accounts(conn: &mut PgConnection, command: AccountsCommand) -> anyhow::Result<()> {
    match command {
        AccountsCommand::ImportLawyers { file } => {
            let text = std::fs::read_to_string(&file)
                .with_context(|| format!("cannot read {}", file.display()))?;
            let report = staff::import_lawyers(conn, &text, &staff::cli_actor())
                .with_context(|| file.display().to_string())?;
            println!("{report}");
            if report.refused() > 0 {
                anyhow::bail!(
                    "{} line(s) refused; correct them and import the file again (lines \
                     already imported are skipped)",
                    report.refused()
                );
            }
            Ok(())
        }
        AccountsCommand::CreateAdmin {
            login,
            name,
            password,
            temporary_password,
        } => create_staff(
            conn,
            StaffInput {
                role: "admin",
                login: &login,
                name: &name,
                password: &password,
                court_code: None,
            },
            temporary_password,
        ),
        AccountsCommand::CreateJudge {
            court,
            login,
            name,
            password,
            temporary_password,
        } => create_staff(
            conn,
            StaffInput {
                role: "judge",
                login: &login,
                name: &name,
                password: &password,
                court_code: Some(&court),
            },
            temporary_password,
        ),
        AccountsCommand::SyncLegalWorkers => {
            let integrations = Integrations::from_env()?;
            let run = legal_workers::run(
                conn,
                integrations.justice_department.as_ref(),
                &Trigger::cli(),
            )?;
            let details: Vec<legal_workers::SyncDetail> =
                serde_json::from_value(run.details).unwrap_or_default();
            for detail in &details {
                println!(
                    "account {} ({}): {} (licence number {})",
                    detail.account_id,
                    detail.id_number_masked,
                    detail.outcome,
                    detail.licence_number
                );
            }
            println!(
                "run {}: {} records seen, {} accounts converted, {} reported",
                run.id,
                run.records_seen,
                run.converted,
                details.len() - usize::try_from(run.converted).unwrap_or(0)
            );
            match run.error {
                Some(error) => {
                    anyhow::bail!("the pull from the justice department failed: {error}")
                }
                None => Ok(()),
            }
        }
    }
}

fn create_staff(
    conn: &mut PgConnection,
    input: StaffInput<'_>,
    temporary_password: bool,
) -> anyhow::Result<()> {
    let staff = staff::prepare_staff(&input, temporary_password).map_err(explain)?;
    let account = conn
        .transaction(|conn| staff::create_staff(conn, &staff, &staff::cli_actor()))
        .map_err(explain)?;
    println!(
        "created {} account {} (login {}{})",
        input.role,
        account.id,
        staff.login,
        staff
            .court_code
            .as_deref()
            .map(|court| format!(", court {court}"))
            .unwrap_or_default()
    );
    Ok(())
}

/// An API error as a message for the operator: each invalid field with its code.
fn explain(error: ApiError) -> anyhow::Error {
    if matches!(error.code(), Code::Internal | Code::Unavailable) {
        // Its cause is only in the debug form; an operator needs it.
        return anyhow::anyhow!("{error:?}");
    }
    let fields = error.field_errors();
    if fields.is_empty() {
        return anyhow::anyhow!("{} ({})", error.code().message(Lang::En), error.code());
    }
    let problems: Vec<String> = fields
        .iter()
        .map(|field| {
            let message = field
                .message
                .clone()
                .unwrap_or_else(|| field.code.message(Lang::En).to_owned());
            let flag = match field.field.as_str() {
                "court_code" => "court".to_owned(),
                other => other.replace('_', "-"),
            };
            format!("--{flag}: {message} ({})", field.code)
        })
        .collect();
    anyhow::anyhow!("{}", problems.join("; "))
}
