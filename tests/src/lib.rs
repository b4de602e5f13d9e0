//! Shared helpers for Accord's system tests: the server as a real child process (`TestServer`), a fresh PostgreSQL database per test (`TestDatabase`), a raw HTTP client (`Api`), bounded child commands, and where the workspace and the shared data are.
//!
//! Nothing here knows the REST API's semantics; the tests in `system/` own every expectation.

use std::fs::File;
use std::io::{Read, Seek, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitStatus, Stdio};
use std::sync::atomic::{AtomicU32, Ordering};
use std::thread::sleep;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use reqwest::header::CONTENT_TYPE;
use serde_json::Value;
use tempfile::TempDir;

/// The content type Confluent clients send.
pub const SCHEMA_REGISTRY_JSON: &str = "application/vnd.schemaregistry.v1+json";

/// How long a fresh server may take to answer `GET /` (a debug build creating and migrating its database).
const STARTUP_TIMEOUT: Duration = Duration::from_secs(60);
/// How long `stop` waits after SIGTERM before it sends SIGKILL; longer than the server's default grace period.
const STOP_TIMEOUT: Duration = Duration::from_secs(20);
/// Polling interval of every bounded wait here.
const POLL: Duration = Duration::from_millis(50);

/// The workspace root (the folder holding the root `Cargo.toml`).
pub fn workspace_root() -> PathBuf {
    let manifest = Path::new(env!("CARGO_MANIFEST_DIR"));
    manifest
        .parent()
        .expect("the tests crate sits one level below the workspace root")
        .to_path_buf()
}

/// The shared, read-only data beside the workspace (`../shared`), with a clear panic when it is missing.
pub fn shared_dir() -> PathBuf {
    let shared = workspace_root().join("../shared");
    assert!(
        shared.join("conformance").is_dir(),
        "expected the shared data at {} (a `shared/` folder beside the workspace checkout)",
        shared.display()
    );
    shared
}

/// The PostgreSQL server on which [`TestDatabase`] creates databases when `TEST_POSTGRES_URL` is unset.
pub const DEFAULT_POSTGRES_URL: &str = "postgres://postgres@127.0.0.1:5432/test";

/// The PostgreSQL URL the tests create their databases through: `TEST_POSTGRES_URL`, else [`DEFAULT_POSTGRES_URL`].
pub fn postgres_admin_url() -> String {
    #[expect(
        clippy::disallowed_methods,
        reason = "the test suite's own setting, read in this one place"
    )]
    let url = std::env::var("TEST_POSTGRES_URL");
    url.unwrap_or_else(|_| DEFAULT_POSTGRES_URL.to_string())
}

/// `url` with its database name replaced by `database` (query parameters kept).
pub fn postgres_url_for(url: &str, database: &str) -> String {
    let (base, query) = match url.split_once('?') {
        Some((base, query)) => (base, Some(query)),
        None => (url, None),
    };
    let scheme_end = base.find("://").map_or(0, |at| at + 3);
    let server = match base[scheme_end..].find('/') {
        Some(slash) => &base[..scheme_end + slash],
        None => base,
    };
    match query {
        Some(query) => format!("{server}/{database}?{query}"),
        None => format!("{server}/{database}"),
    }
}

/// A fresh, empty PostgreSQL database for one test, dropped (with its connections) on drop.
///
/// Creating it panics when PostgreSQL does not answer: the PostgreSQL tests fail rather than skip.
#[derive(Debug)]
pub struct TestDatabase {
    admin_url: String,
    name: String,
    url: String,
}

impl TestDatabase {
    /// Creates `accord_test_<pid>_<n>_<nanos>` on the server of [`postgres_admin_url`].
    pub fn create() -> TestDatabase {
        TestDatabase::create_on(&postgres_admin_url())
    }

    /// Creates a fresh database on the server that `admin_url` reaches.
    pub fn create_on(admin_url: &str) -> TestDatabase {
        static COUNTER: AtomicU32 = AtomicU32::new(0);
        let nanos = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map_or(0, |elapsed| elapsed.subsec_nanos());
        let name = format!(
            "accord_test_{}_{}_{nanos}",
            std::process::id(),
            COUNTER.fetch_add(1, Ordering::Relaxed)
        );
        if let Err(err) = admin_sql(admin_url, &format!("CREATE DATABASE {name}")) {
            panic!(
                "cannot create a test database through {admin_url}: {err}\n\
                 The PostgreSQL tests need a running PostgreSQL (`.ci/run` starts the local one); \
                 set TEST_POSTGRES_URL to use another server."
            );
        }
        TestDatabase {
            admin_url: admin_url.to_string(),
            url: postgres_url_for(admin_url, &name),
            name,
        }
    }

