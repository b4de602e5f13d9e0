//! Payload checks: each payload and headers schema parsed by `accord-compat` in its declared
//! format (also inside 3.x multi-format schemas), registry links looked up through the
//! caller, and message examples validated against JSON-Schema payloads.

use accord_compat::SchemaType;
use serde_json::Value;

use crate::diagnostic::{Diagnostic, Severity, rules};
use crate::model::{Message, Model, Payload, PayloadFormat};
use crate::{Externals, spec};

/// Checks every message of the model.
pub(crate) fn check(model: &Model, externals: &dyn Externals, max_depth: usize) -> Vec<Diagnostic> {
    let schemas_rule = if model.version.major == 2 {
        rules::SCHEMAS_V2
    } else {
        rules::SCHEMAS_V3
    };
    let mut out = Vec::new();
    for message in &model.messages {
        for payload in [&message.payload, &message.headers].into_iter().flatten() {
            check_schema(payload, schemas_rule, externals, max_depth, &mut out);
        }
        examples(model, message, &mut out);
    }
    out
}

fn compat_options(max_depth: usize) -> accord_compat::ParseOptions {
    accord_compat::ParseOptions {
        validate: false,
        max_depth,
    }
}

fn check_schema(
    payload: &Payload,
    rule: &'static str,
    externals: &dyn Externals,
    max_depth: usize,
    out: &mut Vec<Diagnostic>,
) {
    if let Some(link) = &payload.link {
        match externals.schema(link) {
            None => out.push(Diagnostic::error(
                rules::SCHEMA_LINK_UNRESOLVED,
                &payload.pointer,
                format!("registry schema {link} is not known"),
            )),
            Some(linked) => {
                if let Err(e) = accord_compat::parse(
                    linked.schema_type,
                    &linked.text,
                    &[],
                    &compat_options(max_depth),
                ) {
                    out.push(Diagnostic::error(
                        rules::SCHEMA_LINK_UNRESOLVED,
                        &payload.pointer,
                        format!("registry schema {link} does not parse: {e}"),
                    ));
                }
            }
        }
        return;
    }
    let schema_type = match payload.format {
        // The specification's own JSON Schema already checked AsyncAPI Schema objects.
        PayloadFormat::AsyncApi => return,
        PayloadFormat::JsonSchema => SchemaType::Json,
        PayloadFormat::Avro => SchemaType::Avro,
        PayloadFormat::Protobuf => SchemaType::Protobuf,
        PayloadFormat::OpenApi | PayloadFormat::Raml => return,
        PayloadFormat::Other => {
            out.push(Diagnostic::new(
                rules::UNKNOWN_SCHEMA_FORMAT,
                Severity::Warning,
                &payload.pointer,
                format!(
                    "schema format {} is not one accord can check",
                    payload.schema_format.as_deref().unwrap_or_default()
                ),
            ));
            return;
        }
    };
    if contains_ref(&payload.schema) {
        // A reference left unresolved (a cycle, or one already reported) cannot be parsed here.
        return;
    }
    if payload.format == PayloadFormat::Protobuf && !payload.schema.is_string() {
        out.push(Diagnostic::error(
            rule,
            &payload.pointer,
            "protobuf schema must be a string of .proto text",
        ));
        return;
    }
    let Some(text) = payload.schema_text() else {
        return;
    };
    match accord_compat::parse(schema_type, &text, &[], &compat_options(max_depth)) {
        Err(e) => out.push(Diagnostic::error(
            rule,
            &payload.pointer,
            format!(
                "{} schema does not parse: {e}",
                schema_type.as_str().to_lowercase()
            ),
        )),
        // A payload is a message: a .proto file without one describes nothing to send.
        Ok(parsed)
            if schema_type == SchemaType::Protobuf && parsed.message_full_name(&[]).is_none() =>
        {
            out.push(Diagnostic::error(
                rule,
                &payload.pointer,
                "protobuf schema defines no message",
            ));
        }
        Ok(_) => {}
    }
}

fn contains_ref(v: &Value) -> bool {
    match v {
        Value::Object(m) => m.contains_key("$ref") || m.values().any(contains_ref),
        Value::Array(items) => items.iter().any(contains_ref),
        _ => false,
    }
}

fn examples(model: &Model, message: &Message, out: &mut Vec<Diagnostic>) {
    if message.examples.is_empty() {
        return;
    }
    // The official parser checks examples in 2.x only; in 3.x a mismatch is a warning.
    let (rule, severity) = if model.version.major == 2 {
        (rules::MESSAGE_EXAMPLES_V2, Severity::Error)
    } else {
        (rules::MESSAGE_EXAMPLES_V3, Severity::Warning)
    };
    for (part, schema) in [("payload", &message.payload), ("headers", &message.headers)] {
        let Some(schema) = schema else { continue };
        if !matches!(
            schema.format,
            PayloadFormat::AsyncApi | PayloadFormat::JsonSchema
        ) || schema.link.is_some()
        {
            continue;
        }
        let Ok(validator) = jsonschema::draft7::options()
            .should_validate_formats(false)
            .build(&schema.schema)
        else {
            continue;
        };
        for (i, example) in message.examples.iter().enumerate() {
            let Some(value) = example.get(part) else {
                continue;
            };
            let at = format!("{}/examples/{i}/{part}", message.pointer);
            for e in validator.iter_errors(value) {
                out.push(Diagnostic::new(
                    rule,
                    severity,
                    format!("{at}{}", e.instance_path().as_str()),
                    format!(
                        "example {part} does not match the schema: {}",
                        spec::shorten(&e.to_string())
                    ),
                ));
            }
        }
    }
}
