//! `accord-test-serve`: the registry server on the same code path as `accord serve`, for the system tests to run as a separate process.
//!
//! It installs no tracing subscriber, so the server logs nothing; a startup error still reaches stderr through `main`'s `Result`.

use accord_server::ServeConfig;
use clap::Parser;

/// The flags and `ACCORD_*` variables of `accord serve`, nothing more.
#[derive(Debug, Parser)]
#[command(about = "Accord's registry server, started by the system tests")]
struct Args {
    #[command(flatten)]
    serve: ServeConfig,
}

fn main() -> anyhow::Result<()> {
    let args = Args::parse();
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?;
    runtime.block_on(accord_server::run(args.serve))
}
