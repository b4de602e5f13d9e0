//! `accord-asyncapi`: the AsyncAPI document model, validation, governance rules and diff.
//!
//! Skeleton: the capability arrives with the AsyncAPI governance issue. Like `compat`, this
//! crate stays pure (no IO, async, clock or network); payload schemas are judged through
//! `accord-compat`.