    /// The URL of this database, for `--database-url`.
    pub fn url(&self) -> &str {
        &self.url
    }

    /// The database's name.
    pub fn name(&self) -> &str {
        &self.name
    }
}

impl Drop for TestDatabase {
    fn drop(&mut self) {
        let drop = format!("DROP DATABASE IF EXISTS {} WITH (FORCE)", self.name);
        if let Err(err) = admin_sql(&self.admin_url, &drop) {
            eprintln!("could not drop test database {}: {err}", self.name);
        }
    }
}

/// Runs one SQL statement through `url`, on a thread of its own so that it works inside and outside a Tokio runtime.
pub fn admin_sql(url: &str, sql: &str) -> Result<(), String> {
    use sqlx::{Connection, Executor};
    let (url, sql) = (url.to_string(), sql.to_string());
    std::thread::spawn(move || {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .map_err(|err| err.to_string())?;
        runtime.block_on(async {
            let connect = sqlx::PgConnection::connect(&url);
            let mut conn = tokio::time::timeout(Duration::from_secs(10), connect)
                .await
                .map_err(|_| "no answer within 10 s".to_string())?
                .map_err(|err| err.to_string())?;
            conn.execute(sql.as_str())
                .await
                .map_err(|err| err.to_string())?;
            conn.close().await.map_err(|err| err.to_string())
        })
    })
    .join()
    .unwrap_or_else(|_| Err("the SQL thread panicked".to_string()))
}

/// A registry server running as a child process on `127.0.0.1`, with its own temporary data directory
/// and, when started with one, its own PostgreSQL database.
///
/// Killed (SIGKILL) on drop; the data directory and the database are removed after that.
#[derive(Debug)]
pub struct TestServer {
    bin: PathBuf,
    extra_args: Vec<String>,
    child: Option<Child>,
    addr: SocketAddr,
    url: String,
    starts: u32,
    // Declared after `child` so that they are removed after the child is gone.
    database: Option<TestDatabase>,
    dir: TempDir,
}

impl TestServer {
    /// Starts `bin` (the `accord-test-serve` binary) with `--listen` and `--data-dir` chosen here plus `extra_args`,
    /// and returns once `GET /` answers.
    pub fn start(bin: impl Into<PathBuf>, extra_args: &[&str]) -> TestServer {
        TestServer::start_inner(bin.into(), None, extra_args)
    }

    /// Like [`TestServer::start`], on `database` (`--database-url`), which the server owns from then on.
    pub fn start_with_database(
        bin: impl Into<PathBuf>,
        database: TestDatabase,
        extra_args: &[&str],
    ) -> TestServer {
        TestServer::start_inner(bin.into(), Some(database), extra_args)
    }

    fn start_inner(
        bin: PathBuf,
        database: Option<TestDatabase>,
        extra_args: &[&str],
    ) -> TestServer {
        let dir = tempfile::Builder::new()
            .prefix("accord-test-")
            .tempdir()
            .expect("create a temporary directory for the server");
        let mut args: Vec<String> = Vec::new();
        if let Some(database) = &database {
            args.extend(["--database-url".to_string(), database.url().to_string()]);
        }
        args.extend(extra_args.iter().map(|arg| arg.to_string()));
        let mut server = TestServer {
            bin,
            extra_args: args,
            child: None,
            addr: SocketAddr::from(([127, 0, 0, 1], 0)),
            url: String::new(),
            starts: 0,
            database,
            dir,
        };
        server.launch();
        server
    }

    /// The database the server owns, if it was started with one.
    pub fn database(&self) -> Option<&TestDatabase> {
        self.database.as_ref()
    }

    /// The base URL, such as `http://127.0.0.1:41234`; it changes on restart.
    pub fn url(&self) -> &str {
        &self.url
    }

    /// The data directory the server was started with; it survives restarts.
    pub fn data_dir(&self) -> PathBuf {
        self.dir.path().join("data")
    }

    /// What the current (or last) server process wrote to stderr.
    pub fn stderr(&self) -> String {
        std::fs::read_to_string(self.log_path("stderr")).unwrap_or_default()
    }

