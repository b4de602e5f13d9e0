//! The client's one error enum: what the registry refused, what the network broke, what did not parse.

use accord_types::ErrorCode;

/// Everything a client call can fail with.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The registry answered with an error status and (usually) Confluent's `{"error_code", "message"}` body.
    ///
    /// When the body is not Confluent's shape (a proxy's HTML page, say), `code` is the HTTP status
    /// and `message` is the start of the body.
    #[error("registry answered {status} (error code {}): {message}", code.0)]
    Registry {
        /// The HTTP status.
        status: u16,
        /// Confluent's `error_code`.
        code: ErrorCode,
        /// Confluent's `message`.
        message: String,
    },
    /// The request did not get an HTTP answer: connection refused or reset, TLS failure, timeout.
    #[error("request to {url} failed")]
    Transport {
        /// The URL the last attempt went to.
        url: String,
        /// What went wrong.
        #[source]
        source: TransportError,
    },
    /// A successful answer whose body is not the expected JSON.
    #[error("unexpected response body from {url}")]
    Decode {
        /// The URL that answered.
        url: String,
        /// Why the body did not parse.
        #[source]
        source: serde_json::Error,
    },
    /// A response body over the configured limit (`ClientBuilder::max_response_bytes`).
    #[error("response from {url} exceeds {limit} bytes")]
    ResponseTooLarge {
        /// The URL that answered.
        url: String,
        /// The limit in bytes.
        limit: usize,
    },
    /// A request body could not be serialized (not expected with the `accord-types` DTOs).
    #[error("cannot encode the request body")]
    Encode(#[source] serde_json::Error),
    /// The client was configured with something unusable (no URL, a malformed URL).
    #[error("invalid client configuration: {0}")]
    Config(String),
}

impl Error {
    /// The HTTP status, when the registry answered.
    pub fn status(&self) -> Option<u16> {
        match self {
            Error::Registry { status, .. } => Some(*status),
            _ => None,
        }
    }

    /// Confluent's `error_code`, when the registry answered with an error.
    pub fn code(&self) -> Option<ErrorCode> {
        match self {
            Error::Registry { code, .. } => Some(*code),
            _ => None,
        }
    }

    /// Whether the registry answered 404 (unknown subject, version, schema, or configuration).
    pub fn is_not_found(&self) -> bool {
        self.status() == Some(404)
    }

    /// Whether the subject does not exist (40401).
    pub fn is_subject_not_found(&self) -> bool {
        self.code() == Some(ErrorCode::SUBJECT_NOT_FOUND)
    }

    /// Whether the version does not exist (40402).
    pub fn is_version_not_found(&self) -> bool {
        self.code() == Some(ErrorCode::VERSION_NOT_FOUND)
    }

    /// Whether the schema id, GUID or lookup matched nothing (40403).
    pub fn is_schema_not_found(&self) -> bool {
        self.code() == Some(ErrorCode::SCHEMA_NOT_FOUND)
    }

    /// Whether the registry refused the schema as incompatible (HTTP 409).
    pub fn is_incompatible(&self) -> bool {
        self.status() == Some(409)
    }

    /// Whether the client retries this failure: 429, 5xx, or no HTTP answer at all.
    pub fn is_retriable(&self) -> bool {
        match self {
            Error::Registry { status, .. } => *status == 429 || *status >= 500,
            Error::Transport { .. } => true,
            _ => false,
        }
    }
}

/// A failure below HTTP, kept opaque so that the HTTP library is not part of this crate's API.
#[derive(Debug)]
pub struct TransportError(pub(crate) reqwest::Error);

impl TransportError {
    /// Whether the attempt ran out of time (connect or request timeout).
    pub fn is_timeout(&self) -> bool {
        self.0.is_timeout()
    }

    /// Whether no connection could be made.
    pub fn is_connect(&self) -> bool {
        self.0.is_connect()
    }
}

impl std::fmt::Display for TransportError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        std::fmt::Display::fmt(&self.0, f)
    }
}

impl std::error::Error for TransportError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        self.0.source()
    }
}
