//! Avro serializers and deserializers for serde types, through `apache-avro` (feature `avro`).
//!
//! The serializer encodes straight from `T: Serialize` into the caller's buffer when the writer
//! schema is self-contained and names no type twice; a schema with named-type references (inside
//! itself or to referenced subjects) goes through `apache_avro::Value` instead, which allocates.
//! The deserializer decodes into an Avro value with the writer schema, resolves it to the reader
//! schema when one is set (added fields take their defaults, removed ones are skipped, promotions
//! apply), then deserializes `T` from it.

use std::collections::HashMap;
use std::fmt;
use std::marker::PhantomData;
use std::sync::{Arc, OnceLock, RwLock};

use accord_types::wire::{self, Framed, Layout, WireSchemaId};
use accord_types::{RegisterSchemaRequest, SchemaId, SchemaReference, Subject};
use apache_avro::Schema;
use apache_avro::schema::{Name, ResolvedSchema};
use serde::Serialize;
use serde::de::DeserializeOwned;

use super::avro_bounds;
use super::error::show;
use super::resolve::{Referenced, fetch, referenced, resolve};
use super::{SchemaSelection, SerdeError, SerializerConfig};
use crate::Client;

/// A parsed schema with the schemas its references name, as apache-avro wants them.
struct Parsed {
    schema: Schema,
    /// The referenced schemas (empty when the schema has no references).
    schemata: Vec<Schema>,
    /// Every named type of the schema and its references, for the bounds check of `avro_bounds`.
    names: HashMap<Name, Schema>,
}

impl Parsed {
    fn parse(text: &str, references: &[Referenced]) -> Result<Parsed, apache_avro::Error> {
        let (schema, schemata) = if references.is_empty() {
            (Schema::parse_str(text)?, Vec::new())
        } else {
            Schema::parse_str_with_list(text, references.iter().map(|r| r.text.as_str()))?
        };
        let names = ResolvedSchema::try_from(Parsed::all(&schema, &schemata))?
            .get_names()
            .iter()
            .map(|(name, schema)| (name.clone(), (*schema).clone()))
            .collect();
        Ok(Parsed {
            schema,
            schemata,
            names,
        })
    }

    /// The schema and its references, where apache-avro looks named types up.
    fn all<'a>(schema: &'a Schema, schemata: &'a [Schema]) -> Vec<&'a Schema> {
        std::iter::once(schema).chain(schemata).collect()
    }
}

/// What a prepared serializer writes with.
struct Writer {
    id: SchemaId,
    parsed: Parsed,
    /// Whether `apache_avro::write_avro_datum_ref` can encode with the schema alone (no named-type refs).
    direct: bool,
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
        self.writer.get().map(|w| w.id)
    }

    /// Resolves the writer schema's id with the registry (register, look up, latest or pinned
    /// version) and parses the writer schema; later calls return at once.
    pub async fn prepare(&self) -> Result<SchemaId, SerdeError> {
        if let Some(writer) = self.writer.get() {
            return Ok(writer.id);
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
        let direct = parsed.schemata.is_empty() && !has_refs(&parsed.schema);
        // A concurrent `prepare` may have won; both resolved the same registry answer.
        let _ = self.writer.set(Writer { id, parsed, direct });
        Ok(id)
    }

    /// Appends the frame and the Avro binary of `value` to `out`; synchronous, no I/O.
    ///
    /// Fails with [`SerdeError::NotPrepared`] before [`prepare`](AvroSerializer::prepare), and with
    /// [`SerdeError::Encode`] when `value` does not fit the schema; `out` is then left as it was.
    pub fn serialize_into(&self, value: &T, out: &mut Vec<u8>) -> Result<(), SerdeError> {
        let writer = self.writer.get().ok_or(SerdeError::NotPrepared)?;
        let schema = WireSchemaId::Id(writer.id);
        let start = out.len();
        wire::write_prefix(out, schema, None);
        let written = if writer.direct {
            apache_avro::write_avro_datum_ref(&writer.parsed.schema, value, out).map(drop)
        } else {
            apache_avro::to_value(value)
                .and_then(|value| {
                    let parsed = &writer.parsed;
                    let schemata = Parsed::all(&parsed.schema, &parsed.schemata);
                    apache_avro::to_avro_datum_schemata(&parsed.schema, schemata, value)
                })
                .map(|bytes| out.extend_from_slice(&bytes))
        };
        written.map_err(|err| {
            out.truncate(start);
            SerdeError::encode(schema, err)
        })
    }

    /// Prepares if needed, then returns the framed record of `value`.
    pub async fn serialize(&self, value: &T) -> Result<Vec<u8>, SerdeError> {
        self.prepare().await?;
        let mut out = Vec::new();
        self.serialize_into(value, &mut out)?;
        Ok(out)
    }
}

