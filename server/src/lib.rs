//! `accord-server`: the Confluent-compatible REST API over a SQL store.
//!
//! [`app`] builds the router from an [`AppState`]; [`serve`] runs it on a listener until a
//! shutdown future resolves; [`run`] is what `accord serve` calls (open, bind, serve, stop on
//! SIGINT/SIGTERM). Business rules live in `registry`, storage in `store`, and the only
//! mapping from errors to HTTP in `error`.

use std::future::Future;
use std::sync::Arc;
use std::time::Duration;

use anyhow::Context as _;
use axum::Router;
use tokio::net::TcpListener;
use tower_http::catch_panic::CatchPanicLayer;
use tower_http::trace::TraceLayer;

mod config;
mod error;
mod http;
pub mod registry;
pub mod store;

pub use config::{DatabaseUrl, ServeConfig};

use registry::{Limits, Registry};
use store::Store;
use store::postgres::{PoolSettings, PostgresStore};
use store::sqlite::SqliteStore;

/// Shared state of every request handler.
#[derive(Debug, Clone)]
pub struct AppState {
    /// The server settings.
    pub config: Arc<ServeConfig>,
    /// The registry (business rules over the store, with caches).
    pub registry: Arc<Registry>,
}

/// Opens the store (PostgreSQL at `config.database_url`, else SQLite under `config.data_dir`,
/// created and migrated as needed) and builds the state.
pub async fn open(config: &ServeConfig) -> anyhow::Result<AppState> {
    let store: Arc<dyn Store> = match &config.database_url {
        Some(url) => {
            anyhow::ensure!(
                url.is_postgres(),
                "unsupported database URL {}: only postgres:// and postgresql:// are supported \
                 (leave it unset for the embedded SQLite database)",
                url.redacted()
            );
            anyhow::ensure!(
                config.database_max_connections > 0,
                "--database-max-connections must be at least 1"
            );
            let settings = PoolSettings {
                max_connections: config.database_max_connections,
                acquire_timeout: Duration::from_secs(config.database_acquire_timeout_secs),
            };
            let store = PostgresStore::connect(url.expose(), settings)
                .await
                .with_context(|| format!("opening PostgreSQL database {}", url.redacted()))?;
            Arc::new(store)
        }
        None => {
            tokio::fs::create_dir_all(&config.data_dir)
                .await
                .with_context(|| {
                    format!("creating data directory {}", config.data_dir.display())
                })?;
            let path = config.data_dir.join("accord.db");
            let store = SqliteStore::open(&path)
                .await
                .with_context(|| format!("opening SQLite database {}", path.display()))?;
            Arc::new(store)
        }
    };
    let limits = Limits {
        max_schema_depth: config.max_schema_depth,
        max_references: config.max_references,
    };
    let registry = Arc::new(Registry::new(store, limits));
    registry.follow_evictions();
    Ok(AppState {
        config: Arc::new(config.clone()),
        registry,
    })
}

/// The whole HTTP application.
pub fn app(state: AppState) -> Router {
    http::router(state)
        .layer(CatchPanicLayer::custom(|_| {
            error::ApiError::new(accord_types::ErrorCode::INTERNAL, "Internal Server Error")
                .into_response_for_panic()
        }))
        .layer(TraceLayer::new_for_http())
}

/// Serves `state` on `listener` until `shutdown` resolves, then drains in-flight requests.
pub async fn serve(
    listener: TcpListener,
    state: AppState,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    axum::serve(listener, app(state))
        .with_graceful_shutdown(shutdown)
        .await
}

/// `accord serve`: open, bind, serve until SIGINT or SIGTERM.
pub async fn run(config: ServeConfig) -> anyhow::Result<()> {
    let state = open(&config).await?;
    let listener = TcpListener::bind(config.listen)
        .await
        .with_context(|| format!("binding {}", config.listen))?;
    let database = match &config.database_url {
        Some(url) => url.redacted(),
        None => config.data_dir.join("accord.db").display().to_string(),
    };
    tracing::info!(address = %listener.local_addr()?, %database, "listening on {}", listener.local_addr()?);
    let grace = Duration::from_secs(config.shutdown_grace_secs);
    let (stopped_tx, stopped_rx) = tokio::sync::oneshot::channel::<()>();
    let shutdown = async move {
        shutdown_signal().await;
        tracing::info!("shutting down");
        let _ = stopped_tx.send(());
    };
    let server = tokio::spawn(serve(listener, state, shutdown));
    let _ = stopped_rx.await;
    match tokio::time::timeout(grace, server).await {
        Ok(result) => result.context("server task failed")??,
        Err(_) => tracing::warn!("in-flight requests did not finish within the grace period"),
    }
    Ok(())
}

/// Resolves on SIGINT or SIGTERM.
async fn shutdown_signal() {
    let interrupt = tokio::signal::ctrl_c();
    #[cfg(unix)]
    {
        let mut term =
            match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
                Ok(term) => term,
                Err(error) => {
                    tracing::warn!(%error, "cannot listen for SIGTERM");
                    let _ = interrupt.await;
                    return;
                }
            };
        tokio::select! {
            _ = interrupt => {}
            _ = term.recv() => {}
        }
    }
    #[cfg(not(unix))]
    {
        let _ = interrupt.await;
    }
}
