//! Protobuf serializers and deserializers for prost messages and prost-reflect dynamic messages
//! (feature `protobuf`).
//!
//! The frame is Confluent's: `0x00`, the 4-byte id, the message-index path of the message in its
//! file (`[0]` as the single byte `0x00`), then the message's binary encoding. The serializer
//! registers the `.proto` text and learns the path from the registered file itself, fetched once as
//! a `FileDescriptorProto` (`format=serialized`), so the client needs no `.proto` parser.
//! [`ProtobufDeserializer`] decodes a known prost type and never calls the registry;
//! [`DynamicDeserializer`] builds a descriptor pool from the writer's file and its references
//! (google/protobuf well-known types built in) on the first sight of an id, and decodes the message
//! the path names. Confluent's own imports (`confluent/meta.proto`, `confluent/type/decimal.proto`)
//! resolve only when they are registered references.

use std::fmt;
use std::marker::PhantomData;
use std::sync::OnceLock;

use accord_types::wire::{self, Framed, Layout, WireSchemaId};
use accord_types::{RegisterSchemaRequest, SchemaId, SchemaReference, Subject};
use base64::Engine as _;
use prost::Message;
use prost_reflect::prost_types::{DescriptorProto, FileDescriptorProto};
use prost_reflect::{DescriptorPool, DynamicMessage, MessageDescriptor};

use super::error::show;
use super::resolve::{fetch, referenced, resolve};
use super::shared::{Frame, Loaded, prepared, to_vec};
use super::{SchemaSelection, SerdeError, SerializerConfig};
use crate::Client;

/// The `format` that makes the registry answer with a base64 `FileDescriptorProto`.
const SERIALIZED: &str = "serialized";

/// What a prepared serializer writes with.
#[derive(Debug)]
struct Writer {
    frame: Frame,
    indexes: Vec<i32>,
}

/// Frames and encodes prost messages of one type (or dynamic messages of one descriptor) for one subject.
///
/// Built from the `.proto` text of the message's file and the message's full name;
/// [`prepare`](ProtobufSerializer::prepare) once, then the synchronous
/// [`serialize_into`](ProtobufSerializer::serialize_into).
pub struct ProtobufSerializer<M> {
    client: Client,
    subject: Subject,
    selection: SchemaSelection,
    request: RegisterSchemaRequest,
    message: String,
    writer: OnceLock<Writer>,
    value: PhantomData<fn(&M)>,
}

impl<M: Message> ProtobufSerializer<M> {
    /// A serializer of `message` (its full name, `package.Outer.Inner`) defined in `proto`, a
    /// `.proto` file that imports nothing but well-known types.
    pub fn new(
        client: Client,
        proto: &str,
        message: &str,
        config: &SerializerConfig,
    ) -> Result<ProtobufSerializer<M>, SerdeError> {
        ProtobufSerializer::with_references(client, proto, message, Vec::new(), config)
    }

    /// A serializer of `message` defined in `proto`, whose imports are the registered `references`
    /// (each named by its import path).
    pub fn with_references(
        client: Client,
        proto: &str,
        message: &str,
        references: Vec<SchemaReference>,
        config: &SerializerConfig,
    ) -> Result<ProtobufSerializer<M>, SerdeError> {
        let message = message.trim_start_matches('.');
        if message.is_empty() {
            return Err(SerdeError::schema("local", "no message name"));
        }
        let subject = config.subject(Some(message))?;
        let request = RegisterSchemaRequest::new(proto)
            .with_schema_type("PROTOBUF")
            .with_references(references);
        Ok(ProtobufSerializer {
            client,
            subject,
            selection: config.selection,
            request,
            message: message.to_string(),
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

    /// The message-index path it writes, once prepared.
    pub fn message_indexes(&self) -> Option<&[i32]> {
        self.writer.get().map(|w| w.indexes.as_slice())
    }

    /// Resolves the writer schema's id with the registry, then the message's index path in the
    /// registered file; later calls return at once.
    pub async fn prepare(&self) -> Result<SchemaId, SerdeError> {
        if let Some(writer) = self.writer.get() {
            return Ok(writer.frame.id);
        }
        let resolved = resolve(&self.client, &self.subject, self.selection, &self.request).await?;
        let schema = WireSchemaId::Id(resolved.id);
        let fetched = fetch(&self.client, schema, Some(SERIALIZED)).await?;
        check_type(fetched.schema_type.as_deref(), schema)?;
        let file = decode_file(&fetched.schema, schema)?;
        let indexes = message_indexes(&file, &self.message).ok_or_else(|| {
            SerdeError::schema(
                show(&schema),
                format!("no message {} in the registered file", self.message),
            )
        })?;
        let _ = self.writer.set(Writer {
            frame: Frame::new(resolved.id, Some(&indexes)),
            indexes,
        });
        Ok(resolved.id)
    }

    /// Appends the frame, the message indexes and the encoding of `value` to `out`; synchronous, no I/O.
    #[inline]
    pub fn serialize_into(&self, value: &M, out: &mut Vec<u8>) -> Result<(), SerdeError> {
        let writer = prepared(&self.writer)?;
        // A `Vec` grows as needed, so encoding cannot run out of room; map the error all the same.
        writer.frame.write(out, |out| value.encode(out))
    }

    /// Prepares if needed, then returns the framed record of `value`.
    pub async fn serialize(&self, value: &M) -> Result<Vec<u8>, SerdeError> {
        self.prepare().await?;
        to_vec(|out| self.serialize_into(value, out))
    }
}

impl<M> fmt::Debug for ProtobufSerializer<M> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ProtobufSerializer")
            .field("subject", &self.subject)
            .field("message", &self.message)
            .field("selection", &self.selection)
            .field("writer", &self.writer.get())
            .finish_non_exhaustive()
    }
}

/// Unframes Protobuf records and decodes them as the prost message `M`; never calls the registry.
///
/// The message indexes are read and checked for well-formedness, not matched against `M`: as with
/// Confluent's deserializer for a generated class, the caller vouches that the topic carries `M`.
pub struct ProtobufDeserializer<M> {
    value: PhantomData<fn() -> M>,
}

impl<M: Message + Default> ProtobufDeserializer<M> {
    /// A deserializer of `M`.
    pub fn new() -> ProtobufDeserializer<M> {
        ProtobufDeserializer { value: PhantomData }
    }