impl<T> fmt::Debug for AvroSerializer<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AvroSerializer")
            .field("subject", &self.subject)
            .field("selection", &self.selection)
            .field("schema_id", &self.writer.get().map(|w| w.id))
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
    writers: RwLock<HashMap<WireSchemaId, Arc<Parsed>>>,
    value: PhantomData<fn() -> T>,
}

impl<T: DeserializeOwned> AvroDeserializer<T> {
    /// A deserializer that reads with each record's writer schema.
    pub fn new(client: Client) -> AvroDeserializer<T> {
        AvroDeserializer {
            client,
            reader: None,
            writers: RwLock::new(HashMap::new()),
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
        let writer = match self.known(framed.schema) {
            Some(writer) => writer,
            None => self.load(framed.schema).await?,
        };
        self.decode(&writer, &framed)
    }

    /// Decodes a prefix-framed record whose writer schema this deserializer has already loaded;
    /// synchronous, no I/O. Fails with [`SerdeError::NotLoaded`] for an id not seen yet.
    pub fn deserialize_known(&self, record: &[u8]) -> Result<T, SerdeError> {
        let framed = wire::decode(record, Layout::Plain)?;
        let writer = self
            .known(framed.schema)
            .ok_or(SerdeError::NotLoaded(framed.schema))?;
        self.decode(&writer, &framed)
    }

    fn known(&self, schema: WireSchemaId) -> Option<Arc<Parsed>> {
        let writers = self
            .writers
            .read()
            .unwrap_or_else(|poison| poison.into_inner());
        writers.get(&schema).cloned()
    }

    async fn load(&self, schema: WireSchemaId) -> Result<Arc<Parsed>, SerdeError> {
        let fetched = fetch(&self.client, schema, None).await?;
        check_type(fetched.schema_type.as_deref(), schema)?;
        let texts = referenced(&self.client, &fetched.references, None).await?;
        let parsed = Parsed::parse(&fetched.schema, &texts)
            .map_err(|err| SerdeError::schema(show(&schema), err))?;
        let parsed = Arc::new(parsed);
        let mut writers = self
            .writers
            .write()
            .unwrap_or_else(|poison| poison.into_inner());
        Ok(Arc::clone(writers.entry(schema).or_insert(parsed)))
    }

    fn decode(&self, writer: &Parsed, framed: &Framed<'_>) -> Result<T, SerdeError> {
        avro_bounds::check(&writer.schema, &writer.names, framed.payload)
            .map_err(|reason| SerdeError::decode(framed.schema, reason))?;
        let mut payload = framed.payload;
        let reader = self.reader.as_ref();
        let value = if writer.schemata.is_empty() {
            apache_avro::from_avro_datum(&writer.schema, &mut payload, reader.map(|r| &r.schema))
        } else {
            apache_avro::from_avro_datum_reader_schemata(
                &writer.schema,
                Parsed::all(&writer.schema, &writer.schemata),
                &mut payload,
                reader.map(|r| &r.schema),
                Vec::new(),
            )
        };
        let value = value.map_err(|err| SerdeError::decode(framed.schema, err))?;
        apache_avro::from_value(&value).map_err(|err| SerdeError::decode(framed.schema, err))
    }
}

impl<T> fmt::Debug for AvroDeserializer<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let loaded = self
            .writers
            .read()
            .map(|writers| writers.len())
            .unwrap_or_default();
        f.debug_struct("AvroDeserializer")
            .field("reader_schema", &self.reader.is_some())
            .field("loaded_schemas", &loaded)
            .finish_non_exhaustive()
    }
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
