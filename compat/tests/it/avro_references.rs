//! Named types from references: they resolve, print by name, and are compared by structure.

use accord_compat::{CompatibilityLevel, Reference, check};

use crate::common::avro;

const ADDRESS: &str = r#"{"type":"record","name":"Address","namespace":"com.acme","fields":[{"name":"street","type":"string"}]}"#;
const PERSON: &str = r#"{"type":"record","name":"Person","namespace":"org.people","fields":[{"name":"addr","type":"com.acme.Address"}]}"#;

fn address_ref(text: &str) -> Reference {
    Reference {
        name: "com.acme.Address".to_owned(),
        text: text.to_owned(),
    }
}

#[test]
fn referenced_type_resolves_and_prints_by_full_name() {
    let person = avro(PERSON, &[address_ref(ADDRESS)]).expect("resolves through the reference");
    assert_eq!(
        person.canonical(),
        r#"{"type":"record","name":"Person","namespace":"org.people","fields":[{"name":"addr","type":"com.acme.Address"}]}"#
    );
    assert_eq!(person.normalized(), person.canonical());
}

#[test]
fn missing_reference_is_javas_undefined_name_error() {
    let error = avro(PERSON, &[]).expect_err("com.acme.Address is defined nowhere");
    assert_eq!(
        error.to_string(),
        r#""com.acme.Address" is not a defined name. The type of the "addr" field must be a defined name or a {"type": ...} expression."#
    );
}

#[test]
fn references_resolve_in_order_and_transitively() {
    let geo = Reference {
        name: "com.acme.Geo".to_owned(),
        text: r#"{"type":"fixed","name":"Geo","namespace":"com.acme","size":16}"#.to_owned(),
    };
    let address = address_ref(
        r#"{"type":"record","name":"Address","namespace":"com.acme","fields":[{"name":"at","type":"Geo"}]}"#,
    );
    let person =
        avro(PERSON, &[geo.clone(), address.clone()]).expect("Geo is known when Address is read");
    assert!(person.canonical().contains(r#""type":"com.acme.Address""#));
    let error =
        avro(PERSON, &[address, geo]).expect_err("Geo is not yet known when Address is read");
    assert!(
        error
            .to_string()
            .starts_with(r#""Geo" is not a defined name."#),
        "{error}"
    );
}

#[test]
fn redefining_a_referenced_name_is_rejected() {
    let error = avro(ADDRESS, &[address_ref(ADDRESS)]).expect_err("Address is already defined");
    assert_eq!(error.to_string(), "Can't redefine: com.acme.Address");
}

/// STYLE.md rule 6: a checker that compares referenced types by name alone would call this
/// compatible. The referenced record gained a required field, so BACKWARD must fail.
#[test]
fn referenced_types_are_compared_by_structure_not_name() {
    let old = avro(PERSON, &[address_ref(ADDRESS)]).expect("old parses");
    let new_address = r#"{"type":"record","name":"Address","namespace":"com.acme","fields":[{"name":"street","type":"string"},{"name":"zip","type":"string"}]}"#;
    let new = avro(PERSON, &[address_ref(new_address)]).expect("new parses");
    let report = check(
        CompatibilityLevel::Backward,
        &new,
        &[&old],
        &crate::common::STRICT,
    );
    let violations = &report.incompatibilities[0].violations;
    assert_eq!(violations.len(), 1);
    assert_eq!(violations[0].rule, "READER_FIELD_MISSING_DEFAULT_VALUE");
    assert_eq!(violations[0].path, "/fields/0/type/fields/1");
    assert!(
        check(
            CompatibilityLevel::Forward,
            &new,
            &[&old],
            &crate::common::STRICT
        )
        .is_compatible()
    );
}
