//! PostgreSQL goes away and comes back while two replicas take writes (issue "PostgreSQL backend and stateless
//! replicas", Done-when 3): meanwhile requests fail with 500 / 50001, `/health/ready` says 503 and a schema already
//! cached by id is still served; afterwards both replicas serve again without being restarted, and every
//! acknowledged registration reads back.
//!
//! The database is a private PostgreSQL cluster made for this test (`initdb` in a temporary directory, its own port,
//! run as the `postgres` account when the test runs as root), stopped and started with `pg_ctl`. Restarting the
//! shared server instead would break the other PostgreSQL tests that nextest runs at the same time.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use accord_tests::{Api, Finished, TestServer, free_port, run_bounded};
use serde_json::json;
use tempfile::TempDir;

use crate::SERVE_BIN;

const WRITERS: usize = 8;
const SUBJECTS: usize = 3;
const MAX_PER_WRITER: usize = 5_000;
/// Acknowledgements wanted before the stop, and from each replica after the start.
const ACKS_BEFORE: usize = 40;
const ACKS_AFTER_PER_REPLICA: usize = 20;
/// Bound of every wait in this test.
const DEADLINE: Duration = Duration::from_secs(90);
const POLL: Duration = Duration::from_millis(50);
/// Bound of each `initdb` / `pg_ctl` command.
const PG_COMMAND_TIMEOUT: Duration = Duration::from_secs(120);

/// A throwaway PostgreSQL cluster: data directory, socket and log in a temporary directory, listening on 127.0.0.1.
#[derive(Debug)]
struct PrivateCluster {
    bin: PathBuf,
    port: u16,
    as_postgres: bool,
    dir: TempDir,
}

impl PrivateCluster {
    fn create() -> PrivateCluster {
        let bin = postgres_bin_dir();
        let dir = tempfile::Builder::new()
            .prefix("accord-pg-")
            .tempdir()
            .expect("temporary directory");
        // initdb refuses to run as root: the cluster then belongs to the `postgres` account.
        let as_postgres = is_root();
        if as_postgres {
            let chown = run_bounded(
                Command::new("chown")
                    .args(["-R", "postgres:"])
                    .arg(dir.path()),
                Duration::from_secs(30),
            );
            assert!(
                chown.success(),
                "chown the cluster directory: {}",
                chown.describe()
            );
        }
        let mut cluster = PrivateCluster {
            bin,
            port: 0,
            as_postgres,
            dir,
        };
        let data = cluster.data();
        let init = cluster.run(
            "initdb",
            &[
                "-D",
                path_str(&data),
                "-U",
                "postgres",
                "-A",
                "trust",
                "-E",
                "UTF8",
                "--locale=C",
                "--no-sync",
            ],
        );
        assert!(init.success(), "initdb: {}", init.describe());
        cluster.start_on_a_free_port();
        cluster
    }

    fn data(&self) -> PathBuf {
        self.dir.path().join("data")
    }

    fn url(&self) -> String {
        format!("postgres://postgres@127.0.0.1:{}/postgres", self.port)
    }

    /// Runs one PostgreSQL program from the server's bin directory, as the cluster's owner.
    fn run(&self, program: &str, args: &[&str]) -> Finished {
        let program = self.bin.join(program);
        let mut command = if self.as_postgres {
            let mut command = Command::new("runuser");
            command.args(["-u", "postgres", "--"]).arg(&program);
            command
        } else {
            Command::new(&program)
        };
        command.args(args).current_dir(self.dir.path());
        run_bounded(&mut command, PG_COMMAND_TIMEOUT)
    }

    fn start_on_a_free_port(&mut self) {
        for _ in 0..3 {
            self.port = free_port();
            if self.start().success() {
                return;
            }
        }
        panic!(
            "the private PostgreSQL cluster did not start:\n{}",
            std::fs::read_to_string(self.dir.path().join("log")).unwrap_or_default()
        );
    }

    /// `pg_ctl start`, waiting until it accepts connections.
    fn start(&self) -> Finished {
        let options = format!(
            "-p {} -c listen_addresses=127.0.0.1 -c unix_socket_directories={}",
            self.port,
            path_str(self.dir.path())
        );
        let log = self.dir.path().join("log");
        self.run(
            "pg_ctl",
            &[
                "-D",
                path_str(&self.data()),
                "-l",
                path_str(&log),
                "-o",
                &options,
                "-w",
                "-t",
                "60",
                "start",
            ],
        )
    }

    /// `pg_ctl stop -m fast`: open sessions are terminated and in-flight transactions roll back, as in a restart.
    fn stop(&self) {
        let stop = self.run(
            "pg_ctl",
            &[
                "-D",
                path_str(&self.data()),
                "-m",
                "fast",
                "-w",
                "-t",
                "60",
                "stop",
            ],
        );
        assert!(stop.success(), "pg_ctl stop: {}", stop.describe());
    }
}

