//! One logical request: failover across the registry URLs, retries with backoff, and bounded bodies.
//!
//! A 2xx answer ends the request. A 429, a 5xx or a failure without an HTTP answer moves on to
//! the next URL; when every URL failed that way the client waits (exponential backoff with jitter,
//! or the server's `Retry-After` within the cap) and tries again, up to `max_retries` times. Any
//! other status is the answer and is returned at once: a 404 or 409 is never retried. The URL that
//! last answered is tried first next time, so a dead first URL costs one failed connect, not one per call.

use std::collections::hash_map::RandomState;
use std::hash::{BuildHasher, Hasher};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use accord_types::{ErrorBody, ErrorCode};
use reqwest::Method;
use reqwest::header::{ACCEPT, CONTENT_TYPE, HeaderValue, RETRY_AFTER};
use serde::de::DeserializeOwned;

use crate::config::{Auth, ClientBuilder, RetryPolicy};
use crate::error::{Error, TransportError};

/// The content type Confluent clients send and the registry answers with.
const SCHEMA_REGISTRY_JSON: &str = "application/vnd.schemaregistry.v1+json";
const ACCEPT_ANY_REGISTRY_JSON: &str =
    "application/vnd.schemaregistry.v1+json, application/vnd.schemaregistry+json, application/json";
/// How much of a non-JSON error body goes into `Error::Registry::message`.
const ERROR_TEXT_LIMIT: usize = 512;

#[derive(Debug)]
pub(crate) struct Transport {
    http: reqwest::Client,
    /// Base URLs without a trailing slash.
    bases: Vec<String>,
    auth: Option<Auth>,
    retry: RetryPolicy,
    max_response_bytes: usize,
    /// Index into `bases` of the URL that answered last.
    preferred: AtomicUsize,
    /// Seeds the jitter; `RandomState` is randomly keyed per process, so no RNG crate is needed.
    jitter: RandomState,
}

/// How one attempt against one URL ended, when it did not succeed.
enum Failure {
    /// Worth trying elsewhere or later; `retry_after` is the server's hint.
    Retriable {
        error: Error,
        retry_after: Option<Duration>,
    },
    /// The answer: return it.
    Final(Error),
}

impl Transport {
    pub(crate) fn new(builder: &ClientBuilder) -> Result<Transport, Error> {
        if builder.urls.is_empty() {
            return Err(Error::Config("no registry URL given".into()));
        }
        let mut bases = Vec::with_capacity(builder.urls.len());
        for url in &builder.urls {
            let parsed = reqwest::Url::parse(url)
                .map_err(|err| Error::Config(format!("registry URL {url:?}: {err}")))?;
            if !matches!(parsed.scheme(), "http" | "https") || parsed.host().is_none() {
                return Err(Error::Config(format!(
                    "registry URL {url:?} is not an http(s) URL with a host"
                )));
            }
            bases.push(url.trim_end_matches('/').to_string());
        }
        let http = reqwest::Client::builder()
            .connect_timeout(builder.connect_timeout)
            .timeout(builder.request_timeout)
            .build()
            .map_err(|err| Error::Config(format!("cannot build the HTTP client: {err}")))?;
        Ok(Transport {
            http,
            bases,
            auth: builder.auth.clone(),
            retry: builder.retry,
            max_response_bytes: builder.max_response_bytes,
            preferred: AtomicUsize::new(0),
            jitter: RandomState::new(),
        })
    }

    /// Sends `method path` (path and query, starting with `/`) with an optional JSON body and
    /// parses the answer as `T`.
    pub(crate) async fn call<T: DeserializeOwned>(
        &self,
        method: Method,
        path: &str,
        body: Option<&str>,
    ) -> Result<T, Error> {
        let (url, bytes) = self.send(method, path, body).await?;
        serde_json::from_slice(&bytes).map_err(|source| Error::Decode { url, source })
    }

    /// Like [`Transport::call`], for answers with no body worth reading (`204 No Content`).
    pub(crate) async fn call_empty(
        &self,
        method: Method,
        path: &str,
        body: Option<&str>,
    ) -> Result<(), Error> {
        self.send(method, path, body).await.map(|_| ())
    }

    async fn send(
        &self,
        method: Method,
        path: &str,
        body: Option<&str>,
    ) -> Result<(String, Vec<u8>), Error> {
        let count = self.bases.len();
        let mut retry = 0;
        loop {
            let first = self.preferred.load(Ordering::Relaxed) % count;
            let mut last = None;
            let mut hint = None;
            for offset in 0..count {
                let index = (first + offset) % count;
                let url = format!("{}{path}", self.bases[index]);
                match self.attempt(method.clone(), &url, body).await {
                    Ok(bytes) => {
                        self.preferred.store(index, Ordering::Relaxed);
                        return Ok((url, bytes));
                    }
                    Err(Failure::Final(error)) => return Err(error),
                    Err(Failure::Retriable { error, retry_after }) => {
                        last = Some(error);
                        hint = retry_after.or(hint);
                    }
                }
            }
            let error = last.unwrap_or_else(|| Error::Config("no registry URL given".into()));
            if retry >= self.retry.max_retries {
                return Err(error);
            }
            let delay = match hint {
                Some(hint) => hint.min(self.retry.max_backoff),
                None => self.retry.backoff(retry, self.random(retry)),
            };
            tokio::time::sleep(delay).await;
            retry += 1;
        }
    }

