//! The server's one typed configuration, parsed once from flags and `ACCORD_*` environment variables.
//!
//! This is the only place in the server that reads the environment (through clap's `env`).
//! Precedence: flag, then environment variable, then default.

use std::net::SocketAddr;
use std::path::PathBuf;

/// Settings of `accord serve`.
#[derive(Debug, Clone, clap::Args)]
pub struct ServeConfig {
    /// Address and port to listen on.
    #[arg(long, env = "ACCORD_LISTEN", default_value = "0.0.0.0:8081")]
    pub listen: SocketAddr,

    /// Directory holding the embedded SQLite database (`accord.db`); created if missing.
    #[arg(long, env = "ACCORD_DATA_DIR", default_value = "./accord-data")]
    pub data_dir: PathBuf,

    /// Largest accepted request body, in bytes.
    #[arg(long, env = "ACCORD_MAX_BODY_BYTES", default_value_t = 8 * 1024 * 1024)]
    pub max_body_bytes: usize,

    /// Deepest accepted nesting of a schema document.
    #[arg(long, env = "ACCORD_MAX_SCHEMA_DEPTH", default_value_t = 100)]
    pub max_schema_depth: usize,

    /// Most references a schema may declare (counted transitively).
    #[arg(long, env = "ACCORD_MAX_REFERENCES", default_value_t = 1000)]
    pub max_references: usize,

    /// Seconds to let in-flight requests finish after SIGINT or SIGTERM.
    #[arg(long, env = "ACCORD_SHUTDOWN_GRACE_SECS", default_value_t = 10)]
    pub shutdown_grace_secs: u64,
}
