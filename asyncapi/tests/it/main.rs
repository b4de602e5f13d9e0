//! Integration tests of `accord-asyncapi`: the corpus of real documents against the official
//! parser's verdicts, and hostile input.

mod bad_input;
mod corpus;
mod diff;
mod lint;
mod model;

/// Fails unless some finding has `rule`.
fn assert_reports<D>(diagnostics: &[D], rule: &str)
where
    D: std::borrow::Borrow<accord_asyncapi::Diagnostic> + std::fmt::Debug,
{
    assert!(
        diagnostics.iter().any(|d| d.borrow().rule == rule),
        "no {rule} among {diagnostics:#?}"
    );
}
