//! JSON Schema serializers and deserializers for serde types, through `serde_json` and `jsonschema`
//! (feature `json`).
//!
//! The frame is Confluent's for JSON Schema: `0x00`, the 4-byte id, then the JSON text as UTF-8.
//! The serializer validates each value against the writer schema unless told not to; the
//! deserializer validates only when built with [`JsonDeserializer::with_validation`], and without
//! validation never calls the registry at all. References resolve to the registered schemas they
//! name, as data: the `jsonschema` build compiles no HTTP or file resolver in.

use std::fmt;
use std::marker::PhantomData;
use std::sync::{Arc, OnceLock};

use accord_types::wire::{self, Layout, WireSchemaId};
use accord_types::{RegisterSchemaRequest, SchemaId, SchemaReference, Subject};
use jsonschema::{Resource, Validator};
use serde::Serialize;
use serde::de::DeserializeOwned;

use super::error::show;
use super::resolve::{Referenced, fetch, referenced, resolve};
use super::shared::{Frame, Loaded, prepared, to_vec};
use super::{SchemaSelection, SerdeError, SerializerConfig};
use crate::Client;

/// The base URI `jsonschema` resolves relative `$ref`s against.
const BASE_URI: &str = "json-schema:///";

/// What a prepared serializer writes with.
struct Writer {
    frame: Frame,
    /// `None` when validation is off.
    validator: Option<Validator>,
}

/// Frames and encodes `T` as JSON for one subject, validated against its JSON Schema.
///
/// Like the other serializers: [`prepare`](JsonSerializer::prepare) once, then the synchronous
/// [`serialize_into`](JsonSerializer::serialize_into).
pub struct JsonSerializer<T> {
    client: Client,
    subject: Subject,
    selection: SchemaSelection,
    request: RegisterSchemaRequest,
    references: Vec<SchemaReference>,
    validate: bool,
    writer: OnceLock<Writer>,
    value: PhantomData<fn(&T)>,
}

impl<T: Serialize> JsonSerializer<T> {
    /// A validating serializer of `schema` (JSON Schema text without references) configured by `config`.
    ///
    /// The record name of the record strategies is the schema's `title`.
    pub fn new(
        client: Client,
        schema: &str,
        config: &SerializerConfig,
    ) -> Result<JsonSerializer<T>, SerdeError> {
        JsonSerializer::with_references(client, schema, Vec::new(), config)
    }

    /// A validating serializer of `schema`, whose `$ref`s may name the registered `references`.
    pub fn with_references(
        client: Client,
        schema: &str,
        references: Vec<SchemaReference>,
        config: &SerializerConfig,
    ) -> Result<JsonSerializer<T>, SerdeError> {
        let json: serde_json::Value =
            serde_json::from_str(schema).map_err(|err| SerdeError::schema("local", err))?;
        let title = json.get("title").and_then(serde_json::Value::as_str);
        let subject = config.subject(title)?;
        let request = RegisterSchemaRequest::new(schema)
            .with_schema_type("JSON")
            .with_references(references.iter().cloned());
        Ok(JsonSerializer {
            client,
            subject,
            selection: config.selection,
            request,
            references,
            validate: true,
            writer: OnceLock::new(),
            value: PhantomData,
        })
    }

    /// The same serializer without validation on write (set before [`prepare`](JsonSerializer::prepare)).
    pub fn without_validation(mut self) -> JsonSerializer<T> {
        self.validate = false;
        self
    }

    /// The subject this serializer registers under or reads from.
    pub fn subject(&self) -> &Subject {
        &self.subject
    }

    /// The id it writes, once prepared.
    pub fn schema_id(&self) -> Option<SchemaId> {
        self.writer.get().map(|w| w.frame.id)
    }

    /// Resolves the writer schema's id with the registry and compiles its validator; later calls
    /// return at once.
    pub async fn prepare(&self) -> Result<SchemaId, SerdeError> {
        if let Some(writer) = self.writer.get() {
            return Ok(writer.frame.id);
        }
        let resolved = resolve(&self.client, &self.subject, self.selection, &self.request).await?;
        let id = resolved.id;
        let schema = WireSchemaId::Id(id);
        let (text, references) = match &resolved.registered {
            Some(registered) => {
                check_type(registered.schema_type.as_deref(), schema)?;
                (registered.schema.as_str(), registered.references.as_slice())
            }
            None => (
                self.request.schema.as_deref().unwrap_or_default(),
                self.references.as_slice(),
            ),
        };
        let validator = if self.validate {
            let texts = referenced(&self.client, references, None).await?;
            Some(build_validator(text, &texts, schema)?)
        } else {
            None
        };
        let _ = self.writer.set(Writer {
            frame: Frame::new(id, None),
            validator,
        });
        Ok(id)
    }

    /// Validates `value` (unless validation is off) and appends the frame and its JSON text to
    /// `out`; synchronous, no I/O. On failure `out` is left as it was.
    pub fn serialize_into(&self, value: &T, out: &mut Vec<u8>) -> Result<(), SerdeError> {
        let writer = prepared(&self.writer)?;
        let frame = &writer.frame;
        match &writer.validator {
            Some(validator) => {
                let schema = WireSchemaId::Id(frame.id);
                let json =
                    serde_json::to_value(value).map_err(|e| SerdeError::encode(schema, e))?;
                validate(validator, &json, schema)?;
                frame.write(out, |out| serde_json::to_writer(out, &json))
            }
            None => frame.write(out, |out| serde_json::to_writer(out, value)),
        }
    }

