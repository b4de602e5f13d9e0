//! What every format's serializer and deserializer share: the frame a prepared serializer writes,
//! and the writer schemas a deserializer has loaded, by framed id or GUID.

use std::collections::HashMap;
use std::fmt;
use std::future::Future;
use std::sync::{OnceLock, RwLock};

use accord_types::SchemaId;
use accord_types::wire::{self, WireSchemaId};

use super::{BoxError, SerdeError};

/// The frame of one writer schema, built once by `prepare`: its id and the prefix every record
/// starts with (magic byte, id, and the Protobuf message indexes when there are any), kept so that
/// writing it takes one copy of a known size in the usual cases.
#[derive(Debug)]
pub(crate) struct Frame {
    pub(crate) id: SchemaId,
    prefix: Prefix,
}

/// A record's prefix, by the shape of its message indexes.
#[derive(Debug)]
enum Prefix {
    /// Avro and JSON: the magic byte and the big-endian id.
    Plain([u8; 5]),
    /// Protobuf's first message, `[0]`, written as one zero byte after the id.
    First([u8; 6]),
    /// Any other message: the magic byte and id, then the indexes as written.
    Indexes([u8; 5], Box<[u8]>),
}

impl Frame {
    pub(crate) fn new(id: SchemaId, message_indexes: Option<&[i32]>) -> Frame {
        let [a, b, c, d] = id.to_i32().to_be_bytes();
        let head = [wire::MAGIC_ID, a, b, c, d];
        let prefix = match message_indexes {
            None => Prefix::Plain(head),
            Some(message_indexes) => {
                let mut indexes = Vec::new();
                wire::write_message_indexes(&mut indexes, message_indexes);
                match *indexes {
                    [index] => Prefix::First([wire::MAGIC_ID, a, b, c, d, index]),
                    _ => Prefix::Indexes(head, indexes.into_boxed_slice()),
                }
            }
        };
        Frame { id, prefix }
    }

    /// Appends the prefix, then what `body` writes, to `out`; when `body` fails, `out` is cut back
    /// to where it was and the failure is an [`SerdeError::Encode`].
    #[inline]
    pub(crate) fn write<E: Into<BoxError>>(
        &self,
        out: &mut Vec<u8>,
        body: impl FnOnce(&mut Vec<u8>) -> Result<(), E>,
    ) -> Result<(), SerdeError> {
        let start = out.len();
        match &self.prefix {
            Prefix::Plain(head) => out.extend_from_slice(head),
            Prefix::First(head) => out.extend_from_slice(head),
            Prefix::Indexes(head, indexes) => {
                out.extend_from_slice(head);
                out.extend_from_slice(indexes);
            }
        }
        body(out).map_err(|err| {
            out.truncate(start);
            SerdeError::encode(WireSchemaId::Id(self.id), err)
        })
    }
}

/// What a serializer writes with, or [`SerdeError::NotPrepared`] before `prepare`.
///
/// A `match` rather than `ok_or`, which would build the error and drop it on every record.
pub(crate) fn prepared<W>(writer: &OnceLock<W>) -> Result<&W, SerdeError> {
    match writer.get() {
        Some(writer) => Ok(writer),
        None => Err(SerdeError::NotPrepared),
    }
}

/// The framed record that `serialize_into` appends to an empty buffer: the async `serialize` of
/// every serializer, once it has prepared.
pub(crate) fn to_vec(
    serialize_into: impl FnOnce(&mut Vec<u8>) -> Result<(), SerdeError>,
) -> Result<Vec<u8>, SerdeError> {
    let mut out = Vec::new();
    serialize_into(&mut out)?;
    Ok(out)
}

/// What a deserializer built from each writer schema it has met (a parsed schema, a validator, a
/// file descriptor), kept for as long as the deserializer lives. `V` is cheap to clone (an `Arc`).
///
/// Most deserializers only ever meet one writer schema (a topic's current one), so the first is
/// kept apart, where reading it takes no lock and no hashing; the others sit in a map.
pub(crate) struct Loaded<V> {
    first: OnceLock<(WireSchemaId, V)>,
    others: RwLock<HashMap<WireSchemaId, V>>,
}

impl<V: Clone> Loaded<V> {
    pub(crate) fn new() -> Loaded<V> {
        Loaded {
            first: OnceLock::new(),
            others: RwLock::new(HashMap::new()),
        }
    }

    /// Calls `f` with what was built for `schema`, or fails with [`SerdeError::NotLoaded`]: the
    /// synchronous `deserialize_known`, which does no I/O.
    pub(crate) fn with_known<R>(
        &self,
        schema: WireSchemaId,
        f: impl FnOnce(&V) -> R,
    ) -> Result<R, SerdeError> {
        if let Some((first, value)) = self.first.get() {
            if *first == schema {
                return Ok(f(value));
            }
        }
        let others = self.others.read().unwrap_or_else(|p| p.into_inner());
        match others.get(&schema) {
            Some(value) => Ok(f(value)),
            None => Err(SerdeError::NotLoaded(schema)),
        }
    }

    /// What was built for `schema`, building it with `load` on its first sight. Two concurrent
    /// first sights may both load; the first to finish is kept and both get it.
    pub(crate) async fn get_or_load<F>(
        &self,
        schema: WireSchemaId,
        load: impl FnOnce() -> F,
    ) -> Result<V, SerdeError>
    where
        F: Future<Output = Result<V, SerdeError>>,
    {
        if let Ok(known) = self.with_known(schema, V::clone) {
            return Ok(known);
        }
        let loaded = load().await?;
        if let Err((_, loaded)) = self.first.set((schema, loaded)) {
            // Another schema, or a concurrent load of this one, came first.
            if self.first.get().map(|(first, _)| *first) != Some(schema) {
                let mut others = self.others.write().unwrap_or_else(|p| p.into_inner());
                others.entry(schema).or_insert(loaded);
            }
        }
        self.with_known(schema, V::clone)
    }
}

impl<V> fmt::Debug for Loaded<V> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let others = self.others.read().map(|s| s.len()).unwrap_or_default();
        let loaded = usize::from(self.first.get().is_some()) + others;
        write!(f, "{loaded} writer schemas")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_frame_writes_the_prefix_of_the_wire_module() {
        let id = SchemaId::new(0x0102_0304).expect("an id");
        for indexes in [None, Some(&[][..]), Some(&[0][..]), Some(&[1, 0, 300][..])] {
            let mut want = b"kept".to_vec();
            wire::write_prefix(&mut want, WireSchemaId::Id(id), indexes);
            want.extend_from_slice(b"body");
            let mut out = b"kept".to_vec();
            let written = Frame::new(id, indexes).write(&mut out, |out| {
                out.extend_from_slice(b"body");
                Ok::<_, SerdeError>(())
            });
            assert!(written.is_ok(), "{indexes:?}");
            assert_eq!(out, want, "{indexes:?}");
        }
    }

    #[test]
    fn a_failing_body_leaves_the_buffer_as_it_was() {
        let frame = Frame::new(SchemaId::new(7).expect("an id"), Some(&[0]));
        let mut out = b"kept".to_vec();
        let err = frame
            .write(&mut out, |out| {
                out.extend_from_slice(b"half");
                Err("no room")
            })
            .expect_err("the body failed");
        assert!(matches!(err, SerdeError::Encode { .. }), "{err}");
        assert_eq!(out, b"kept");
    }
}
