//! Avro serializers and deserializers for serde types, through `apache-avro` (feature `avro`).
//!
//! The serializer encodes straight from `T: Serialize` into the caller's buffer when the writer
//! schema is self-contained and names no type twice; a schema with named-type references (inside
//! itself or to referenced subjects) goes through `apache_avro::Value` instead, which allocates.
//! The deserializer reads a payload straight into `T` by its writer schema (`avro_de`, bounded by
//! `avro_bounds`) when the writer schema has no `big-decimal` (whose text form apache-avro builds
//! with its own number type) and either no reader schema is set or the reader schema equals the
//! writer schema in a way resolution cannot change anything (see `reads_directly`). Otherwise it first walks the payload
//! against its writer schema (`avro_bounds`), then decodes an Avro value with the writer schema,
//! resolves it to the reader schema when one is set (added fields take their defaults, removed
//! ones are skipped, promotions apply), and deserializes `T` from it. A self-contained schema needs
//! no name table, so none is built per record; one with references has its table rebuilt per
//! record, as apache-avro's own one-shot decoding does.

use std::fmt;
use std::marker::PhantomData;
use std::sync::{Arc, OnceLock};

use accord_types::wire::{self, Framed, Layout, WireSchemaId};
use accord_types::{RegisterSchemaRequest, SchemaId, SchemaReference, Subject};
use apache_avro::Schema;
use apache_avro::reader::datum::GenericDatumReader;
use apache_avro::schema::ResolvedSchema;
use apache_avro::types::Value;
use apache_avro::writer::datum::GenericDatumWriter;
use serde::Serialize;
use serde::de::DeserializeOwned;

use super::avro_bounds::Plan;
use super::avro_de;
use super::error::show;
use super::resolve::{Referenced, fetch, referenced, resolve};
use super::shared::{Frame, Loaded, prepared, to_vec};
use super::{BoxError, SchemaSelection, SerdeError, SerializerConfig};
use crate::Client;

/// A parsed schema with the schemas its references name, as apache-avro wants them.
struct Parsed {
    schema: Schema,
    /// The referenced schemas (empty when the schema has no references).
    schemata: Vec<Schema>,
    /// The schema compiled for reading: straight into `T`, or for the bounds walk before apache-avro.
    plan: Plan,
    /// Whether the schema names no type defined elsewhere (no references inside itself or to other
    /// subjects): apache-avro then needs no name table to encode or decode it.
    self_contained: bool,
    /// An empty name table, built once, for the self-contained case.
    no_names: ResolvedSchema<'static>,
}

impl Parsed {
    fn parse(text: &str, references: &[Referenced]) -> Result<Parsed, apache_avro::Error> {
        let (schema, schemata) = if references.is_empty() {
            (Schema::parse_str(text)?, Vec::new())
        } else {
            Schema::parse_str_with_list(text, references.iter().map(|r| r.text.as_str()))?
        };
        let self_contained = schemata.is_empty() && !has_refs(&schema);
        let names = ResolvedSchema::new_with_schemata(dependencies_first(&schema, &schemata))?;
        let plan = Plan::new(&schema, names.get_names());
        Ok(Parsed {
            schema,
            schemata,
            plan,
            self_contained,
            no_names: ResolvedSchema::new_with_schemata(Vec::new())?,
        })
    }

    /// The schema and its references, where apache-avro looks named types up.
    fn all(&self) -> Vec<&Schema> {
        dependencies_first(&self.schema, &self.schemata)
    }

    /// apache-avro's name table for the schema: the empty one when it is self-contained (a clone
    /// that allocates nothing), otherwise built from the schema and its references.
    #[inline]
    fn resolved(&self) -> Result<ResolvedSchema<'_>, apache_avro::Error> {
        if self.self_contained {
            Ok(self.no_names.clone())
        } else {
            ResolvedSchema::new_with_schemata(self.all())
        }
    }
}

/// The referenced schemas (dependencies before their dependents, as `referenced` returns them),
/// then `schema`: apache-avro resolves a list in order, and a named type only from schemas before it.
fn dependencies_first<'a>(schema: &'a Schema, schemata: &'a [Schema]) -> Vec<&'a Schema> {
    schemata.iter().chain(std::iter::once(schema)).collect()
}

/// What a prepared serializer writes with.
struct Writer {
    frame: Frame,
    parsed: Parsed,
}

/// Frames and encodes `T` as Avro binary for one subject.
///
/// Build it from the schema's JSON text, call [`prepare`](AvroSerializer::prepare) once (or use the
/// async [`serialize`](AvroSerializer::serialize)), then call
/// [`serialize_into`](AvroSerializer::serialize_into) as often as needed: it is synchronous and
/// appends `0x00`, the 4-byte id and the Avro binary to the caller's buffer.
pub struct AvroSerializer<T> {
    client: Client,
    subject: Subject,
    selection: SchemaSelection,
    request: RegisterSchemaRequest,
    references: Vec<SchemaReference>,
    writer: OnceLock<Writer>,
    value: PhantomData<fn(&T)>,
}

