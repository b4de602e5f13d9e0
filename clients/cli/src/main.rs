//! The `accord` binary: `accord serve` runs the registry, `accord asyncapi …` checks AsyncAPI documents
//! offline; other subcommands arrive with their issues.

use std::process::ExitCode;

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
    /// Validate, lint and diff AsyncAPI documents, offline.
    #[command(subcommand)]
    Asyncapi(asyncapi::AsyncApiCommand),
}

mod asyncapi;

fn main() -> anyhow::Result<ExitCode> {
    let config = match Cli::parse().command {
        Command::Serve(config) => config,
        Command::Asyncapi(command) => return asyncapi::run(command),
    };
    tracing_subscriber::fmt()
        .with_env_filter(
            EnvFilter::try_from_env("ACCORD_LOG").unwrap_or_else(|_| EnvFilter::new("info")),
        )
        .init();
    let runtime = tokio::runtime::Runtime::new()?;
    runtime.block_on(accord_server::run(config))?;
    Ok(ExitCode::SUCCESS)
}