    /// The exit status if the process has exited (or was stopped), `None` while it runs.
    pub fn exit_status(&mut self) -> Option<ExitStatus> {
        let child = self.child.as_mut()?;
        child.try_wait().expect("poll the server process")
    }

    /// Kills the process with SIGKILL, as a crash or power loss would, and reaps it. The data directory stays.
    pub fn kill_9(&mut self) {
        if let Some(mut child) = self.child.take() {
            // `Child::kill` sends SIGKILL on Unix.
            let _ = child.kill();
            child.wait().expect("reap the killed server");
        }
    }

    /// Stops the process gracefully (SIGTERM, bounded wait, then SIGKILL) and returns its exit status.
    pub fn stop(&mut self) -> Option<ExitStatus> {
        let mut child = self.child.take()?;
        let sent = Command::new("kill")
            .args(["-TERM", &child.id().to_string()])
            .status();
        if sent.is_ok_and(|status| status.success()) {
            let deadline = Instant::now() + STOP_TIMEOUT;
            while Instant::now() < deadline {
                if let Some(status) = child.try_wait().expect("poll the server process") {
                    return Some(status);
                }
                sleep(POLL);
            }
        }
        let _ = child.kill();
        child.wait().ok()
    }

    /// Stops the server if it runs (gracefully), then starts it again on the same data directory and a new port.
    pub fn restart(&mut self) {
        self.stop();
        self.launch();
    }

    fn log_path(&self, stream: &str) -> PathBuf {
        self.dir
            .path()
            .join(format!("server-{}.{stream}", self.starts))
    }

    /// Spawns the process and waits until it answers; retries on a new port when another process took the chosen one.
    fn launch(&mut self) {
        const ATTEMPTS: u32 = 3;
        for attempt in 1..=ATTEMPTS {
            self.starts += 1;
            let addr = SocketAddr::from(([127, 0, 0, 1], free_port()));
            let stdout = File::create(self.log_path("stdout")).expect("create the stdout log");
            let stderr = File::create(self.log_path("stderr")).expect("create the stderr log");
            // A clean environment, so that no `ACCORD_*` variable of the developer's shell changes the server.
            let mut child = Command::new(&self.bin)
                .env_clear()
                .env("RUST_BACKTRACE", "1")
                .arg("--listen")
                .arg(addr.to_string())
                .arg("--data-dir")
                .arg(self.data_dir())
                .args(&self.extra_args)
                .stdin(Stdio::null())
                .stdout(stdout)
                .stderr(stderr)
                .spawn()
                .unwrap_or_else(|err| panic!("could not start {}: {err}", self.bin.display()));
            let deadline = Instant::now() + STARTUP_TIMEOUT;
            loop {
                if let Some(status) = child.try_wait().expect("poll the server process") {
                    let stderr = self.stderr();
                    if attempt < ATTEMPTS
                        && stderr.to_lowercase().contains("address already in use")
                    {
                        break;
                    }
                    panic!(
                        "the server exited with {status} before answering GET / on {addr}\n--- server stderr ---\n{stderr}"
                    );
                }
                if answers_http(addr) {
                    self.child = Some(child);
                    self.addr = addr;
                    self.url = format!("http://{addr}");
                    return;
                }
                if Instant::now() >= deadline {
                    let _ = child.kill();
                    let _ = child.wait();
                    panic!(
                        "the server did not answer GET / on {addr} within {STARTUP_TIMEOUT:?}\n--- server stderr ---\n{}",
                        self.stderr()
                    );
                }
                sleep(POLL);
            }
        }
        unreachable!("the last attempt either returns or panics");
    }
}

impl Drop for TestServer {
    fn drop(&mut self) {
        self.kill_9();
    }
}

/// A port that was free a moment ago. Another process may take it before the server binds it; `launch` retries then.
pub fn free_port() -> u16 {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind an ephemeral port");
    listener.local_addr().expect("local address").port()
}

/// Whether something at `addr` answers `GET /` with any HTTP response.
fn answers_http(addr: SocketAddr) -> bool {
    let Ok(mut stream) = TcpStream::connect_timeout(&addr, Duration::from_millis(500)) else {
        return false;
    };
    let timeout = Some(Duration::from_secs(2));
    if stream.set_read_timeout(timeout).is_err() || stream.set_write_timeout(timeout).is_err() {
        return false;
    }
    let request = format!("GET / HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n");
    if stream.write_all(request.as_bytes()).is_err() {
        return false;
    }
    let mut head = [0u8; 7];
    stream.read_exact(&mut head).is_ok() && &head == b"HTTP/1."
}