impl Drop for PrivateCluster {
    fn drop(&mut self) {
        let _ = self.run(
            "pg_ctl",
            &[
                "-D",
                path_str(&self.data()),
                "-m",
                "immediate",
                "-w",
                "stop",
            ],
        );
    }
}

fn path_str(path: &Path) -> &str {
    path.to_str().expect("temporary paths are UTF-8")
}

fn is_root() -> bool {
    let id = run_bounded(Command::new("id").arg("-u"), Duration::from_secs(10));
    id.success() && id.stdout.trim() == "0"
}

/// The directory holding `initdb` and `pg_ctl`: Debian's `/usr/lib/postgresql/<newest>/bin`, else `pg_config --bindir`.
fn postgres_bin_dir() -> PathBuf {
    let mut versions: Vec<(u32, PathBuf)> = std::fs::read_dir("/usr/lib/postgresql")
        .map(|entries| {
            entries
                .filter_map(Result::ok)
                .filter_map(|entry| {
                    let version = entry.file_name().to_string_lossy().parse().ok()?;
                    let bin = entry.path().join("bin");
                    bin.join("initdb").is_file().then_some((version, bin))
                })
                .collect()
        })
        .unwrap_or_default();
    versions.sort();
    if let Some((_, bin)) = versions.pop() {
        return bin;
    }
    let config = run_bounded(
        Command::new("pg_config").arg("--bindir"),
        Duration::from_secs(10),
    );
    assert!(
        config.success(),
        "no PostgreSQL server binaries (initdb, pg_ctl) found in /usr/lib/postgresql/*/bin or through pg_config: {}",
        config.describe()
    );
    PathBuf::from(config.stdout.trim())
}

#[derive(Debug, Clone)]
struct Ack {
    replica: usize,
    subject: String,
    schema: String,
    id: i64,
}

fn schema(writer: usize, n: usize) -> String {
    accord_tests::one_field_record(
        "accord.restart",
        "Restart",
        &format!("w{writer}_n{n}"),
        "long",
    )
}

/// Polls `condition` every `POLL` until it holds, failing after `DEADLINE` with `what`.
async fn wait_for<F, Fut>(what: &str, mut condition: F)
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = bool>,
{
    let started = Instant::now();
    while !condition().await {
        assert!(
            started.elapsed() < DEADLINE,
            "timed out after {DEADLINE:?} waiting for {what}"
        );
        tokio::time::sleep(POLL).await;
    }
}