impl<T: Serialize> AvroSerializer<T> {
    /// A serializer of `schema` (Avro JSON text without references) configured by `config`.
    ///
    /// Fails when the schema does not parse, or when the subject name strategy needs a record name
    /// and the schema is not a named type.
    pub fn new(
        client: Client,
        schema: &str,
        config: &SerializerConfig,
    ) -> Result<AvroSerializer<T>, SerdeError> {
        AvroSerializer::with_references(client, schema, Vec::new(), config)
    }

    /// A serializer of `schema`, whose named types may come from the registered `references`
    /// (fetched and parsed by [`prepare`](AvroSerializer::prepare)).
    pub fn with_references(
        client: Client,
        schema: &str,
        references: Vec<SchemaReference>,
        config: &SerializerConfig,
    ) -> Result<AvroSerializer<T>, SerdeError> {
        let json: serde_json::Value =
            serde_json::from_str(schema).map_err(|err| SerdeError::schema("local", err))?;
        if references.is_empty() {
            // Fail early; a schema with references can only be parsed once they are fetched.
            Schema::parse(&json).map_err(|err| SerdeError::schema("local", err))?;
        }
        let subject = config.subject(record_name(&json).as_deref())?;
        let request =
            RegisterSchemaRequest::new(schema).with_references(references.iter().cloned());
        Ok(AvroSerializer {
            client,
            subject,
            selection: config.selection,
            request,
            references,
            writer: OnceLock::new(),
            value: PhantomData,
        })
    }

    /// The subject this serializer registers under or reads from.
    pub fn subject(&self) -> &Subject {
        &self.subject
    }

    /// The id it writes, once prepared.
    pub fn schema_id(&self) -> Option<SchemaId> {
        self.writer.get().map(|w| w.frame.id)
    }

    /// Resolves the writer schema's id with the registry (register, look up, latest or pinned
    /// version) and parses the writer schema; later calls return at once.
    pub async fn prepare(&self) -> Result<SchemaId, SerdeError> {
        if let Some(writer) = self.writer.get() {
            return Ok(writer.frame.id);
        }
        let resolved = resolve(&self.client, &self.subject, self.selection, &self.request).await?;
        let id = resolved.id;
        let (text, references) = match &resolved.registered {
            Some(registered) => {
                check_type(registered.schema_type.as_deref(), WireSchemaId::Id(id))?;
                (registered.schema.as_str(), registered.references.as_slice())
            }
            None => (
                self.request.schema.as_deref().unwrap_or_default(),
                self.references.as_slice(),
            ),
        };
        let texts = referenced(&self.client, references, None).await?;
        let parsed = Parsed::parse(text, &texts)
            .map_err(|err| SerdeError::schema(show(&WireSchemaId::Id(id)), err))?;
        // A concurrent `prepare` may have won; both resolved the same registry answer.
        let _ = self.writer.set(Writer {
            frame: Frame::new(id, None),
            parsed,
        });
        Ok(id)
    }

    /// Appends the frame and the Avro binary of `value` to `out`; synchronous, no I/O.
    ///
    /// Fails with [`SerdeError::NotPrepared`] before [`prepare`](AvroSerializer::prepare), and with
    /// [`SerdeError::Encode`] when `value` does not fit the schema; `out` is then left as it was.
    pub fn serialize_into(&self, value: &T, out: &mut Vec<u8>) -> Result<(), SerdeError> {
        let writer = prepared(&self.writer)?;
        let parsed = &writer.parsed;
        writer.frame.write(out, |out| {
            if parsed.self_contained {
                let no_names = parsed.no_names.get_names();
                apache_avro::write_avro_datum_ref(&parsed.schema, no_names, value, out)?;
            } else {
                let value = apache_avro::to_value(value)?;
                GenericDatumWriter::builder(&parsed.schema)
                    .schemata(parsed.all())?
                    .build()?
                    .write_value(out, value)?;
            }
            Ok::<_, apache_avro::Error>(())
        })
    }

    /// Prepares if needed, then returns the framed record of `value`.
    pub async fn serialize(&self, value: &T) -> Result<Vec<u8>, SerdeError> {
        self.prepare().await?;
        to_vec(|out| self.serialize_into(value, out))
    }
}

impl<T> fmt::Debug for AvroSerializer<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AvroSerializer")
            .field("subject", &self.subject)
            .field("selection", &self.selection)
            .field("schema_id", &self.writer.get().map(|w| w.frame.id))
            .finish_non_exhaustive()
    }
}

