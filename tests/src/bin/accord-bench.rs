//! `accord-bench`: registrations per second and reads per second over HTTP, measured in one run against one SQLite
//! server, one PostgreSQL server and two PostgreSQL replicas sharing a database (DESIGN §10); both PostgreSQL setups
//! once on the URL as given (TLS whenever the server offers it, under the default `sslmode=prefer`) and once with
//! `sslmode=disable`, as an operator may choose on a trusted loopback or a Unix socket.
//!
//! Loopback only and bounded in time: every phase runs for `--seconds`, then the servers and the databases go.
//! The servers are `accord-test-serve` processes (the code path of `accord serve`) from this binary's own folder,
//! so build both in release mode first; `bench/README.md` has the command.

use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use accord_tests::{Api, TestDatabase, TestServer};
use anyhow::{Context as _, ensure};
use clap::Parser;
use serde_json::json;

/// Command-line settings.
#[derive(Debug, Parser)]
#[command(
    about = "Registrations/s and reads/s against 1 SQLite server, 1 PostgreSQL server and 2 PostgreSQL replicas \
             (with the URL's TLS, then without)"
)]
struct Args {
    /// Seconds each phase (registrations, then reads) runs on each setup.
    #[arg(long, default_value_t = 10)]
    seconds: u64,
    /// Concurrent HTTP clients, spread evenly over the replicas.
    #[arg(long, default_value_t = 64)]
    clients: usize,
    /// Subjects the registrations are spread over (each client picks them in a pseudo-random order of its own).
    #[arg(long, default_value_t = 1000)]
    subjects: usize,
    /// The server binary; by default `accord-test-serve` beside this one.
    #[arg(long)]
    serve_bin: Option<PathBuf>,
    /// Only these setups (`sqlite`, `postgres-1`, `postgres-2`, `postgres-1-notls`, `postgres-2-notls`); all by
    /// default.
    #[arg(long = "only")]
    only: Vec<String>,
}

/// One measured phase.
#[derive(Debug, Default)]
struct Phase {
    ok: u64,
    failed: u64,
    elapsed: Duration,
}

impl Phase {
    fn rate(&self) -> f64 {
        self.ok as f64 / self.elapsed.as_secs_f64()
    }
}

fn schema(client: usize, n: u64) -> String {
    json!({
        "type": "record",
        "name": "Bench",
        "namespace": "accord.bench",
        "fields": [{"name": format!("c{client}_n{n}"), "type": "string"}],
    })
    .to_string()
}

fn main() -> anyhow::Result<()> {
    let args = Args::parse();
    let serve_bin = match &args.serve_bin {
        Some(bin) => bin.clone(),
        None => std::env::current_exe()?.with_file_name("accord-test-serve"),
    };
    ensure!(
        serve_bin.is_file(),
        "{} not found: build it first (cargo build --release -p accord-tests --bins)",
        serve_bin.display()
    );
    // A bare file name would be looked up on `PATH` when the servers are spawned.
    let serve_bin = serve_bin.canonicalize()?;
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()?;
    // (name, replicas, whether the URL gets `sslmode=disable`).
    let setups = [
        ("sqlite", 1, false),
        ("postgres-1", 1, false),
        ("postgres-2", 2, false),
        ("postgres-1-notls", 1, true),
        ("postgres-2-notls", 2, true),
    ];
    println!(
        "accord-bench: {} clients, {} subjects, {} s per phase, server {}",
        args.clients,
        args.subjects,
        args.seconds,
        serve_bin.display()
    );
    println!(
        "{:<17} {:>9} {:>16} {:>8} {:>11} {:>8}",
        "setup", "replicas", "registrations/s", "failed", "reads/s", "failed"
    );
    for (name, replicas, no_tls) in setups {
        if !args.only.is_empty() && !args.only.iter().any(|only| only == name) {
            continue;
        }
        // Declared before the servers, so that it is dropped after them.
        let database = name.starts_with("postgres").then(TestDatabase::create);
        let url = database.as_ref().map(|database| {
            let url = database.url();
            match (no_tls, url.contains('?')) {
                (false, _) => url.to_string(),
                (true, true) => format!("{url}&sslmode=disable"),
                (true, false) => format!("{url}?sslmode=disable"),
            }
        });
        let mut flags: Vec<&str> = Vec::new();
        if let Some(url) = &url {
            flags.extend(["--database-url", url]);
        }
        let servers: Vec<TestServer> = (0..replicas)
            .map(|_| TestServer::start(&serve_bin, &flags))
            .collect();
        let urls: Vec<String> = servers.iter().map(|s| s.url().to_string()).collect();
        let (writes, reads) = runtime
            .block_on(measure(&args, &urls))
            .with_context(|| format!("setup {name}"))?;
        println!(
            "{:<17} {:>9} {:>16.0} {:>8} {:>11.0} {:>8}",
            name,
            replicas,
            writes.rate(),
            writes.failed,
            reads.rate(),
            reads.failed
        );
        drop(servers);
    }
    Ok(())
}

