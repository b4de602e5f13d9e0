//! Accord's system test binary: the real server as a separate process on a real port, and tidy and dependency-direction checks of the tree.

mod bad_input;
mod concurrency;
mod conformance;
mod deps;
mod durability;
mod interop_python;
mod peer_avro;
mod tidy;

use accord_tests::TestServer;

/// The `accord-test-serve` binary Cargo built for this test binary: the same code path as `accord serve`.
const SERVE_BIN: &str = env!("CARGO_BIN_EXE_accord-test-serve");

/// A fresh server with default settings on a new temporary data directory.
fn server() -> TestServer {
    TestServer::start(SERVE_BIN, &[])
}

/// A fresh server started with extra `accord serve` flags.
fn server_with(args: &[&str]) -> TestServer {
    TestServer::start(SERVE_BIN, args)
}
