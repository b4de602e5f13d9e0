//! `accord-client`: the async REST client and serde wire-format helpers.
//!
//! Skeleton: the client arrives with the Rust-client issue. It depends on `accord-types` only,
//! never on the server or on `compat`.