    /// Prepares if needed, then returns the framed record of `value`.
    pub async fn serialize(&self, value: &T) -> Result<Vec<u8>, SerdeError> {
        self.prepare().await?;
        to_vec(|out| self.serialize_into(value, out))
    }
}

impl<T> fmt::Debug for JsonSerializer<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("JsonSerializer")
            .field("subject", &self.subject)
            .field("selection", &self.selection)
            .field("validate", &self.validate)
            .field("schema_id", &self.writer.get().map(|w| w.frame.id))
            .finish_non_exhaustive()
    }
}

/// Unframes JSON records and deserializes `T` from them, optionally validating each against its
/// writer schema (fetched and compiled on the first sight of its id).
pub struct JsonDeserializer<T> {
    client: Client,
    validate: bool,
    validators: Loaded<Arc<Validator>>,
    value: PhantomData<fn() -> T>,
}

impl<T: DeserializeOwned> JsonDeserializer<T> {
    /// A deserializer that does not validate, and so never calls the registry.
    pub fn new(client: Client) -> JsonDeserializer<T> {
        JsonDeserializer {
            client,
            validate: false,
            validators: Loaded::new(),
            value: PhantomData,
        }
    }

    /// A deserializer that validates every record against its writer schema.
    pub fn with_validation(client: Client) -> JsonDeserializer<T> {
        JsonDeserializer {
            validate: true,
            ..JsonDeserializer::new(client)
        }
    }

    /// Decodes a prefix-framed record (fetching its schema on first sight when validating).
    pub async fn deserialize(&self, record: &[u8]) -> Result<T, SerdeError> {
        self.deserialize_record(None, record).await
    }

    /// Decodes a record framed in the schema-id `header` when given, in its prefix otherwise.
    pub async fn deserialize_record(
        &self,
        header: Option<&[u8]>,
        record: &[u8],
    ) -> Result<T, SerdeError> {
        let framed = wire::decode_record(header, record, Layout::Plain)?;
        let validator = match self.validate {
            false => None,
            true => Some(
                (self.validators)
                    .get_or_load(framed.schema, || self.load(framed.schema))
                    .await?,
            ),
        };
        decode(validator.as_deref(), framed.schema, framed.payload)
    }

    /// Decodes a prefix-framed record without I/O; when validating, fails with
    /// [`SerdeError::NotLoaded`] for an id whose schema has not been loaded yet.
    pub fn deserialize_known(&self, record: &[u8]) -> Result<T, SerdeError> {
        let framed = wire::decode(record, Layout::Plain)?;
        match self.validate {
            false => decode(None, framed.schema, framed.payload),
            true => self.validators.with_known(framed.schema, |validator| {
                decode(Some(validator), framed.schema, framed.payload)
            })?,
        }
    }

    async fn load(&self, schema: WireSchemaId) -> Result<Arc<Validator>, SerdeError> {
        let fetched = fetch(&self.client, schema, None).await?;
        check_type(fetched.schema_type.as_deref(), schema)?;
        let texts = referenced(&self.client, &fetched.references, None).await?;
        Ok(Arc::new(build_validator(&fetched.schema, &texts, schema)?))
    }
}

impl<T> fmt::Debug for JsonDeserializer<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("JsonDeserializer")
            .field("validate", &self.validate)
            .field("validators", &self.validators)
            .finish_non_exhaustive()
    }
}

fn decode<T: DeserializeOwned>(
    validator: Option<&Validator>,
    schema: WireSchemaId,
    payload: &[u8],
) -> Result<T, SerdeError> {
    match validator {
        None => serde_json::from_slice(payload).map_err(|err| SerdeError::decode(schema, err)),
        Some(validator) => {
            let json: serde_json::Value =
                serde_json::from_slice(payload).map_err(|err| SerdeError::decode(schema, err))?;
            validate(validator, &json, schema)?;
            serde_json::from_value(json).map_err(|err| SerdeError::decode(schema, err))
        }
    }
}

fn validate(
    validator: &Validator,
    json: &serde_json::Value,
    schema: WireSchemaId,
) -> Result<(), SerdeError> {
    validator.validate(json).map_err(|err| {
        let path = err.instance_path().to_string();
        let at = if path.is_empty() { "/" } else { &path };
        SerdeError::Invalid {
            schema,
            reason: format!("{err} at {at}"),
        }
    })
}

/// Compiles `text` with the referenced schemas registered under their reference names.
fn build_validator(
    text: &str,
    references: &[Referenced],
    schema: WireSchemaId,
) -> Result<Validator, SerdeError> {
    let unusable = |reason: String| SerdeError::schema(show(&schema), reason);
    let json: serde_json::Value =
        serde_json::from_str(text).map_err(|err| unusable(err.to_string()))?;
    let mut options = jsonschema::options();
    for reference in references {
        let contents: serde_json::Value = serde_json::from_str(&reference.text)
            .map_err(|err| unusable(format!("reference {}: {err}", reference.name)))?;
        let uri = if reference.name.contains(':') {
            reference.name.clone()
        } else {
            format!("{BASE_URI}{}", reference.name.trim_start_matches('/'))
        };
        options = options.with_resource(uri, Resource::from_contents(contents));
    }
    options
        .build(&json)
        .map_err(|err| unusable(err.to_string()))
}

fn check_type(schema_type: Option<&str>, schema: WireSchemaId) -> Result<(), SerdeError> {
    match schema_type {
        Some("JSON") => Ok(()),
        other => Err(SerdeError::schema(
            show(&schema),
            format!("a {} schema, not JSON Schema", other.unwrap_or("AVRO")),
        )),
    }
}
