//! A registry for the serializer benchmarks: `accord serve` on SQLite in a temporary directory,
//! in-process on a runtime of its own, so that both clients under test resolve schemas from it.

use std::net::SocketAddr;

use accord_server::ServeConfig;
use clap::Parser;

/// The flags of `accord serve`, parsed from a fixed command line.
#[derive(Debug, Parser)]
struct Args {
    #[command(flatten)]
    serve: ServeConfig,
}

/// A running registry; it stops when the process exits.
#[derive(Debug)]
pub struct Registry {
    /// `http://127.0.0.1:PORT`.
    pub url: String,
    _data: tempfile::TempDir,
}

impl Registry {
    /// Starts the registry on a free loopback port and returns once it accepts connections.
    pub fn start() -> anyhow::Result<Registry> {
        let data = tempfile::tempdir()?;
        let listener = std::net::TcpListener::bind("127.0.0.1:0")?;
        let address: SocketAddr = listener.local_addr()?;
        drop(listener);
        let data_dir = data.path().to_string_lossy().into_owned();
        let listen = address.to_string();
        let args = Args::try_parse_from(["accord", "--listen", &listen, "--data-dir", &data_dir])?;
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(1)
            .enable_all()
            .build()?;
        std::thread::spawn(move || {
            if let Err(error) = runtime.block_on(accord_server::run(args.serve)) {
                eprintln!("benchmark registry stopped: {error:#}");
            }
        });
        for _ in 0..200 {
            if std::net::TcpStream::connect(address).is_ok() {
                return Ok(Registry {
                    url: format!("http://{address}"),
                    _data: data,
                });
            }
            std::thread::sleep(std::time::Duration::from_millis(25));
        }
        anyhow::bail!("the benchmark registry did not start on {address}")
    }
}
