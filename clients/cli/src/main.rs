//! The `accord` binary: `accord serve` runs the registry; other subcommands arrive with their issues.

use clap::{Parser, Subcommand};
use tracing_subscriber::EnvFilter;

/// Accord: a schema registry and AsyncAPI governance service.
#[derive(Debug, Parser)]
#[command(name = "accord", version, about)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Run the registry (Confluent Schema Registry REST API).
    Serve(accord_server::ServeConfig),
}

fn main() -> anyhow::Result<()> {
    let cli = Cli::parse();
    tracing_subscriber::fmt()
        .with_env_filter(
            EnvFilter::try_from_env("ACCORD_LOG").unwrap_or_else(|_| EnvFilter::new("info")),
        )
        .init();
    let runtime = tokio::runtime::Runtime::new()?;
    match cli.command {
        Command::Serve(config) => runtime.block_on(accord_server::run(config)),
    }
}
