//! The Confluent wire format: the schema id (or GUID) and Protobuf message indexes framed around a payload.
//!
//! Layouts (spec §4): magic `0x00` + 4-byte big-endian id, or magic `0x01` + 16-byte GUID; for
//! Protobuf, then the message-index list as zig-zag varints (count first; `[0]` is the single byte
//! `0x00`); then the payload. In the header form (`__key_schema_id` / `__value_schema_id`) the header
//! value holds the same bytes without the payload, and the record holds the bare payload.
//!
//! Decoding never panics and never allocates: it borrows the payload and the message indexes from
//! the input, bounds the index count by [`MAX_MESSAGE_INDEXES`] and each varint by 5 bytes, and
//! returns a [`WireError`] for anything else. Writing appends to the caller's `Vec<u8>` after one
//! `reserve`. This module does not know schemas: which layout applies is the caller's input.
//!
//! ```
//! use accord_types::SchemaId;
//! use accord_types::wire::{self, Layout, WireSchemaId};
//!
//! let id = WireSchemaId::Id(SchemaId::new(7).unwrap());
//! let mut record = Vec::new();
//! wire::write_prefix(&mut record, id, Some(&[1]));
//! record.extend_from_slice(b"protobuf bytes");
//! assert_eq!(&record[..7], &[0x00, 0, 0, 0, 7, 0x02, 0x02]);
//!
//! let framed = wire::decode(&record, Layout::Protobuf).unwrap();
//! assert_eq!(framed.schema, id);
//! assert_eq!(framed.message_indexes.unwrap().to_vec(), [1]);
//! assert_eq!(framed.payload, b"protobuf bytes");
//! ```

use std::fmt;

use crate::ids::{SchemaGuid, SchemaId};

/// First byte of the prefix that carries a 4-byte schema id ("V0").
pub const MAGIC_ID: u8 = 0x00;
/// First byte of the prefix that carries a 16-byte schema GUID ("V1").
pub const MAGIC_GUID: u8 = 0x01;
/// Kafka header that carries the key's schema in the header form.
pub const KEY_SCHEMA_ID_HEADER: &str = "__key_schema_id";
/// Kafka header that carries the value's schema in the header form.
pub const VALUE_SCHEMA_ID_HEADER: &str = "__value_schema_id";
/// The most message indexes a decoder accepts: one per level of Protobuf message nesting.
///
/// Confluent sets no limit; real schemas nest a handful of levels. The cap bounds the work a
/// hostile count can cause and the size of [`MessageIndexes::to_vec`].
pub const MAX_MESSAGE_INDEXES: usize = 64;
/// A zig-zag varint of a 32-bit integer takes at most 5 bytes (Kafka's `ByteUtils.readVarint`).
const MAX_VARINT_LEN: usize = 5;

/// How a message names its schema: by id (magic `0x00`) or by GUID (magic `0x01`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum WireSchemaId {
    /// A registry id, resolved with `GET /schemas/ids/{id}`.
    Id(SchemaId),
    /// A content GUID, resolved with `GET /schemas/guids/{guid}`.
    Guid(SchemaGuid),
}

impl From<SchemaId> for WireSchemaId {
    fn from(id: SchemaId) -> WireSchemaId {
        WireSchemaId::Id(id)
    }
}

impl From<SchemaGuid> for WireSchemaId {
    fn from(guid: SchemaGuid) -> WireSchemaId {
        WireSchemaId::Guid(guid)
    }
}

/// Whether a message-index list follows the schema id: only Protobuf messages carry one.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Layout {
    /// Avro and JSON Schema: the payload follows the id directly.
    Plain,
    /// Protobuf: the message-index list sits between the id and the payload.
    Protobuf,
}

/// Why bytes are not a valid frame.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum WireError {
    /// No bytes at all where a magic byte was expected.
    Empty,
    /// The first byte is neither [`MAGIC_ID`] nor [`MAGIC_GUID`].
    UnknownMagic(u8),
    /// Fewer bytes than the id or GUID after the magic byte needs.
    TruncatedSchemaId {
        /// Bytes the id or GUID needs.
        needed: usize,
        /// Bytes that were there.
        available: usize,
    },
    /// A negative schema id, which no registry allocates.
    NegativeSchemaId(i32),
    /// The message-index list ends in the middle of a varint or before its announced count.
    TruncatedMessageIndexes,
    /// A varint longer than the 5 bytes a 32-bit value takes.
    VarintTooLong,
    /// A negative message-index count.
    NegativeIndexCount(i32),
    /// More message indexes than [`MAX_MESSAGE_INDEXES`].
    TooManyIndexes(i32),
    /// Bytes left over after the id and indexes of a header value.
    TrailingHeaderBytes(usize),
}

