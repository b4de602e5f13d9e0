//! How a [`Client`](crate::Client) is built: registry URLs, credentials, timeouts, retries, cache sizes.
//!
//! Every setting has a default suited to a producer or consumer; only the URLs are required.

use std::fmt;
use std::time::Duration;

use crate::Client;
use crate::error::Error;

/// Credentials sent with every request.
#[derive(Clone)]
pub enum Auth {
    /// HTTP basic authentication (Confluent's `basic.auth.user.info`).
    Basic {
        /// User name or API key.
        username: String,
        /// Password or API secret.
        password: String,
    },
    /// A bearer token (API key or OIDC access token).
    Bearer(String),
}

impl fmt::Debug for Auth {
    /// Secrets are redacted.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Auth::Basic { username, .. } => f
                .debug_struct("Basic")
                .field("username", username)
                .field("password", &"<redacted>")
                .finish(),
            Auth::Bearer(_) => f.debug_tuple("Bearer").field(&"<redacted>").finish(),
        }
    }
}

/// When and how often a failed request is tried again.
///
/// Only 429, 5xx and failures without an HTTP answer are retried; 4xx answers never are. One
/// attempt goes through every URL (failing over on the same failures) before the client waits.
#[derive(Debug, Clone, Copy)]
pub struct RetryPolicy {
    /// Attempts after the first one.
    pub max_retries: u32,
    /// The wait before the first retry; doubled for each further one.
    pub initial_backoff: Duration,
    /// The longest wait between attempts, also the cap on a server's `Retry-After`.
    pub max_backoff: Duration,
}

impl RetryPolicy {
    /// The wait before retry number `retry` (0-based): exponential, capped, with jitter in its upper half.
    pub(crate) fn backoff(&self, retry: u32, random: u64) -> Duration {
        let base = self
            .initial_backoff
            .saturating_mul(1u32.checked_shl(retry.min(31)).unwrap_or(u32::MAX))
            .min(self.max_backoff);
        let half = base / 2;
        let half_nanos = u64::try_from(half.as_nanos()).unwrap_or(u64::MAX);
        let jitter = if half_nanos == 0 {
            0
        } else {
            random % half_nanos
        };
        half + Duration::from_nanos(jitter)
    }
}

/// Sizes and lifetimes of the client's caches.
#[derive(Debug, Clone, Copy)]
pub struct CacheConfig {
    /// Entries in each forever cache: schemas by id, by GUID, registrations and lookups.
    pub capacity: usize,
    /// Subjects whose latest version is kept.
    pub latest_capacity: usize,
    /// How long a subject's latest version is reused.
    pub latest_ttl: Duration,
    /// How long a 404 is remembered before the registry is asked again.
    pub miss_ttl: Duration,
}

/// Builds a [`Client`]; start with [`Client::builder`].
#[derive(Debug, Clone)]
pub struct ClientBuilder {
    pub(crate) urls: Vec<String>,
    pub(crate) auth: Option<Auth>,
    pub(crate) connect_timeout: Duration,
    pub(crate) request_timeout: Duration,
    pub(crate) retry: RetryPolicy,
    pub(crate) cache: CacheConfig,
    pub(crate) max_response_bytes: usize,
}

impl ClientBuilder {
    pub(crate) fn new(urls: Vec<String>) -> ClientBuilder {
        ClientBuilder {
            urls,
            auth: None,
            connect_timeout: Duration::from_secs(5),
            request_timeout: Duration::from_secs(30),
            retry: RetryPolicy {
                max_retries: 3,
                initial_backoff: Duration::from_millis(100),
                max_backoff: Duration::from_secs(5),
            },
            cache: CacheConfig {
                capacity: 10_000,
                latest_capacity: 1_000,
                latest_ttl: Duration::from_secs(60),
                miss_ttl: Duration::from_secs(5),
            },
            max_response_bytes: 64 * 1024 * 1024,
        }
    }

    /// Sends HTTP basic credentials with every request.
    pub fn basic_auth(mut self, username: impl Into<String>, password: impl Into<String>) -> Self {
        self.auth = Some(Auth::Basic {
            username: username.into(),
            password: password.into(),
        });
        self
    }

    /// Sends `Authorization: Bearer <token>` with every request.
    pub fn bearer_token(mut self, token: impl Into<String>) -> Self {
        self.auth = Some(Auth::Bearer(token.into()));
        self
    }

    /// How long a connection attempt to one URL may take (default 5 s).
    pub fn connect_timeout(mut self, timeout: Duration) -> Self {
        self.connect_timeout = timeout;
        self
    }

    /// How long one request to one URL may take, body included (default 30 s).
    pub fn request_timeout(mut self, timeout: Duration) -> Self {
        self.request_timeout = timeout;
        self
    }

    /// The retry policy (default: 3 retries, 100 ms doubling up to 5 s).
    pub fn retry(mut self, retry: RetryPolicy) -> Self {
        self.retry = retry;
        self
    }

    /// Attempts after the first one (default 3); 0 disables retries but not failover.
    pub fn max_retries(mut self, max_retries: u32) -> Self {
        self.retry.max_retries = max_retries;
        self
    }

    /// The cache settings (default: 10,000 entries, latest versions for 60 s, misses for 5 s).
    pub fn cache(mut self, cache: CacheConfig) -> Self {
        self.cache = cache;
        self
    }

    /// The largest response body accepted (default 64 MiB), so that a broken server cannot exhaust memory.
    pub fn max_response_bytes(mut self, limit: usize) -> Self {
        self.max_response_bytes = limit;
        self
    }

    /// The client, or [`Error::Config`] when no URL was given or one does not parse.
    pub fn build(self) -> Result<Client, Error> {
        Client::from_builder(&self)
    }
}

#[cfg(test)]
mod tests;