/// Registers new versions for `--seconds`, then reads them back for `--seconds`.
async fn measure(args: &Args, urls: &[String]) -> anyhow::Result<(Phase, Phase)> {
    let admin = Api::new(&urls[0]);
    let reply = admin
        .put("/config", &json!({"compatibility": "NONE"}))
        .await?;
    ensure!(reply.status == 200, "PUT /config: {reply}");
    let phase = Duration::from_secs(args.seconds);

    let ok = Arc::new(AtomicU64::new(0));
    let failed = Arc::new(AtomicU64::new(0));
    let started = Instant::now();
    let mut tasks = Vec::new();
    for client in 0..args.clients {
        let api = Api::new(&urls[client % urls.len()]);
        let subjects = args.subjects;
        let (ok, failed) = (ok.clone(), failed.clone());
        tasks.push(tokio::spawn(async move {
            let mut ids = Vec::new();
            let mut n = 0;
            // Subjects in a pseudo-random order of the client's own, so that every replica writes into every subject,
            // as behind a load balancer. (Stepping by the client count kept each subject on one replica: with an even
            // client count and subject count, a client's subjects all had its parity, and so had its replica.)
            let mut walk = client as u64;
            while started.elapsed() < phase {
                n += 1;
                walk = walk
                    .wrapping_mul(6364136223846793005)
                    .wrapping_add(1442695040888963407);
                let subject = format!("bench-{}-value", (walk >> 33) % subjects as u64);
                let body = json!({"schema": schema(client, n)});
                match api
                    .post(&format!("/subjects/{subject}/versions"), &body)
                    .await
                {
                    Ok(reply) if reply.status == 200 => {
                        ok.fetch_add(1, Ordering::Relaxed);
                        if let Some(id) = reply.body["id"].as_i64() {
                            ids.push(id);
                        }
                    }
                    _ => {
                        failed.fetch_add(1, Ordering::Relaxed);
                    }
                }
            }
            ids
        }));
    }
    let mut ids = Vec::new();
    for task in tasks {
        ids.extend(task.await?);
    }
    let writes = Phase {
        ok: ok.load(Ordering::Relaxed),
        failed: failed.load(Ordering::Relaxed),
        elapsed: started.elapsed(),
    };
    ensure!(!ids.is_empty(), "no registration succeeded");

    // Reads: half schemas by id (served from each replica's cache), half latest versions (from the database).
    let ids = Arc::new(ids);
    let ok = Arc::new(AtomicU64::new(0));
    let failed = Arc::new(AtomicU64::new(0));
    let started = Instant::now();
    let mut tasks = Vec::new();
    for client in 0..args.clients {
        let api = Api::new(&urls[client % urls.len()]);
        let (ok, failed, ids) = (ok.clone(), failed.clone(), ids.clone());
        let subjects = args.subjects;
        tasks.push(tokio::spawn(async move {
            let mut n = client;
            while started.elapsed() < phase {
                n = n
                    .wrapping_mul(6364136223846793005)
                    .wrapping_add(1442695040888963407);
                let path = if n % 2 == 0 {
                    format!("/schemas/ids/{}", ids[(n >> 8) % ids.len()])
                } else {
                    format!(
                        "/subjects/bench-{}-value/versions/latest",
                        (n >> 8) % subjects
                    )
                };
                match api.get(&path).await {
                    Ok(reply) if reply.status == 200 => ok.fetch_add(1, Ordering::Relaxed),
                    _ => failed.fetch_add(1, Ordering::Relaxed),
                };
            }
        }));
    }
    for task in tasks {
        task.await?;
    }
    let reads = Phase {
        ok: ok.load(Ordering::Relaxed),
        failed: failed.load(Ordering::Relaxed),
        elapsed: started.elapsed(),
    };
    Ok((writes, reads))
}