    async fn attempt(
        &self,
        method: Method,
        url: &str,
        body: Option<&str>,
    ) -> Result<Vec<u8>, Failure> {
        let mut request = self
            .http
            .request(method, url)
            .header(ACCEPT, ACCEPT_ANY_REGISTRY_JSON);
        if let Some(body) = body {
            request = request
                .header(CONTENT_TYPE, SCHEMA_REGISTRY_JSON)
                .body(body.to_string());
        }
        request = match &self.auth {
            Some(Auth::Basic { username, password }) => {
                request.basic_auth(username, Some(password))
            }
            Some(Auth::Bearer(token)) => request.bearer_auth(token),
            None => request,
        };
        let transport = |source: reqwest::Error| Failure::Retriable {
            error: Error::Transport {
                url: url.to_string(),
                source: TransportError(source),
            },
            retry_after: None,
        };
        let mut response = request.send().await.map_err(transport)?;
        let status = response.status();
        let retry_after = response
            .headers()
            .get(RETRY_AFTER)
            .and_then(retry_after_seconds);
        let mut bytes = Vec::new();
        while let Some(chunk) = response.chunk().await.map_err(transport)? {
            if bytes.len() + chunk.len() > self.max_response_bytes {
                return Err(Failure::Final(Error::ResponseTooLarge {
                    url: url.to_string(),
                    limit: self.max_response_bytes,
                }));
            }
            bytes.extend_from_slice(&chunk);
        }
        if status.is_success() {
            return Ok(bytes);
        }
        let error = registry_error(status.as_u16(), &bytes);
        if status.as_u16() == 429 || status.is_server_error() {
            Err(Failure::Retriable { error, retry_after })
        } else {
            Err(Failure::Final(error))
        }
    }

    fn random(&self, retry: u32) -> u64 {
        let mut hasher = self.jitter.build_hasher();
        hasher.write_u32(retry);
        hasher.write_u128(
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map_or(0, |d| d.as_nanos()),
        );
        hasher.finish()
    }
}

/// A `Retry-After` given in seconds; the HTTP-date form is ignored (backoff applies instead).
fn retry_after_seconds(value: &HeaderValue) -> Option<Duration> {
    let seconds: u64 = value.to_str().ok()?.trim().parse().ok()?;
    Some(Duration::from_secs(seconds))
}

/// The error an unsuccessful answer stands for: Confluent's body when it is one, else the status and text.
fn registry_error(status: u16, body: &[u8]) -> Error {
    match serde_json::from_slice::<ErrorBody>(body) {
        Ok(body) => Error::Registry {
            status,
            code: ErrorCode(body.error_code),
            message: body.message,
        },
        Err(_) => {
            let text = String::from_utf8_lossy(body);
            let mut cut = text.len().min(ERROR_TEXT_LIMIT);
            while !text.is_char_boundary(cut) {
                cut -= 1;
            }
            Error::Registry {
                status,
                code: ErrorCode(u32::from(status)),
                message: text[..cut].trim().to_string(),
            }
        }
    }
}

/// Percent-encodes one path segment or query value: everything but RFC 3986's unreserved characters.
pub(crate) fn encode(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for byte in text.bytes() {
        if byte.is_ascii_alphanumeric() || matches!(byte, b'-' | b'.' | b'_' | b'~') {
            out.push(char::from(byte));
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    out
}

/// Builds a query string of `key=value` pairs; flags are written only when set.
#[derive(Debug, Default)]
pub(crate) struct Query(String);

impl Query {
    pub(crate) fn new() -> Query {
        Query::default()
    }

    pub(crate) fn flag(mut self, key: &str, on: bool) -> Query {
        if on {
            self.push(key, "true");
        }
        self
    }

    pub(crate) fn opt(mut self, key: &str, value: Option<&str>) -> Query {
        if let Some(value) = value {
            self.push(key, value);
        }
        self
    }

    fn push(&mut self, key: &str, value: &str) {
        self.0.push(if self.0.is_empty() { '?' } else { '&' });
        self.0.push_str(key);
        self.0.push('=');
        self.0.push_str(&encode(value));
    }

    /// `path` followed by the query.
    pub(crate) fn on(self, path: String) -> String {
        path + &self.0
    }
}