impl fmt::Display for WireError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            WireError::Empty => f.write_str("empty message: no magic byte"),
            WireError::UnknownMagic(byte) => write!(f, "unknown magic byte 0x{byte:02x}"),
            WireError::TruncatedSchemaId { needed, available } => write!(
                f,
                "truncated schema id: {needed} bytes needed after the magic byte, {available} present"
            ),
            WireError::NegativeSchemaId(id) => write!(f, "negative schema id {id}"),
            WireError::TruncatedMessageIndexes => f.write_str("truncated message-index list"),
            WireError::VarintTooLong => f.write_str("message-index varint longer than 5 bytes"),
            WireError::NegativeIndexCount(count) => {
                write!(f, "negative message-index count {count}")
            }
            WireError::TooManyIndexes(count) => write!(
                f,
                "{count} message indexes exceed the limit of {MAX_MESSAGE_INDEXES}"
            ),
            WireError::TrailingHeaderBytes(n) => {
                write!(
                    f,
                    "{n} unexpected bytes after the schema id in a header value"
                )
            }
        }
    }
}

impl std::error::Error for WireError {}

/// A decoded frame: the schema, the Protobuf message indexes, and the payload, borrowed from the input.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Framed<'a> {
    /// The schema the payload was written with.
    pub schema: WireSchemaId,
    /// The message indexes, present exactly when decoded with [`Layout::Protobuf`].
    pub message_indexes: Option<MessageIndexes<'a>>,
    /// The bytes after the frame (Avro binary, JSON text, or a Protobuf message).
    pub payload: &'a [u8],
}

/// A validated message-index list, borrowed from the input and decoded on iteration.
///
/// Never empty: the wire's count of zero stands for `[0]`, the first top-level message.
/// Two lists are equal when they hold the same indexes, however the varints were written.
#[derive(Debug, Clone, Copy)]
pub struct MessageIndexes<'a> {
    /// The varints after the count; empty for the `[0]` shortcut.
    varints: &'a [u8],
    /// The number of varints in `varints`; 0 for the `[0]` shortcut.
    count: usize,
}

impl<'a> MessageIndexes<'a> {
    /// `[0]`, the first top-level message, as the wire's shortcut writes it: a count of zero.
    const FIRST: MessageIndexes<'static> = MessageIndexes {
        varints: &[],
        count: 0,
    };

    /// The number of indexes (at least 1).
    pub fn len(&self) -> usize {
        self.count.max(1)
    }

    /// Always `false`: a list is at least `[0]`. Present for API symmetry with [`MessageIndexes::len`].
    pub fn is_empty(&self) -> bool {
        false
    }

    /// The indexes, outermost first.
    pub fn iter(&self) -> MessageIndexIter<'a> {
        MessageIndexIter {
            varints: self.varints,
            remaining: self.len(),
        }
    }

    /// The indexes as an owned vector (at most [`MAX_MESSAGE_INDEXES`] long).
    pub fn to_vec(&self) -> Vec<i32> {
        self.iter().collect()
    }
}

impl PartialEq for MessageIndexes<'_> {
    fn eq(&self, other: &Self) -> bool {
        self.iter().eq(other.iter())
    }
}

impl Eq for MessageIndexes<'_> {}

impl<'a> IntoIterator for MessageIndexes<'a> {
    type Item = i32;
    type IntoIter = MessageIndexIter<'a>;

    fn into_iter(self) -> MessageIndexIter<'a> {
        self.iter()
    }
}

/// Iterator over [`MessageIndexes`].
#[derive(Debug, Clone)]
pub struct MessageIndexIter<'a> {
    varints: &'a [u8],
    remaining: usize,
}

impl Iterator for MessageIndexIter<'_> {
    type Item = i32;

    fn next(&mut self) -> Option<i32> {
        if self.remaining == 0 {
            return None;
        }
        self.remaining -= 1;
        if self.varints.is_empty() {
            // The `[0]` shortcut carries no varint.
            return Some(0);
        }
        let mut pos = 0;
        // The list was validated when it was decoded, so this never fails; stop cleanly if it did.
        let value = read_varint(self.varints, &mut pos).ok()?;
        self.varints = self.varints.get(pos..).unwrap_or_default();
        Some(value)
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        (self.remaining, Some(self.remaining))
    }
}

