//! Integration tests of `accord-asyncapi`: the corpus of real documents against the official
//! parser's verdicts, and hostile input.

mod bad_input;
mod corpus;
mod diff;
mod lint;
mod model;
