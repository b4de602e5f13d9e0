//! Confluent's Java library on the shared corpus: every JSON schema's canonical and normalized
//! text or rejection, every JSON pair's BACKWARD and FORWARD messages, every chain with a JSON
//! version at all levels.

use accord_compat::SchemaType;

use crate::common::{ErrorText, library_chains, library_pairs, library_schemas};

/// Pairs whose result differs from Confluent's, and why.
const PAIR_DIFFERENCES: &[(&str, &str)] = &[(
    "json-exclusiveMaximum-10-5",
    "Confluent's NumberSchemaDiff compares a decreased exclusiveMaximum with the update's \
     `maximum` and throws a NullPointerException when it is absent; Accord reports \
     EXCLUSIVE_MAXIMUM_DECREASED instead",
)];

/// Chains whose result differs from Confluent's, and why.
const CHAIN_DIFFERENCES: &[(&str, &str)] = &[(
    "json-open-add-property",
    "recorded with a Confluent release that still emitted the deprecated \
     PROPERTY_ADDED_TO_OPEN_CONTENT_MODEL; current Confluent (and its own diff examples, which \
     Accord follows) reports OPTIONAL_PROPERTY_ADDED_TO_OPEN_CONTENT_MODEL",
)];

#[test]
fn json_schemas_match_confluent() {
    // Accord's message starts with Confluent's and then names what failed.
    library_schemas(
        SchemaType::Json,
        "library json schemas (canonical, normalized, errors)",
        ErrorText::Prefix,
        &[],
    );
}

#[test]
fn json_pairs_match_confluent() {
    library_pairs(
        SchemaType::Json,
        "library json compat pairs (BACKWARD and FORWARD)",
        PAIR_DIFFERENCES,
    );
}

#[test]
fn json_chains_match_confluent() {
    library_chains(
        SchemaType::Json,
        &[SchemaType::Avro, SchemaType::Json],
        "library json chains (all seven levels)",
        CHAIN_DIFFERENCES,
    );
}