async fn ready_status(api: &Api) -> u16 {
    api.get("/health/ready")
        .await
        .map_or(0, |reply| reply.status)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn replicas_ride_out_a_postgres_restart() {
    let cluster = PrivateCluster::create();
    let url = cluster.url();
    let args = [
        "--database-url",
        url.as_str(),
        "--database-acquire-timeout-secs",
        "2",
    ];
    let replicas = [
        TestServer::start(SERVE_BIN, &args),
        TestServer::start(SERVE_BIN, &args),
    ];
    let apis = [Api::new(replicas[0].url()), Api::new(replicas[1].url())];
    let reply = apis[0]
        .put("/config", &json!({"compatibility": "NONE"}))
        .await
        .expect("PUT");
    assert_eq!(reply.status, 200, "PUT /config: {reply}");

    // A schema both replicas have read by id before the outage.
    let cached =
        json!({"type": "record", "name": "Cached", "fields": [{"name": "a", "type": "int"}]})
            .to_string();
    let reply = apis[0]
        .post(
            "/subjects/restart-cached-value/versions",
            &json!({"schema": cached}),
        )
        .await
        .expect("POST");
    let cached_id = reply.body["id"]
        .as_i64()
        .unwrap_or_else(|| panic!("register: {reply}"));
    for api in &apis {
        let reply = api
            .get(&format!("/schemas/ids/{cached_id}"))
            .await
            .expect("GET");
        assert_eq!(reply.status, 200, "GET /schemas/ids/{cached_id}: {reply}");
    }

    let acks = Arc::new(Mutex::new(Vec::<Ack>::new()));
    let failures = Arc::new(Mutex::new(Vec::<String>::new()));
    let stop = Arc::new(AtomicBool::new(false));
    let mut writers = Vec::new();
    for writer in 0..WRITERS {
        let replica = writer % 2;
        let api = Api::new(replicas[replica].url());
        let (acks, failures, stop) = (acks.clone(), failures.clone(), stop.clone());
        writers.push(tokio::spawn(async move {
            for n in 0..MAX_PER_WRITER {
                if stop.load(Ordering::SeqCst) {
                    break;
                }
                let subject = format!("restart-{}-value", (writer + n) % SUBJECTS);
                let schema = schema(writer, n);
                let reply = api
                    .post(
                        &format!("/subjects/{subject}/versions"),
                        &json!({"schema": schema}),
                    )
                    .await;
                match reply {
                    Ok(reply) if reply.status == 200 && reply.body["id"].is_i64() => {
                        let id = reply.body["id"].as_i64().expect("checked");
                        acks.lock().expect("acks").push(Ack {
                            replica,
                            subject,
                            schema,
                            id,
                        });
                    }
                    Ok(reply) => failures
                        .lock()
                        .expect("failures")
                        .push(format!("{}|{reply}", reply.status)),
                    Err(err) => failures
                        .lock()
                        .expect("failures")
                        .push(format!("transport|{err}")),
                }
            }
        }));
    }
    let count = |acks: &Arc<Mutex<Vec<Ack>>>| acks.lock().expect("acks").len();

    wait_for("acknowledgements before the stop", || {
        let done = count(&acks) >= ACKS_BEFORE;
        async move { done }
    })
    .await;
    let acks_before = count(&acks);
    assert!(
        failures.lock().expect("failures").is_empty(),
        "failures before the outage: {:?}",
        failures.lock()
    );

    cluster.stop();
    let stopped_at = Instant::now();
    for api in &apis {
        wait_for("/health/ready to answer 503", || async {
            ready_status(api).await == 503
        })
        .await;
    }
    let reply = apis[0]
        .post(
            "/subjects/restart-outage-value/versions",
            &json!({"schema": cached}),
        )
        .await
        .expect("POST during the outage");
    assert_eq!(
        (reply.status, reply.error_code()),
        (500, Some(50001)),
        "a registration while PostgreSQL is down: {reply}"
    );
    for api in &apis {
        let reply = api
            .get(&format!("/schemas/ids/{cached_id}"))
            .await
            .expect("GET");
        assert_eq!(
            reply.status, 200,
            "a cached schema by id while PostgreSQL is down: {reply}"
        );
    }

    let restart = cluster.start();
    assert!(restart.success(), "pg_ctl start: {}", restart.describe());
    let started_at = Instant::now();
    for api in &apis {
        wait_for("/health/ready to answer 200 again", || async {
            ready_status(api).await == 200
        })
        .await;
    }
    let recovered_in = started_at.elapsed();
    let outage_len = started_at - stopped_at;
    let acks_at_start = count(&acks);
    wait_for(
        "acknowledgements from both replicas after the start",
        || {
            let after: Vec<Ack> = acks.lock().expect("acks")[acks_at_start..].to_vec();
            let done = (0..2)
                .all(|r| after.iter().filter(|a| a.replica == r).count() >= ACKS_AFTER_PER_REPLICA);
            async move { done }
        },
    )
    .await;
    stop.store(true, Ordering::SeqCst);
    for writer in writers {
        writer.await.expect("a writer panicked");
    }
    let acks = acks.lock().expect("acks").clone();
    let failures = failures.lock().expect("failures").clone();

    // Only 500 / 50001 is an acceptable failure, and only while the database was away.
    let unexpected: Vec<&String> = failures
        .iter()
        .filter(|f| !(f.starts_with("500|") && f.contains("50001")))
        .collect();
    assert!(
        unexpected.is_empty(),
        "failures other than 500 / 50001: {unexpected:?}\n--- replica 0 ---\n{}\n--- replica 1 ---\n{}",
        replicas[0].stderr(),
        replicas[1].stderr()
    );

    // Every acknowledged registration reads back, through the other replica.
    let mut lost = Vec::new();
    for ack in &acks {
        let api = &apis[1 - ack.replica];
        let found = api
            .post(
                &format!("/subjects/{}", ack.subject),
                &json!({"schema": ack.schema}),
            )
            .await
            .expect("lookup");
        if found.status != 200 || found.body["id"].as_i64() != Some(ack.id) {
            lost.push(format!(
                "{} id {}: lookup answered {found}",
                ack.subject, ack.id
            ));
        }
    }
    assert!(
        lost.is_empty(),
        "{} of {} acknowledged registrations are lost: {lost:?}",
        lost.len(),
        acks.len()
    );
    for s in 0..SUBJECTS {
        let subject = format!("restart-{s}-value");
        let reply = apis[0]
            .get(&format!("/subjects/{subject}/versions"))
            .await
            .expect("GET");
        let versions: Vec<i64> = serde_json::from_value(reply.body.clone()).expect("versions");
        assert_eq!(
            versions,
            (1..=versions.len() as i64).collect::<Vec<_>>(),
            "versions of {subject}"
        );
    }
    println!(
        "postgres restart: {} acknowledged registrations read back ({acks_before} before the stop); \
         {} requests failed with 500/50001 during a {outage_len:?} outage; both replicas ready {recovered_in:?} after the start",
        acks.len(),
        failures.len()
    );
}