/// `text` cut to at most `max` bytes (on a character boundary), with `...` when it was cut.
pub fn clip(text: &str, max: usize) -> String {
    if text.len() <= max {
        return text.to_string();
    }
    let mut cut = max;
    while !text.is_char_boundary(cut) {
        cut -= 1;
    }
    format!("{}...", &text[..cut])
}

/// A raw JSON-over-HTTP client for the Confluent REST API, with a per-request timeout.
#[derive(Debug, Clone)]
pub struct Api {
    client: reqwest::Client,
    base: String,
}

/// One HTTP answer: the status and the body, parsed as JSON when it is JSON (otherwise a JSON string of the text).
#[derive(Debug, Clone)]
pub struct Reply {
    /// The HTTP status code.
    pub status: u16,
    /// The body as JSON, or `Value::String` holding the raw text when it is not JSON.
    pub body: Value,
}

impl Reply {
    /// The Confluent `error_code`, if the body has one.
    pub fn error_code(&self) -> Option<i64> {
        self.body.get("error_code").and_then(Value::as_i64)
    }

    /// The Confluent error `message`, if the body has one.
    pub fn message(&self) -> Option<&str> {
        self.body.get("message").and_then(Value::as_str)
    }
}

impl std::fmt::Display for Reply {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} {}", self.status, clip(&self.body.to_string(), 500))
    }
}

impl Api {
    /// A client for the registry at `base` (such as `http://127.0.0.1:8081`).
    pub fn new(base: &str) -> Api {
        let client = reqwest::Client::builder()
            .timeout(Duration::from_secs(30))
            .build()
            .expect("build the HTTP client");
        Api {
            client,
            base: base.trim_end_matches('/').to_string(),
        }
    }

    /// `GET path`.
    pub async fn get(&self, path: &str) -> reqwest::Result<Reply> {
        self.send(self.client.get(self.url(path))).await
    }

    /// `DELETE path`.
    pub async fn delete(&self, path: &str) -> reqwest::Result<Reply> {
        self.send(self.client.delete(self.url(path))).await
    }

    /// `POST path` with a JSON body.
    pub async fn post(&self, path: &str, body: &Value) -> reqwest::Result<Reply> {
        self.post_raw(path, body.to_string()).await
    }

    /// `PUT path` with a JSON body.
    pub async fn put(&self, path: &str, body: &Value) -> reqwest::Result<Reply> {
        let request = self
            .client
            .put(self.url(path))
            .header(CONTENT_TYPE, SCHEMA_REGISTRY_JSON)
            .body(body.to_string());
        self.send(request).await
    }

    /// `POST path` with any body text, sent as Confluent's JSON content type.
    pub async fn post_raw(
        &self,
        path: &str,
        body: impl Into<reqwest::Body>,
    ) -> reqwest::Result<Reply> {
        let request = self
            .client
            .post(self.url(path))
            .header(CONTENT_TYPE, SCHEMA_REGISTRY_JSON)
            .body(body);
        self.send(request).await
    }

    fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    async fn send(&self, request: reqwest::RequestBuilder) -> reqwest::Result<Reply> {
        let response = request.send().await?;
        let status = response.status().as_u16();
        let text = response.text().await?;
        let body = serde_json::from_str(&text).unwrap_or(Value::String(text));
        Ok(Reply { status, body })
    }
}

/// What a child command did, as returned by [`run_bounded`].
#[derive(Debug)]
pub struct Finished {
    /// The exit status; `None` when the command ran out of time and was killed.
    pub status: Option<ExitStatus>,
    /// Everything it wrote to stdout.
    pub stdout: String,
    /// Everything it wrote to stderr.
    pub stderr: String,
}

impl Finished {
    /// Whether it exited with status 0 in time.
    pub fn success(&self) -> bool {
        self.status.is_some_and(|status| status.success())
    }

    /// The status and both outputs, for a failure message.
    pub fn describe(&self) -> String {
        let status = match self.status {
            Some(status) => status.to_string(),
            None => "killed after running out of time".to_string(),
        };
        format!(
            "{status}\n--- stdout ---\n{}\n--- stderr ---\n{}",
            self.stdout, self.stderr
        )
    }
}

