//! JSON shapes the client sends: a register request carries only the fields that are set.

use accord_types::{RegisterSchemaRequest, SchemaReference};
use serde_json::json;

#[test]
fn register_request_omits_absent_fields() {
    let plain = RegisterSchemaRequest::new("\"string\"");
    assert_eq!(
        serde_json::to_value(&plain).unwrap(),
        json!({"schema": "\"string\""})
    );
    let full = RegisterSchemaRequest::new("syntax = \"proto3\";")
        .with_schema_type("PROTOBUF")
        .with_references([SchemaReference {
            name: "other.proto".into(),
            subject: "other".into(),
            version: -1,
        }]);
    let value = serde_json::to_value(&full).unwrap();
    assert_eq!(
        value,
        json!({
            "schema": "syntax = \"proto3\";",
            "schemaType": "PROTOBUF",
            "references": [{"name": "other.proto", "subject": "other", "version": -1}]
        })
    );
    let back: RegisterSchemaRequest = serde_json::from_value(value).unwrap();
    assert_eq!(back, full);
}