    /// Decodes a prefix-framed record; synchronous.
    pub fn deserialize(&self, record: &[u8]) -> Result<M, SerdeError> {
        self.deserialize_record(None, record)
    }

    /// Decodes a record framed in the schema-id `header` when given, in its prefix otherwise.
    pub fn deserialize_record(
        &self,
        header: Option<&[u8]>,
        record: &[u8],
    ) -> Result<M, SerdeError> {
        let framed = wire::decode_record(header, record, Layout::Protobuf)?;
        M::decode(framed.payload).map_err(|err| SerdeError::decode(framed.schema, err))
    }
}

impl<M: Message + Default> Default for ProtobufDeserializer<M> {
    fn default() -> ProtobufDeserializer<M> {
        ProtobufDeserializer::new()
    }
}

impl<M> fmt::Debug for ProtobufDeserializer<M> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ProtobufDeserializer")
            .finish_non_exhaustive()
    }
}

/// Unframes Protobuf records of any message type into [`DynamicMessage`]s, with descriptors built
/// from the registry's schemas on the first sight of each id.
#[derive(Debug)]
pub struct DynamicDeserializer {
    client: Client,
    files: Loaded<prost_reflect::FileDescriptor>,
}

impl DynamicDeserializer {
    /// A deserializer over `client`.
    pub fn new(client: Client) -> DynamicDeserializer {
        DynamicDeserializer {
            client,
            files: Loaded::new(),
        }
    }

    /// Decodes a prefix-framed record, fetching its schema on the first sight of its id.
    pub async fn deserialize(&self, record: &[u8]) -> Result<DynamicMessage, SerdeError> {
        self.deserialize_record(None, record).await
    }

    /// Decodes a record framed in the schema-id `header` when given, in its prefix otherwise.
    pub async fn deserialize_record(
        &self,
        header: Option<&[u8]>,
        record: &[u8],
    ) -> Result<DynamicMessage, SerdeError> {
        let framed = wire::decode_record(header, record, Layout::Protobuf)?;
        let file = (self.files)
            .get_or_load(framed.schema, || self.load(framed.schema))
            .await?;
        decode_dynamic(&file, &framed)
    }

    /// Decodes a prefix-framed record whose schema has been loaded already; synchronous, no I/O.
    pub fn deserialize_known(&self, record: &[u8]) -> Result<DynamicMessage, SerdeError> {
        let framed = wire::decode(record, Layout::Protobuf)?;
        (self.files).with_known(framed.schema, |file| decode_dynamic(file, &framed))?
    }

