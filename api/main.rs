//! The `efiling` command: run the service, migrate the database, print the API contract.

use std::net::SocketAddr;
use std::process::ExitCode;

use clap::{Parser, Subcommand};
use efiling::config::Config;
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
        /// Address to listen on.
        #[arg(long, env = "EFILING_LISTEN", default_value = "127.0.0.1:8080")]
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
    }
}