impl ExactSizeIterator for MessageIndexIter<'_> {}

/// Decodes the prefix form: magic, id or GUID, message indexes for [`Layout::Protobuf`], payload.
#[inline]
pub fn decode(bytes: &[u8], layout: Layout) -> Result<Framed<'_>, WireError> {
    // Nearly every record: an id and, for Protobuf, the `[0]` shortcut, decoded here so that the
    // caller's code holds it inline. Anything else (a GUID, an index list, a malformed frame) takes
    // the general path, which gives the same answer for these bytes too.
    if let [MAGIC_ID, a, b, c, d, rest @ ..] = bytes {
        if let Some(id) = SchemaId::new(u32::from_be_bytes([*a, *b, *c, *d])) {
            let framed = |message_indexes, payload| Framed {
                schema: WireSchemaId::Id(id),
                message_indexes,
                payload,
            };
            match (layout, rest) {
                (Layout::Plain, payload) => return Ok(framed(None, payload)),
                (Layout::Protobuf, [0, payload @ ..]) => {
                    return Ok(framed(Some(MessageIndexes::FIRST), payload));
                }
                (Layout::Protobuf, _) => {}
            }
        }
    }
    decode_general(bytes, layout)
}

/// [`decode`] for any frame.
fn decode_general(bytes: &[u8], layout: Layout) -> Result<Framed<'_>, WireError> {
    let (schema, rest) = read_schema_id(bytes)?;
    let (message_indexes, payload) = match layout {
        Layout::Plain => (None, rest),
        Layout::Protobuf => {
            let (indexes, payload) = read_message_indexes(rest)?;
            (Some(indexes), payload)
        }
    };
    Ok(Framed {
        schema,
        message_indexes,
        payload,
    })
}

/// Decodes the header form: `header_value` holds the magic, id or GUID and (Protobuf) the message
/// indexes and nothing else; `payload` is the record's bare key or value.
pub fn decode_header<'a>(
    header_value: &'a [u8],
    payload: &'a [u8],
    layout: Layout,
) -> Result<Framed<'a>, WireError> {
    let framed = decode(header_value, layout)?;
    if !framed.payload.is_empty() {
        return Err(WireError::TrailingHeaderBytes(framed.payload.len()));
    }
    Ok(Framed { payload, ..framed })
}

/// Decodes a record the way Confluent's default deserializer does: from the schema-id header when
/// there is one ([`KEY_SCHEMA_ID_HEADER`] or [`VALUE_SCHEMA_ID_HEADER`]), otherwise from the prefix.
#[inline]
pub fn decode_record<'a>(
    header_value: Option<&'a [u8]>,
    record: &'a [u8],
    layout: Layout,
) -> Result<Framed<'a>, WireError> {
    match header_value {
        Some(header_value) => decode_header(header_value, record, layout),
        None => decode(record, layout),
    }
}

/// Appends the prefix (magic, id or GUID, and the message indexes when given) to `out`, which
/// should then receive the payload. Reserves the exact size once; allocates nothing else.
///
/// With a GUID and no payload this is also the header form's header value. An empty index list is
/// written like `[0]`, as Confluent does.
pub fn write_prefix(out: &mut Vec<u8>, schema: WireSchemaId, message_indexes: Option<&[i32]>) {
    out.reserve(prefix_len(schema, message_indexes));
    match schema {
        WireSchemaId::Id(id) => {
            out.push(MAGIC_ID);
            out.extend_from_slice(&id.to_i32().to_be_bytes());
        }
        WireSchemaId::Guid(guid) => {
            out.push(MAGIC_GUID);
            out.extend_from_slice(guid.as_bytes());
        }
    }
    if let Some(indexes) = message_indexes {
        write_message_indexes(out, indexes);
    }
}

/// The header form's header value for `schema` (Confluent writes a GUID there) and the message indexes.
pub fn header_value(schema: WireSchemaId, message_indexes: Option<&[i32]>) -> Vec<u8> {
    let mut out = Vec::new();
    write_prefix(&mut out, schema, message_indexes);
    out
}