    async fn load(
        &self,
        schema: WireSchemaId,
    ) -> Result<prost_reflect::FileDescriptor, SerdeError> {
        let fetched = fetch(&self.client, schema, Some(SERIALIZED)).await?;
        check_type(fetched.schema_type.as_deref(), schema)?;
        let dependencies = referenced(&self.client, &fetched.references, Some(SERIALIZED)).await?;
        let unusable = |reason: String| SerdeError::schema(show(&schema), reason);
        // The well-known types come with the global pool; registered copies of them are skipped as duplicates.
        let mut pool = DescriptorPool::global();
        for dependency in dependencies {
            let mut file = decode_file(&dependency.text, schema)?;
            // The file answers to the import path the referencing file uses.
            file.name = Some(dependency.name.clone());
            pool.add_file_descriptor_proto(file)
                .map_err(|err| unusable(format!("import {}: {err}", dependency.name)))?;
        }
        let mut file = decode_file(&fetched.schema, schema)?;
        if file.name().is_empty() || pool.get_file_by_name(file.name()).is_some() {
            file.name = Some(format!("accord-writer-schema-{}.proto", show(&schema)));
        }
        let name = file.name().to_string();
        pool.add_file_descriptor_proto(file)
            .map_err(|err| unusable(err.to_string()))?;
        pool.get_file_by_name(&name)
            .ok_or_else(|| unusable("the file is missing from its own pool".to_string()))
    }
}

fn decode_dynamic(
    file: &prost_reflect::FileDescriptor,
    framed: &Framed<'_>,
) -> Result<DynamicMessage, SerdeError> {
    let descriptor = framed
        .message_indexes
        .and_then(|indexes| message_at(file, indexes.iter()))
        .ok_or_else(|| {
            let path = framed
                .message_indexes
                .map(|i| i.to_vec())
                .unwrap_or_default();
            SerdeError::decode(
                framed.schema,
                format!("message-index path {path:?} names no message of the schema"),
            )
        })?;
    DynamicMessage::decode(descriptor, framed.payload)
        .map_err(|err| SerdeError::decode(framed.schema, err))
}

/// The message an index path names: a top-level message, then nested ones.
fn message_at(
    file: &prost_reflect::FileDescriptor,
    mut indexes: impl Iterator<Item = i32>,
) -> Option<MessageDescriptor> {
    let first = usize::try_from(indexes.next()?).ok()?;
    let mut message = file.messages().nth(first)?;
    for index in indexes {
        let child = message.child_messages().nth(usize::try_from(index).ok()?)?;
        message = child;
    }
    Some(message)
}

/// The index path of the message `full_name` in `file` (Confluent's `MessageIndexes`).
fn message_indexes(file: &FileDescriptorProto, full_name: &str) -> Option<Vec<i32>> {
    let package = file.package();
    let local = if package.is_empty() {
        full_name
    } else {
        full_name.strip_prefix(package)?.strip_prefix('.')?
    };
    let mut path = Vec::new();
    let mut messages: &[DescriptorProto] = &file.message_type;
    for part in local.split('.') {
        let index = messages.iter().position(|m| m.name() == part)?;
        path.push(i32::try_from(index).ok()?);
        messages = &messages.get(index)?.nested_type;
    }
    Some(path)
}

/// A `format=serialized` schema: base64 of a `FileDescriptorProto`.
fn decode_file(base64: &str, schema: WireSchemaId) -> Result<FileDescriptorProto, SerdeError> {
    let bytes = base64::engine::general_purpose::STANDARD
        .decode(base64.trim())
        .map_err(|err| SerdeError::schema(show(&schema), format!("not base64: {err}")))?;
    FileDescriptorProto::decode(bytes.as_slice()).map_err(|err| {
        SerdeError::schema(show(&schema), format!("not a FileDescriptorProto: {err}"))
    })
}

fn check_type(schema_type: Option<&str>, schema: WireSchemaId) -> Result<(), SerdeError> {
    match schema_type {
        Some("PROTOBUF") => Ok(()),
        other => Err(SerdeError::schema(
            show(&schema),
            format!("a {} schema, not Protobuf", other.unwrap_or("AVRO")),
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn file() -> FileDescriptorProto {
        let message = |name: &str, nested: Vec<DescriptorProto>| DescriptorProto {
            name: Some(name.to_string()),
            nested_type: nested,
            ..DescriptorProto::default()
        };
        FileDescriptorProto {
            package: Some("acme.v1".to_string()),
            message_type: vec![
                message("First", vec![]),
                message(
                    "Outer",
                    vec![
                        message("A", vec![]),
                        message("B", vec![message("C", vec![])]),
                    ],
                ),
            ],
            ..FileDescriptorProto::default()
        }
    }

    #[test]
    fn message_indexes_follow_declaration_order() {
        let file = file();
        assert_eq!(message_indexes(&file, "acme.v1.First"), Some(vec![0]));
        assert_eq!(message_indexes(&file, "acme.v1.Outer"), Some(vec![1]));
        assert_eq!(
            message_indexes(&file, "acme.v1.Outer.B.C"),
            Some(vec![1, 1, 0])
        );
        assert_eq!(message_indexes(&file, "acme.v1.Missing"), None);
        assert_eq!(message_indexes(&file, "other.First"), None);
    }
}
