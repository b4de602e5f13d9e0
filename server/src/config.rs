//! The server's one typed configuration, parsed once from flags and `ACCORD_*` environment variables.
//!
//! This is the only place in the server that reads the environment (through clap's `env`).
//! Precedence: flag, then environment variable, then default. Secrets (the database password)
//! never appear in `Debug` output.

use std::convert::Infallible;
use std::fmt;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::str::FromStr;

/// Settings of `accord serve`.
#[derive(Debug, Clone, clap::Args)]
pub struct ServeConfig {
    /// Address and port to listen on.
    #[arg(long, env = "ACCORD_LISTEN", default_value = "0.0.0.0:8081")]
    pub listen: SocketAddr,

    /// Directory holding the embedded SQLite database (`accord.db`); created if missing.
    /// Unused when `--database-url` is set.
    #[arg(long, env = "ACCORD_DATA_DIR", default_value = "./accord-data")]
    pub data_dir: PathBuf,

    /// PostgreSQL database shared by every replica (`postgres://user:password@host:5432/db`,
    /// with `?sslmode=require` or `verify-full` for TLS); without it, SQLite under `--data-dir`.
    #[arg(long, env = "ACCORD_DATABASE_URL")]
    pub database_url: Option<DatabaseUrl>,

    /// Most PostgreSQL connections this replica opens for requests.
    #[arg(long, env = "ACCORD_DATABASE_MAX_CONNECTIONS", default_value_t = 16)]
    pub database_max_connections: u32,

    /// Seconds a request waits for a PostgreSQL connection before failing with 500 (50001).
    #[arg(
        long,
        env = "ACCORD_DATABASE_ACQUIRE_TIMEOUT_SECS",
        default_value_t = 5
    )]
    pub database_acquire_timeout_secs: u64,

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

/// A database URL; its `Debug` form hides the password.
#[derive(Clone, PartialEq, Eq)]
pub struct DatabaseUrl(String);

impl DatabaseUrl {
    /// The URL itself, password included: only for connecting.
    pub fn expose(&self) -> &str {
        &self.0
    }

    /// Whether it names a PostgreSQL database (`postgres://` or `postgresql://`).
    pub fn is_postgres(&self) -> bool {
        self.0.starts_with("postgres://") || self.0.starts_with("postgresql://")
    }

    /// The URL with its password (in the user info or a `password` parameter) replaced by `***`.
    pub fn redacted(&self) -> String {
        let Some((scheme, rest)) = self.0.split_once("://") else {
            return "***".to_owned();
        };
        let authority_end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
        let (authority, tail) = rest.split_at(authority_end);
        let authority = match authority.rsplit_once('@') {
            Some((userinfo, host)) => match userinfo.split_once(':') {
                Some((user, _)) => format!("{user}:***@{host}"),
                None => authority.to_owned(),
            },
            None => authority.to_owned(),
        };
        let tail = match tail.split_once('?') {
            Some((path, query)) => {
                let params: Vec<String> = query
                    .split('&')
                    .map(|param| match param.split_once('=') {
                        Some((key, _)) if key.eq_ignore_ascii_case("password") => {
                            format!("{key}=***")
                        }
                        _ => param.to_owned(),
                    })
                    .collect();
                format!("{path}?{}", params.join("&"))
            }
            None => tail.to_owned(),
        };
        format!("{scheme}://{authority}{tail}")
    }
}

impl FromStr for DatabaseUrl {
    type Err = Infallible;

    // The scheme is checked when the store opens, with a message that does not echo the password.
    fn from_str(url: &str) -> Result<Self, Self::Err> {
        Ok(DatabaseUrl(url.to_owned()))
    }
}

impl fmt::Debug for DatabaseUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("DatabaseUrl")
            .field(&self.redacted())
            .finish()
    }
}

#[cfg(test)]
mod tests;