/// Appends a message-index list: `[0]` (or `[]`) as the single byte `0x00`, otherwise the count and
/// each index as zig-zag varints.
pub fn write_message_indexes(out: &mut Vec<u8>, indexes: &[i32]) {
    if indexes.is_empty() || indexes == [0] {
        out.push(0);
        return;
    }
    // A slice longer than i32::MAX cannot be framed by Confluent either; saturate rather than wrap.
    write_varint(out, i32::try_from(indexes.len()).unwrap_or(i32::MAX));
    for &index in indexes {
        write_varint(out, index);
    }
}

/// The exact number of bytes [`write_prefix`] appends.
pub fn prefix_len(schema: WireSchemaId, message_indexes: Option<&[i32]>) -> usize {
    let id_len = match schema {
        WireSchemaId::Id(_) => 1 + 4,
        WireSchemaId::Guid(_) => 1 + 16,
    };
    let index_len = match message_indexes {
        None => 0,
        Some(indexes) if indexes.is_empty() || indexes == [0] => 1,
        Some(indexes) => {
            varint_len(i32::try_from(indexes.len()).unwrap_or(i32::MAX))
                + indexes.iter().map(|&i| varint_len(i)).sum::<usize>()
        }
    };
    id_len + index_len
}

fn read_schema_id(bytes: &[u8]) -> Result<(WireSchemaId, &[u8]), WireError> {
    let (&magic, rest) = bytes.split_first().ok_or(WireError::Empty)?;
    match magic {
        MAGIC_ID => {
            let (id, rest) = split_array::<4>(rest)?;
            let id = i32::from_be_bytes(id);
            let id = SchemaId::try_from(id).map_err(|_| WireError::NegativeSchemaId(id))?;
            Ok((WireSchemaId::Id(id), rest))
        }
        MAGIC_GUID => {
            let (guid, rest) = split_array::<16>(rest)?;
            Ok((WireSchemaId::Guid(SchemaGuid(guid)), rest))
        }
        other => Err(WireError::UnknownMagic(other)),
    }
}

fn split_array<const N: usize>(bytes: &[u8]) -> Result<([u8; N], &[u8]), WireError> {
    match bytes.split_first_chunk::<N>() {
        Some((head, rest)) => Ok((*head, rest)),
        None => Err(WireError::TruncatedSchemaId {
            needed: N,
            available: bytes.len(),
        }),
    }
}

/// Reads and validates a message-index list; returns it borrowed, with the bytes after it.
fn read_message_indexes(bytes: &[u8]) -> Result<(MessageIndexes<'_>, &[u8]), WireError> {
    let mut pos = 0;
    let count = read_varint(bytes, &mut pos)?;
    if count < 0 {
        return Err(WireError::NegativeIndexCount(count));
    }
    let count_usize = usize::try_from(count).map_err(|_| WireError::TooManyIndexes(count))?;
    if count_usize > MAX_MESSAGE_INDEXES {
        return Err(WireError::TooManyIndexes(count));
    }
    let start = pos;
    for _ in 0..count_usize {
        read_varint(bytes, &mut pos)?;
    }
    let varints = bytes.get(start..pos).unwrap_or_default();
    let rest = bytes.get(pos..).unwrap_or_default();
    Ok((
        MessageIndexes {
            varints,
            count: count_usize,
        },
        rest,
    ))
}

/// Reads one zig-zag varint as Kafka's `ByteUtils.readVarint` does: at most 5 bytes, bits beyond 32 dropped.
fn read_varint(bytes: &[u8], pos: &mut usize) -> Result<i32, WireError> {
    let mut raw: u32 = 0;
    for shift in (0..MAX_VARINT_LEN).map(|i| 7 * i as u32) {
        let byte = *bytes.get(*pos).ok_or(WireError::TruncatedMessageIndexes)?;
        *pos += 1;
        raw |= u32::from(byte & 0x7f).wrapping_shl(shift);
        if byte & 0x80 == 0 {
            return Ok(((raw >> 1) as i32) ^ -((raw & 1) as i32));
        }
    }
    Err(WireError::VarintTooLong)
}

fn write_varint(out: &mut Vec<u8>, value: i32) {
    let mut raw = ((value << 1) ^ (value >> 31)) as u32;
    while raw >= 0x80 {
        out.push((raw as u8 & 0x7f) | 0x80);
        raw >>= 7;
    }
    out.push(raw as u8);
}

fn varint_len(value: i32) -> usize {
    let raw = ((value << 1) ^ (value >> 31)) as u32;
    match raw {
        0..0x80 => 1,
        0x80..0x4000 => 2,
        0x4000..0x20_0000 => 3,
        0x20_0000..0x1000_0000 => 4,
        _ => 5,
    }
}