/// Unframes and decodes Avro records into `T`, fetching each writer schema once.
///
/// Without a reader schema, `T` is deserialized from the value as written (serde matches record
/// fields by name). With one, the value is first resolved from the writer schema to the reader
/// schema by Avro's rules.
pub struct AvroDeserializer<T> {
    client: Client,
    reader: Option<Parsed>,
    writers: Loaded<Arc<WriterSchema>>,
    value: PhantomData<fn() -> T>,
}

impl<T: DeserializeOwned> AvroDeserializer<T> {
    /// A deserializer that reads with each record's writer schema.
    pub fn new(client: Client) -> AvroDeserializer<T> {
        AvroDeserializer {
            client,
            reader: None,
            writers: Loaded::new(),
            value: PhantomData,
        }
    }

    /// A deserializer that resolves every record to `reader_schema` (Avro JSON text without references).
    pub fn with_reader_schema(
        client: Client,
        reader_schema: &str,
    ) -> Result<AvroDeserializer<T>, SerdeError> {
        let reader =
            Parsed::parse(reader_schema, &[]).map_err(|err| SerdeError::schema("reader", err))?;
        Ok(AvroDeserializer {
            reader: Some(reader),
            ..AvroDeserializer::new(client)
        })
    }

    /// Decodes a prefix-framed record, fetching its writer schema on the first sight of its id.
    pub async fn deserialize(&self, record: &[u8]) -> Result<T, SerdeError> {
        self.deserialize_record(None, record).await
    }

    /// Decodes a record whose schema id is in the `__key_schema_id`/`__value_schema_id` header
    /// when `header` is given, in the record's prefix otherwise.
    pub async fn deserialize_record(
        &self,
        header: Option<&[u8]>,
        record: &[u8],
    ) -> Result<T, SerdeError> {
        let framed = wire::decode_record(header, record, Layout::Plain)?;
        let writer = (self.writers)
            .get_or_load(framed.schema, || self.load(framed.schema))
            .await?;
        self.decode(&writer, &framed)
    }

    /// Decodes a prefix-framed record whose writer schema this deserializer has already loaded;
    /// synchronous, no I/O. Fails with [`SerdeError::NotLoaded`] for an id not seen yet.
    pub fn deserialize_known(&self, record: &[u8]) -> Result<T, SerdeError> {
        let framed = wire::decode(record, Layout::Plain)?;
        (self.writers).with_known(framed.schema, |writer| self.decode(writer, &framed))?
    }

    async fn load(&self, schema: WireSchemaId) -> Result<Arc<WriterSchema>, SerdeError> {
        let fetched = fetch(&self.client, schema, None).await?;
        check_type(fetched.schema_type.as_deref(), schema)?;
        let texts = referenced(&self.client, &fetched.references, None).await?;
        let parsed = Parsed::parse(&fetched.schema, &texts)
            .map_err(|err| SerdeError::schema(show(&schema), err))?;
        let direct = reads_directly(self.reader.as_ref(), &parsed);
        Ok(Arc::new(WriterSchema { parsed, direct }))
    }

    fn decode(&self, writer: &WriterSchema, framed: &Framed<'_>) -> Result<T, SerdeError> {
        self.decode_payload(writer, framed.payload)
            .map_err(|err| SerdeError::decode(framed.schema, err))
    }

    /// Decodes `payload` (the failure is boxed only when there is one, so that the value moves
    /// through one `Result`).
    ///
    /// Straight from the bytes into `T` (`avro_de`) when [`reads_directly`] allows, with the
    /// result `from_value` would give. Otherwise the payload is checked against the writer
    /// schema's bounds, decoded into an Avro `Value`, resolved, and deserialized with `from_value`.
    /// (apache-avro's own direct deserializer, `read_deser`, wants each Rust struct named like its
    /// Avro record and cannot feed self-describing targets such as `serde_json::Value`.)
    fn decode_payload(&self, writer: &WriterSchema, payload: &[u8]) -> Result<T, BoxError> {
        let WriterSchema { parsed, direct } = writer;
        if *direct {
            return Ok(avro_de::from_datum(&parsed.plan, payload)?);
        }
        parsed.plan.check(payload)?;
        let value = self.read_value(parsed, payload)?;
        Ok(apache_avro::from_value(&value)?)
    }

    /// The Avro value of `payload`, resolved to the reader schema when there is one.
    fn read_value(&self, writer: &Parsed, mut payload: &[u8]) -> Result<Value, apache_avro::Error> {
        let reader = self.reader.as_ref();
        GenericDatumReader::builder(&writer.schema)
            .resolved_writer_schemata(writer.resolved()?)
            .maybe_reader_schema(reader.map(|r| &r.schema))
            .maybe_resolved_reader_schemata(reader.map(Parsed::resolved).transpose()?)
            .build()?
            .read_value(&mut payload)
    }
}

