//! `GET /accord/v1/asyncapi/export`: an AsyncAPI 3.0 document built from what the registry holds.
//!
//! Subjects named by Confluent's `TopicNameStrategy` (`X-value`, `X-key`, default context, with
//! a live version) become a channel `X` whose one message carries the latest value schema as its
//! payload (with the `schemaFormat` of its type) and the key as its Kafka `key` binding. The
//! registry itself is the one server, with protocol `kafka` and its URL as the server binding's
//! `schemaRegistryUrl`. Kafka bindings follow version 0.5.0 of the Kafka bindings specification.
//! Subjects of other strategies and schema references are not followed.

use std::collections::BTreeMap;

use accord_compat::SchemaType;
use serde_json::{Map, Value, json};

use super::super::subject::DEFAULT_CONTEXT;
use super::super::{Registry, RegistryError, schema_type};

/// The Kafka bindings version the export writes.
const KAFKA_BINDING_VERSION: &str = "0.5.0";

/// The latest live schema of a subject.
#[derive(Debug)]
struct Latest {
    subject: String,
    version: i32,
    id: i32,
    schema_type: SchemaType,
    text: String,
}

impl Registry {
    /// Builds the export; `registry_url` is the registry's URL as the client reached it
    /// (`http://host:port`), `host` its `host:port`.
    pub async fn export_asyncapi(
        &self,
        registry_url: &str,
        host: &str,
    ) -> Result<Value, RegistryError> {
        // topic -> (value, key)
        let mut topics: BTreeMap<String, (Option<Latest>, Option<Latest>)> = BTreeMap::new();
        for row in self.store.subjects().await? {
            if row.context != DEFAULT_CONTEXT || !row.has_live {
                continue;
            }
            let (topic, is_key) = match (
                row.subject.strip_suffix("-value"),
                row.subject.strip_suffix("-key"),
            ) {
                (Some(topic), _) if !topic.is_empty() => (topic.to_owned(), false),
                (_, Some(topic)) if !topic.is_empty() => (topic.to_owned(), true),
                _ => continue,
            };
            let Some(latest) = self.latest(&row.subject).await? else {
                continue;
            };
            let entry = topics.entry(topic).or_default();
            if is_key {
                entry.1 = Some(latest);
            } else {
                entry.0 = Some(latest);
            }
        }
        let mut channels = Map::new();
        let mut used = BTreeMap::new();
        for (topic, (value, key)) in &topics {
            // A channel needs a message to carry; a key alone describes no payload.
            let Some(value) = value else { continue };
            let channel_key = unique_key(&mut used, topic);
            let message = message(topic, value, key.as_ref());
            channels.insert(
                channel_key,
                json!({
                    "address": topic,
                    "title": topic,
                    "messages": { "value": message },
                    "bindings": {
                        "kafka": { "topic": topic, "bindingVersion": KAFKA_BINDING_VERSION }
                    }
                }),
            );
        }
        Ok(json!({
            "asyncapi": "3.0.0",
            "info": {
                "title": "Accord schema registry",
                "version": "1.0.0",
                "description": "Topics and their schemas as registered in the Accord schema registry \
                    (subjects named by TopicNameStrategy: <topic>-value and <topic>-key).",
            },
            "defaultContentType": "application/octet-stream",
            "servers": {
                "registry": {
                    "host": host,
                    "protocol": "kafka",
                    "description": "The Kafka cluster whose schemas this registry holds.",
                    "bindings": {
                        "kafka": {
                            "schemaRegistryUrl": registry_url,
                            "schemaRegistryVendor": "confluent",
                            "bindingVersion": KAFKA_BINDING_VERSION,
                        }
                    }
                }
            },
            "channels": channels,
        }))
    }

    async fn latest(&self, subject: &str) -> Result<Option<Latest>, RegistryError> {
        let versions = self.store.versions(DEFAULT_CONTEXT, subject).await?;
        let Some(version) = versions.iter().rev().find(|v| !v.deleted) else {
            return Ok(None);
        };
        let row = self
            .existing_schema(DEFAULT_CONTEXT, version.schema_id)
            .await?;
        Ok(Some(Latest {
            subject: subject.to_owned(),
            version: version.version,
            id: row.id,
            schema_type: schema_type(&row.schema_type)?,
            text: row.schema.clone(),
        }))
    }
}

