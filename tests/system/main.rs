//! Accord's system test binary: the real server as a separate process on a real port, the `Store` contract suite on both backends, and tidy and dependency-direction checks of the tree.
//!
//! Tests that matter for both backends are written once, as `fn name(backend: Backend)`, and stamped per backend by
//! [`on_both_backends!`], so that each runs as `module::sqlite::name` and `module::postgres::name`.

// Defined before the modules so that it is in (textual) scope in all of them.
/// Stamps one test per backend for each `name`, calling the calling module's `name(Backend)`:
/// `async` for `async fn` bodies (run on a multi-threaded runtime), `sync` for plain ones.
macro_rules! on_both_backends {
    (async: $($name:ident),+ $(,)?) => {
        mod sqlite {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
                async fn $name() {
                    super::$name($crate::Backend::Sqlite).await;
                }
            )+
        }
        mod postgres {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
                async fn $name() {
                    super::$name($crate::Backend::Postgres).await;
                }
            )+
        }
    };
    (sync: $($name:ident),+ $(,)?) => {
        mod sqlite {
            $(
                #[test]
                fn $name() {
                    super::$name($crate::Backend::Sqlite);
                }
            )+
        }
        mod postgres {
            $(
                #[test]
                fn $name() {
                    super::$name($crate::Backend::Postgres);
                }
            )+
        }
    };
}
mod asyncapi;
mod bad_input;
mod bad_input_formats;
mod client;
mod concurrency;
mod conformance;
mod deps;
mod durability;
mod interop_node;
mod interop_python;
mod peer_avro;
mod postgres_restart;
mod replicas;
mod serdes_interop;
mod store_contract;
mod tidy;

use accord_tests::{TestDatabase, TestServer};

/// The `accord-test-serve` binary Cargo built for this test binary: the same code path as `accord serve`.
const SERVE_BIN: &str = env!("CARGO_BIN_EXE_accord-test-serve");

/// Where a server or store keeps its data.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Backend {
    /// The embedded SQLite file under a temporary data directory.
    Sqlite,
    /// A fresh database on the PostgreSQL server of `TEST_POSTGRES_URL` (see `accord_tests::postgres_admin_url`).
    Postgres,
}

/// A fresh server with default settings on a new temporary data directory.
fn server() -> TestServer {
    TestServer::start(SERVE_BIN, &[])
}

/// A fresh server on `backend` (a new PostgreSQL database for `Backend::Postgres`), started with extra flags.
fn server_on(backend: Backend, args: &[&str]) -> TestServer {
    match backend {
        Backend::Sqlite => TestServer::start(SERVE_BIN, args),
        Backend::Postgres => {
            TestServer::start_with_database(SERVE_BIN, TestDatabase::create(), args)
        }
    }
}