impl<T> fmt::Debug for AvroDeserializer<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AvroDeserializer")
            .field("reader_schema", &self.reader.is_some())
            .field("writers", &self.writers)
            .finish_non_exhaustive()
    }
}

/// A writer schema a deserializer has loaded, and whether its records read straight into `T`.
struct WriterSchema {
    parsed: Parsed,
    direct: bool,
}

/// Whether records of `writer` read straight into `T`: its plan is direct, and there is no reader
/// schema, or one equal to it (both self-contained, so that no name lookup differs) against which
/// Avro's resolution surely changes nothing.
fn reads_directly(reader: Option<&Parsed>, writer: &Parsed) -> bool {
    writer.plan.direct()
        && reader.is_none_or(|reader| {
            reader.self_contained
                && writer.self_contained
                && writer.plan.resolves_to_itself()
                && reader.schema == writer.schema
        })
}

/// The full name of a named Avro type (`record`, `enum`, `fixed`), as the record strategies want it.
fn record_name(schema: &serde_json::Value) -> Option<String> {
    let object = schema.as_object()?;
    let name = object.get("name")?.as_str()?;
    match object.get("namespace").and_then(serde_json::Value::as_str) {
        Some(namespace) if !namespace.is_empty() && !name.contains('.') => {
            Some(format!("{namespace}.{name}"))
        }
        _ => Some(name.to_string()),
    }
}

/// Whether the schema names a type defined elsewhere, which the direct encoder cannot follow.
fn has_refs(schema: &Schema) -> bool {
    match schema {
        Schema::Ref { .. } => true,
        Schema::Array(array) => has_refs(&array.items),
        Schema::Map(map) => has_refs(&map.types),
        Schema::Union(union) => union.variants().iter().any(has_refs),
        Schema::Record(record) => record.fields.iter().any(|field| has_refs(&field.schema)),
        // No other schema holds one that could be a reference (a decimal or uuid copies its fixed).
        _ => false,
    }
}

fn check_type(schema_type: Option<&str>, schema: WireSchemaId) -> Result<(), SerdeError> {
    match schema_type {
        None | Some("AVRO") => Ok(()),
        Some(other) => Err(SerdeError::schema(
            show(&schema),
            format!("a {other} schema, not Avro"),
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parsed(text: &str) -> Parsed {
        Parsed::parse(text, &[]).expect("the schema parses")
    }

    const PLAIN: &str = r#"{"type": "record", "name": "R", "fields": [
        {"name": "a", "type": "long"}, {"name": "b", "type": ["null", "string"]}]}"#;

    #[test]
    fn records_read_straight_into_t_only_where_the_value_route_would_give_the_same() {
        let plain = parsed(PLAIN);
        assert!(reads_directly(None, &plain));
        assert!(reads_directly(Some(&parsed(PLAIN)), &plain));
        // A reader that adds a field: resolution fills it in from its default.
        let added = parsed(
            r#"{"type": "record", "name": "R", "fields": [{"name": "a", "type": "long"},
            {"name": "b", "type": ["null", "string"]}, {"name": "c", "type": "int", "default": 0}]}"#,
        );
        assert!(!reads_directly(Some(&added), &plain));
        // A reader that only adds logical types: resolution converts the values.
        let typed = parsed(
            r#"{"type": "record", "name": "R", "fields": [
            {"name": "a", "type": {"type": "long", "logicalType": "timestamp-millis"}},
            {"name": "b", "type": ["null", {"type": "string", "logicalType": "uuid"}]}]}"#,
        );
        assert!(!reads_directly(Some(&typed), &plain));
        assert!(!reads_directly(Some(&plain), &typed));
        // apache-avro's big-decimal: never.
        let big = parsed(
            r#"{"type": "record", "name": "R", "fields": [
            {"name": "a", "type": {"type": "bytes", "logicalType": "big-decimal"}}]}"#,
        );
        assert!(!reads_directly(None, &big));
        // A type named twice (here, recursion): only without a reader schema.
        const LIST: &str = r#"{"type": "record", "name": "Node", "fields": [
            {"name": "next", "type": ["null", "Node"]}]}"#;
        assert!(reads_directly(None, &parsed(LIST)));
        assert!(!reads_directly(Some(&parsed(LIST)), &parsed(LIST)));
        // A decimal, which resolution checks against its precision: only without a reader schema.
        const DECIMAL: &str = r#"{"type": "record", "name": "R", "fields": [
            {"name": "d", "type": {"type": "bytes", "logicalType": "decimal", "precision": 9, "scale": 2}}]}"#;
        assert!(reads_directly(None, &parsed(DECIMAL)));
        assert!(!reads_directly(Some(&parsed(DECIMAL)), &parsed(DECIMAL)));
    }
}