/// The channel's message: the value as payload, the key as the Kafka message binding's `key`.
fn message(topic: &str, value: &Latest, key: Option<&Latest>) -> Value {
    let mut kafka = Map::new();
    if let Some(key) = key {
        kafka.insert("key".into(), key_schema(key));
    }
    kafka.insert("schemaIdLocation".into(), json!("payload"));
    kafka.insert("schemaIdPayloadEncoding".into(), json!("confluent"));
    kafka.insert("schemaLookupStrategy".into(), json!("TopicIdStrategy"));
    kafka.insert("bindingVersion".into(), json!(KAFKA_BINDING_VERSION));
    json!({
        "name": value.subject,
        "title": format!("{topic} value"),
        "summary": format!(
            "subject {} version {} (schema id {})",
            value.subject, value.version, value.id
        ),
        "payload": {
            "schemaFormat": schema_format(value.schema_type),
            "schema": schema_value(value),
        },
        "bindings": { "kafka": kafka },
    })
}

/// The `schemaFormat` of each registry schema type.
fn schema_format(schema_type: SchemaType) -> &'static str {
    match schema_type {
        SchemaType::Avro => "application/vnd.apache.avro+json;version=1.9.0",
        SchemaType::Json => "application/schema+json;version=draft-07",
        SchemaType::Protobuf => "application/vnd.google.protobuf;version=3",
    }
}

/// Avro and JSON Schema as JSON, Protobuf as its `.proto` text.
fn schema_value(latest: &Latest) -> Value {
    match latest.schema_type {
        SchemaType::Protobuf => Value::String(latest.text.clone()),
        SchemaType::Avro | SchemaType::Json => serde_json::from_str(&latest.text)
            .unwrap_or_else(|_| Value::String(latest.text.clone())),
    }
}

/// The Kafka binding's `key` must be an AsyncAPI Schema object (bindings 0.5.0): a JSON Schema
/// key as is, an Avro primitive as its JSON type, anything else described but not translated.
fn key_schema(key: &Latest) -> Value {
    let described = || {
        json!({
            "description": format!(
                "{} schema of subject {} version {} (schema id {})",
                key.schema_type, key.subject, key.version, key.id
            )
        })
    };
    match key.schema_type {
        SchemaType::Json => match serde_json::from_str::<Value>(&key.text) {
            Ok(Value::Object(mut schema)) => {
                // The AsyncAPI Schema object is draft-07 based; drop a newer dialect's marker.
                schema.remove("$schema");
                schema.remove("$id");
                Value::Object(schema)
            }
            _ => described(),
        },
        SchemaType::Avro => {
            let primitive = match serde_json::from_str::<Value>(&key.text) {
                Ok(Value::String(t)) => Some(t),
                Ok(Value::Object(o)) if o.len() == 1 => {
                    o.get("type").and_then(Value::as_str).map(str::to_owned)
                }
                _ => None,
            };
            let json_type = match primitive.as_deref() {
                Some("string" | "bytes") => "string",
                Some("int" | "long") => "integer",
                Some("float" | "double") => "number",
                Some("boolean") => "boolean",
                Some("null") => "null",
                _ => return described(),
            };
            json!({ "type": json_type })
        }
        SchemaType::Protobuf => described(),
    }
}

/// A channel key made of the characters AsyncAPI 3.0 allows in map keys (`[A-Za-z0-9_-]`),
/// unique among those already used.
fn unique_key(used: &mut BTreeMap<String, usize>, topic: &str) -> String {
    let base: String = topic
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '_' || c == '-' {
                c
            } else {
                '_'
            }
        })
        .collect();
    let count = used.entry(base.clone()).or_insert(0);
    *count += 1;
    if *count == 1 {
        base
    } else {
        format!("{base}_{count}")
    }
}