/// Runs `command` to completion, killing it after `timeout`; stdin is closed, and stdout and stderr are captured.
///
/// Panics with the program's name when it cannot be started (for example, when it is not installed).
pub fn run_bounded(command: &mut Command, timeout: Duration) -> Finished {
    let stdout = tempfile::tempfile().expect("create a temporary file for stdout");
    let stderr = tempfile::tempfile().expect("create a temporary file for stderr");
    let mut child = command
        .stdin(Stdio::null())
        .stdout(stdout.try_clone().expect("clone a file handle"))
        .stderr(stderr.try_clone().expect("clone a file handle"))
        .spawn()
        .unwrap_or_else(|err| {
            panic!(
                "could not start {:?}: {err} (is it installed and on PATH?)",
                command.get_program()
            )
        });
    let deadline = Instant::now() + timeout;
    let status = loop {
        if let Some(status) = child.try_wait().expect("poll a child process") {
            break Some(status);
        }
        if Instant::now() >= deadline {
            let _ = child.kill();
            let _ = child.wait();
            break None;
        }
        sleep(POLL);
    };
    Finished {
        status,
        stdout: read_all(stdout),
        stderr: read_all(stderr),
    }
}

fn read_all(mut file: File) -> String {
    let mut bytes = Vec::new();
    file.rewind().expect("rewind a captured output");
    file.read_to_end(&mut bytes)
        .expect("read a captured output");
    String::from_utf8_lossy(&bytes).into_owned()
}

/// How long an interop client's `setup.sh` may run: a cold run downloads and installs the client (`npm ci` fetches
/// about 280 packages, the Python virtualenv about twenty-five).
pub const INTEROP_SETUP_TIMEOUT: Duration = Duration::from_secs(600);
/// How long an interop client's script may run against the server.
pub const INTEROP_SCRIPT_TIMEOUT: Duration = Duration::from_secs(300);

/// Runs `setup.sh` of `tests/interop/{client}/`, which installs (or reuses) that interop client, and returns the folder
/// and setup.sh's result (its last stdout line names what it installed). Panics with its output when it fails.
///
/// The tests of one client run in parallel processes and share one installation: `flock` on setup.sh makes the second
/// wait while the first installs it, instead of both installing into the same folder at once.
pub fn setup_interop_client(client: &str) -> (PathBuf, Finished) {
    let dir = workspace_root().join("tests/interop").join(client);
    let setup = run_bounded(
        Command::new("flock")
            .arg(dir.join("setup.sh"))
            .arg("bash")
            .arg(dir.join("setup.sh"))
            .current_dir(&dir),
        INTEROP_SETUP_TIMEOUT,
    );
    assert!(
        setup.success(),
        "tests/interop/{client}/setup.sh failed: {}",
        setup.describe()
    );
    (dir, setup)
}

/// Runs one interop client script of `tests/interop/{client}/` against a fresh server.
///
/// First [`setup_interop_client`] installs (or reuses) the client. Then `start_server` starts the server, and `command`
/// builds the script's command from the folder, setup.sh's result and the server; its stdout is printed. Panics with
/// setup.sh's output, or with the script's stderr and the server's, when either fails.
pub fn run_interop_script(
    client: &str,
    script: &str,
    start_server: impl FnOnce() -> TestServer,
    command: impl FnOnce(&Path, &Finished, &TestServer) -> Command,
) {
    let (dir, setup) = setup_interop_client(client);
    let server = start_server();
    let run = run_bounded(&mut command(&dir, &setup, &server), INTEROP_SCRIPT_TIMEOUT);
    println!("{}", run.stdout);
    let status = match run.status {
        Some(status) => status.to_string(),
        None => format!("killed after {INTEROP_SCRIPT_TIMEOUT:?}"),
    };
    assert!(
        run.success(),
        "{script} failed ({status}); its output is above\n--- its stderr ---\n{}\n--- server stderr ---\n{}",
        run.stderr,
        server.stderr()
    );
}

/// An Avro record with one field: tests build families of distinct schemas by varying the field.
pub fn one_field_record(namespace: &str, name: &str, field: &str, field_type: &str) -> String {
    serde_json::json!({
        "type": "record",
        "name": name,
        "namespace": namespace,
        "fields": [{"name": field, "type": field_type}],
    })
    .to_string()
}
