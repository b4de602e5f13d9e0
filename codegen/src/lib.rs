//! `accord-codegen`: pure functions from schemas and AsyncAPI documents to source text.
//!
//! Skeleton: the capability arrives with the code-generation issue. It depends on `compat`
//! and `asyncapi` only and never does IO.
