//! Confluent's Java library on the shared corpus: every Avro schema's canonical and normalized
//! text or error, every Avro pair's BACKWARD and FORWARD messages, every Avro chain at all levels.

use accord_compat::SchemaType;

use crate::common::{ErrorText, library_chains, library_pairs, library_schemas};

/// Schemas whose result differs from Confluent's, and why.
const SCHEMA_DIFFERENCES: &[(&str, &str)] = &[(
    "avro-bad-json",
    "malformed JSON: Confluent quotes Jackson's exception (class name, source excerpt, line and \
     column); Accord reports its own parser's message",
)];

/// Chains whose result differs from Confluent's, and why.
const CHAIN_DIFFERENCES: &[(&str, &str)] = &[(
    "avro-to-json",
    "the chain's last version is JSON Schema, which accord-compat does not parse yet",
)];

#[test]
fn avro_schemas_match_confluent() {
    library_schemas(
        SchemaType::Avro,
        "library avro schemas (canonical, normalized, errors)",
        ErrorText::Exact,
        SCHEMA_DIFFERENCES,
    );
}

#[test]
fn avro_pairs_match_confluent() {
    library_pairs(
        SchemaType::Avro,
        "library avro compat pairs (BACKWARD and FORWARD)",
        &[],
    );
}

#[test]
fn avro_chains_match_confluent() {
    library_chains(
        SchemaType::Avro,
        &[SchemaType::Avro],
        "library avro chains (all seven levels)",
        CHAIN_DIFFERENCES,
    );
}
