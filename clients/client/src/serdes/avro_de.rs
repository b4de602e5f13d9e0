//! Reads an Avro binary datum straight into a serde type, by its writer schema's [`Plan`].
//!
//! apache-avro's own route is to decode a whole `Value` tree (one allocation per string, record,
//! array and boxed union) and then to run `from_value` over it. This reader gives `T` the same
//! visits `from_value` would give it for that `Value` (the same accepted and refused shapes, the
//! same union-to-option and union-to-enum rules, the same human-readable flag), reading each value
//! from the bytes as the visitor asks for it. Every value of the datum is read even where `T`
//! ignores it, so a datum apache-avro refuses (a bad boolean byte, a string that is not UTF-8, an
//! index past the end) is refused here too. Every read goes through the plan's [`Cursor`], whose
//! bounds apply as they do to the walk before apache-avro.
//!
//! Logical types that apache-avro converts on reading come out as their converted `Value` would:
//! a decimal as its bytes (an empty one refused, as apache-avro cannot give it back), a uuid as its
//! hyphenated lower-case text to string targets and its 16 bytes to byte targets, a duration as
//! its 12 bytes. Only plans that are [`direct`](Plan::direct) come here: apache-avro's big-decimal, whose
//! text form this reader does not copy, goes through its `Value`.

use std::fmt;

use serde::de::{
    self, DeserializeOwned, DeserializeSeed, IgnoredAny, MapAccess, SeqAccess, Visitor,
};
use serde::forward_to_deserialize_any;

use apache_avro::Uuid;

use super::avro_bounds::{Cursor, Field, Node, Plan, Refusal, Stop, UuidForm};

/// Reads `bytes` as a datum of `plan`'s schema into `T`; `plan` must be direct.
pub(crate) fn from_datum<T: DeserializeOwned>(plan: &Plan, bytes: &[u8]) -> Result<T, DecodeError> {
    debug_assert!(plan.direct(), "only direct plans read straight into serde");
    let mut decoder = Decoder {
        plan,
        cursor: Cursor::new(bytes),
        depth: 0,
        // apache-avro's `from_value` reports this process-wide setting; reading it fixes it to the
        // default when nothing set it before, as apache-avro's own first use does.
        human_readable: apache_avro::util::set_serde_human_readable(
            apache_avro::util::DEFAULT_SERDE_HUMAN_READABLE,
        ),
    };
    T::deserialize(At {
        de: &mut decoder,
        node: plan.root(),
    })
}

/// Why a datum did not read into the target type.
#[derive(Debug)]
pub(crate) struct DecodeError(Box<Reason>);

#[derive(Debug)]
enum Reason {
    /// The bytes break the schema or the bounds.
    Refused(Refusal),
    /// The schema's value does not fit the target type.
    Mismatch(String),
}

impl fmt::Display for DecodeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &*self.0 {
            Reason::Refused(refusal) => refusal.fmt(f),
            Reason::Mismatch(message) => f.write_str(message),
        }
    }
}

impl std::error::Error for DecodeError {}

impl de::Error for DecodeError {
    fn custom<T: fmt::Display>(message: T) -> Self {
        DecodeError(Box::new(Reason::Mismatch(message.to_string())))
    }
}

/// A refusal of `node`'s value for a target that wants `wanted`.
#[cold]
fn mismatch(wanted: &str, node: &Node) -> DecodeError {
    let found = match node {
        Node::Null => "null",
        Node::Boolean => "boolean",
        Node::Int => "int",
        Node::Long => "long",
        Node::Float => "float",
        Node::Double => "double",
        Node::Bytes => "bytes",
        Node::String => "string",
        Node::Fixed(_) => "fixed",
        Node::Decimal(_) => "decimal",
        Node::Uuid(_) => "uuid",
        Node::Duration(_) => "duration",
        Node::Enum(_) => "enum",
        Node::Record(_) => "record",
        Node::Array { .. } => "array",
        Node::Map(_) => "map",
        Node::Union(_) => "union",
        Node::Named(_) | Node::Unknown => "undefined type",
    };
    de::Error::custom(format_args!("expected {wanted}, the schema has {found}"))
}

/// The datum being read: the plan, the position and the nesting depth.
struct Decoder<'p, 'de> {
    plan: &'p Plan,
    cursor: Cursor<'de>,
    depth: usize,
    human_readable: bool,
}

impl<'p, 'de> Decoder<'p, 'de> {
    /// A refusal of the datum, as the error every read returns.
    #[cold]
    fn refuse(refusal: Refusal) -> DecodeError {
        DecodeError(Box::new(Reason::Refused(refusal)))
    }

    /// Runs one cursor read, turning its stop into the refusal it recorded.
    #[inline]
    fn via<T>(
        &mut self,
        read: impl FnOnce(&mut Cursor<'de>) -> Result<T, Stop>,
    ) -> Result<T, DecodeError> {
        read(&mut self.cursor).map_err(|Stop| Self::refuse(self.cursor.refusal()))
    }

    #[inline]
    fn take(&mut self, n: usize) -> Result<&'de [u8], DecodeError> {
        self.via(|cursor| cursor.take(n))
    }

    #[inline]
    fn array<const N: usize>(&mut self) -> Result<[u8; N], DecodeError> {
        self.via(Cursor::array)
    }

    #[inline]
    fn long(&mut self) -> Result<i64, DecodeError> {
        self.via(Cursor::long)
    }

    #[inline]
    fn int(&mut self) -> Result<i32, DecodeError> {
        self.via(Cursor::int)
    }

    #[inline]
    fn bytes(&mut self) -> Result<&'de [u8], DecodeError> {
        self.via(Cursor::length_prefixed)
    }

    #[inline]
    fn string(&mut self) -> Result<&'de str, DecodeError> {
        self.via(Cursor::string)
    }

    #[inline]
    fn boolean(&mut self) -> Result<bool, DecodeError> {
        let at = self.cursor.position();
        match self.array::<1>()? {
            [0] => Ok(false),
            [1] => Ok(true),
            [byte] => Err(Self::refuse(Refusal::Boolean { byte, at })),
        }
    }

    /// A decimal's bytes; an empty one is refused, as apache-avro fails to give it back.
    #[inline]
    fn decimal(&mut self, fixed: Option<usize>) -> Result<&'de [u8], DecodeError> {
        let bytes = match fixed {
            Some(size) => self.take(size)?,
            None => self.bytes()?,
        };
        if bytes.is_empty() {
            return Err(de::Error::custom("a decimal of no bytes"));
        }
        Ok(bytes)
    }

    /// A uuid, parsed from its text or taken from its 16 bytes.
    #[inline]
    fn uuid(&mut self, form: UuidForm) -> Result<Uuid, DecodeError> {
        match form {
            UuidForm::String => Uuid::parse_str(self.string()?).map_err(de::Error::custom),
            UuidForm::Bytes => Uuid::from_slice(self.bytes()?).map_err(de::Error::custom),
            UuidForm::Fixed(16) => Ok(Uuid::from_bytes(self.array()?)),
            UuidForm::Fixed(size) => Err(de::Error::custom(format_args!(
                "a uuid over a fixed of {size} bytes, not 16"
            ))),
        }
    }

    /// A duration's 12 bytes (months, days, milliseconds).
    #[inline]
    fn duration(&mut self, size: usize) -> Result<&'de [u8], DecodeError> {
        match size {
            12 => self.take(12),
            _ => Err(de::Error::custom(format_args!(
                "a duration over a fixed of {size} bytes, not 12"
            ))),
        }
    }

    /// The bytes a byte target gets from `node`, as apache-avro's `Value` gives them: a string's
    /// UTF-8, the bytes of bytes, fixed, decimal and duration, a uuid's 16 bytes.
    fn byte_view(&mut self, node: &Node) -> Result<std::borrow::Cow<'de, [u8]>, DecodeError> {
        Ok(match node {
            Node::String => self.string()?.as_bytes().into(),
            Node::Bytes => self.bytes()?.into(),
            Node::Fixed(n) => self.take(*n)?.into(),
            Node::Decimal(fixed) => self.decimal(*fixed)?.into(),
            Node::Uuid(form) => self.uuid(*form)?.as_bytes().to_vec().into(),
            Node::Duration(size) => self.duration(*size)?.into(),
            _ => {
                return Err(mismatch(
                    "a string, bytes, fixed or a logical type over them",
                    node,
                ));
            }
        })
    }

    /// An enum index, as its symbol.
    #[inline]
    fn symbol(&mut self, symbols: &'p [String]) -> Result<&'p str, DecodeError> {
        let index = self.int()?;
        usize::try_from(index)
            .ok()
            .and_then(|i| symbols.get(i))
            .map(String::as_str)
            .ok_or_else(|| Self::refuse(Refusal::EnumIndex(index.into())))
    }

    /// The count of the next array or map block (0 at the end).
    #[inline]
    fn block(&mut self, min_item: usize) -> Result<u64, DecodeError> {
        self.via(|cursor| cursor.block(min_item))
    }

    /// Runs `read` one nesting level deeper.
    #[inline]
    fn nested<R>(
        &mut self,
        read: impl FnOnce(&mut Self) -> Result<R, DecodeError>,
    ) -> Result<R, DecodeError> {
        let outer = self.depth;
        self.depth = self.via(|cursor| cursor.deeper(outer))?;
        let result = read(self);
        self.depth = outer;
        result
    }

    /// Reads a union index and hands its variant, one level deeper, to `read`.
    #[inline]
    fn union<R>(
        &mut self,
        variants: &'p [Node],
        read: impl FnOnce(usize, At<'_, 'p, 'de>) -> Result<R, DecodeError>,
    ) -> Result<R, DecodeError> {
        let (index, variant) = self.via(|cursor| cursor.variant(variants))?;
        self.nested(|de| read(index, At { de, node: variant }))
    }

    fn record<V: Visitor<'de>>(
        &mut self,
        fields: &'p [Field],
        visitor: V,
    ) -> Result<V::Value, DecodeError> {
        let mut access = Fields {
            de: self,
            fields: fields.iter(),
            pending: None,
        };
        let value = visitor.visit_map(&mut access)?;
        access.finish()?;
        Ok(value)
    }

    fn items<V: Visitor<'de>>(
        &mut self,
        items: &'p Node,
        min_item: usize,
        visitor: V,
    ) -> Result<V::Value, DecodeError> {
        self.nested(|de| {
            let blocks = Blocks::start(de, min_item)?;
            let mut access = Items { de, items, blocks };
            let value = visitor.visit_seq(&mut access)?;
            while access.next_element::<IgnoredAny>()?.is_some() {}
            Ok(value)
        })
    }

    fn entries<V: Visitor<'de>>(
        &mut self,
        values: &'p Node,
        visitor: V,
    ) -> Result<V::Value, DecodeError> {
        self.nested(|de| {
            // A map entry takes at least its key's length byte.
            let blocks = Blocks::start(de, 1)?;
            let mut access = Entries {
                de,
                values,
                blocks,
                pending: false,
            };
            let value = visitor.visit_map(&mut access)?;
            while access.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
            Ok(value)
        })
    }

    /// Reads `fields` for nothing but their validity.
    fn skip(&mut self, fields: &'p [Field]) -> Result<(), DecodeError> {
        for field in fields {
            de::Deserialize::deserialize(At {
                de: &mut *self,
                node: &field.node,
            })
            .map(|IgnoredAny| ())?;
        }
        Ok(())
    }
}

/// The value of `node` at the decoder's position: a serde `Deserializer`.
struct At<'a, 'p, 'de> {
    de: &'a mut Decoder<'p, 'de>,
    node: &'p Node,
}

impl<'p, 'de> At<'_, 'p, 'de> {
    /// Runs `read` on the node, or on the named type it points to, one level deeper.
    #[inline]
    fn read<R>(
        self,
        read: impl FnOnce(&mut Decoder<'p, 'de>, &'p Node) -> Result<R, DecodeError>,
    ) -> Result<R, DecodeError> {
        let de = self.de;
        match self.node {
            Node::Named(_) => {
                let plan = de.plan;
                let outer = de.depth;
                let (node, depth) = de.via(|cursor| plan.enter(cursor, self.node, outer))?;
                de.depth = depth;
                let result = read(de, node);
                de.depth = outer;
                result
            }
            node => read(de, node),
        }
    }
}

/// Parses `text` as one character, as apache-avro does for `char` targets.
fn one_char(text: &str) -> Result<char, DecodeError> {
    let mut chars = text.chars();
    match (chars.next(), chars.next()) {
        (Some(c), None) => Ok(c),
        _ => Err(de::Error::custom(format_args!(
            "expected one character, got {} bytes",
            text.len()
        ))),
    }
}

/// A uuid as apache-avro shows it to string targets: hyphenated, lower case.
fn visit_uuid_text<'de, V: Visitor<'de>>(uuid: Uuid, visitor: V) -> Result<V::Value, DecodeError> {
    let mut text = Uuid::encode_buffer();
    visitor.visit_str(uuid.hyphenated().encode_lower(&mut text))
}

fn utf8(bytes: &[u8]) -> Result<&str, DecodeError> {
    std::str::from_utf8(bytes).map_err(de::Error::custom)
}

/// A `deserialize_*` method for an integer type serde does not forward to `deserialize_any`, as
/// apache-avro reads one: from an int or long (refused when it does not fit), or from a fixed of
/// the type's size, little-endian.
macro_rules! wide_integer {
    ($method:ident, $visit:ident, $ty:ty, $wanted:literal) => {
        fn $method<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DecodeError> {
            self.read(|de, node| match node {
                Node::Int => visitor.$visit(<$ty>::try_from(de.int()?).map_err(de::Error::custom)?),
                Node::Long => {
                    visitor.$visit(<$ty>::try_from(de.long()?).map_err(de::Error::custom)?)
                }
                Node::Fixed(n) if *n == size_of::<$ty>() => {
                    visitor.$visit(<$ty>::from_le_bytes(de.array()?))
                }
                Node::Union(variants) => de.union(variants, |_, at| at.$method(visitor)),
                _ => Err(mismatch($wanted, node)),
            })
        }
    };
}

impl<'de> de::Deserializer<'de> for At<'_, '_, 'de> {
    type Error = DecodeError;

    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DecodeError> {
        self.read(|de, node| match node {
            Node::Null => visitor.visit_unit(),
            Node::Boolean => visitor.visit_bool(de.boolean()?),
            Node::Int => visitor.visit_i32(de.int()?),
            Node::Long => visitor.visit_i64(de.long()?),
            Node::Float => visitor.visit_f32(f32::from_le_bytes(de.array()?)),
            Node::Double => visitor.visit_f64(f64::from_le_bytes(de.array()?)),
            Node::Bytes => visitor.visit_bytes(de.bytes()?),
            Node::String => visitor.visit_borrowed_str(de.string()?),
            Node::Fixed(n) => visitor.visit_bytes(de.take(*n)?),
            Node::Enum(symbols) => visitor.visit_str(de.symbol(symbols)?),
            Node::Decimal(fixed) => visitor.visit_bytes(de.decimal(*fixed)?),
            Node::Uuid(form) => visit_uuid_text(de.uuid(*form)?, visitor),
            Node::Duration(size) => visitor.visit_bytes(de.duration(*size)?),
            Node::Record(fields) => de.record(fields, visitor),
            Node::Array { items, min_item } => de.items(items, *min_item, visitor),
            Node::Map(values) => de.entries(values, visitor),
            Node::Union(variants) => de.union(variants, |_, at| at.deserialize_any(visitor)),
            Node::Named(_) | Node::Unknown => Err(mismatch("a defined type", node)),
        })
    }

    wide_integer!(deserialize_u64, visit_u64, u64, "an int, long or fixed(8)");
    wide_integer!(
        deserialize_u128,
        visit_u128,
        u128,
        "an int, long or fixed(16)"
    );
    wide_integer!(
        deserialize_i128,
        visit_i128,
        i128,
        "an int, long or fixed(16)"
    );

    fn deserialize_char<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DecodeError> {
        self.read(|de, node| match node {
            Node::String => visitor.visit_char(one_char(de.string()?)?),
            Node::Bytes => visitor.visit_char(one_char(utf8(de.bytes()?)?)?),
            Node::Fixed(4) => {
                let code = u32::from_le_bytes(de.array()?);
                let c = char::from_u32(code)
                    .ok_or_else(|| de::Error::custom(format_args!("{code:#x} is no character")))?;
                visitor.visit_char(c)
            }
            Node::Union(variants) => de.union(variants, |_, at| at.deserialize_char(visitor)),
            _ => Err(mismatch("a string, bytes or fixed(4)", node)),
        })
    }

    fn deserialize_str<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DecodeError> {
        self.read(|de, node| match node {
            Node::String => visitor.visit_borrowed_str(de.string()?),
            Node::Bytes => visitor.visit_borrowed_str(utf8(de.bytes()?)?),
            Node::Fixed(n) => visitor.visit_borrowed_str(utf8(de.take(*n)?)?),
            Node::Uuid(form) => visit_uuid_text(de.uuid(*form)?, visitor),
            Node::Union(variants) => de.union(variants, |_, at| at.deserialize_str(visitor)),
            _ => Err(mismatch("a string, bytes, fixed or uuid", node)),
        })
    }

    fn deserialize_string<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DecodeError> {
        self.read(|de, node| match node {
            Node::String => visitor.visit_borrowed_str(de.string()?),
            Node::Enum(symbols) => visitor.visit_str(de.symbol(symbols)?),
            Node::Bytes => visitor.visit_string(utf8(de.bytes()?)?.to_owned()),
            Node::Fixed(n) => visitor.visit_string(utf8(de.take(*n)?)?.to_owned()),
            Node::Uuid(form) => visit_uuid_text(de.uuid(*form)?, visitor),
            Node::Union(variants) => de.union(variants, |_, at| at.deserialize_string(visitor)),
            _ => Err(mismatch("a string, enum, bytes, fixed or uuid", node)),
        })
    }

    fn deserialize_bytes<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DecodeError> {
        self.read(|de, node| visitor.visit_bytes(&de.byte_view(node)?))
    }

    fn deserialize_byte_buf<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DecodeError> {
        self.read(|de, node| visitor.visit_byte_buf(de.byte_view(node)?.into_owned()))
    }

    fn deserialize_option<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DecodeError> {
        self.read(|de, node| match node {
            Node::Union(variants) => de.union(variants, |_, at| match at.node {
                Node::Null => visitor.visit_none(),
                _ => visitor.visit_some(at),
            }),
            _ => Err(mismatch("a union", node)),
        })
    }

    fn deserialize_unit<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DecodeError> {
        self.read(|de, node| match node {
            Node::Null => visitor.visit_unit(),
            Node::Union(variants) => de.union(variants, |_, at| at.deserialize_unit(visitor)),
            _ => Err(mismatch("null", node)),
        })
    }

    fn deserialize_unit_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        visitor: V,
    ) -> Result<V::Value, DecodeError> {
        self.deserialize_unit(visitor)
    }

    fn deserialize_newtype_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        visitor: V,
    ) -> Result<V::Value, DecodeError> {
        visitor.visit_newtype_struct(self)
    }

    fn deserialize_seq<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DecodeError> {
        self.read(|de, node| match node {
            Node::Array { items, min_item } => de.items(items, *min_item, visitor),
            Node::Union(variants) => de.union(variants, |_, at| {
                at.read(|de, node| match node {
                    Node::Array { items, min_item } => de.items(items, *min_item, visitor),
                    Node::Null => visitor.visit_seq(Empty),
                    _ => Err(mismatch("an array or null", node)),
                })
            }),
            _ => Err(mismatch("an array or a union", node)),
        })
    }

    fn deserialize_tuple<V: Visitor<'de>>(
        self,
        _len: usize,
        visitor: V,
    ) -> Result<V::Value, DecodeError> {
        self.deserialize_seq(visitor)
    }

    fn deserialize_tuple_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        _len: usize,
        visitor: V,
    ) -> Result<V::Value, DecodeError> {
        self.deserialize_seq(visitor)
    }

    fn deserialize_map<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DecodeError> {
        self.read(|de, node| match node {
            Node::Map(values) => de.entries(values, visitor),
            Node::Record(fields) => de.record(fields, visitor),
            _ => Err(mismatch("a record or a map", node)),
        })
    }

    fn deserialize_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        _fields: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, DecodeError> {
        self.read(|de, node| match node {
            Node::Record(fields) => de.record(fields, visitor),
            Node::Union(variants) => de.union(variants, |_, at| {
                at.read(|de, node| match node {
                    Node::Record(fields) => de.record(fields, visitor),
                    Node::Null => visitor.visit_map(Empty),
                    _ => Err(mismatch("a record or null", node)),
                })
            }),
            _ => Err(mismatch("a record or a union", node)),
        })
    }

    fn deserialize_enum<V: Visitor<'de>>(
        self,
        _name: &'static str,
        variants: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, DecodeError> {
        self.read(|de, node| match node {
            Node::Record(fields) => visitor.visit_enum(RecordVariant { de, fields }),
            Node::String => visitor.visit_enum(Unit(de.string()?)),
            Node::Enum(symbols) => visitor.visit_enum(Unit(de.symbol(symbols)?)),
            Node::Union(union) => de.union(union, |index, at| match variants.get(index) {
                Some(name) => visitor.visit_enum(UnionVariant { name, at }),
                None => Err(de::Error::custom(format_args!(
                    "union index {index} names none of the {} variants",
                    variants.len()
                ))),
            }),
            _ => Err(mismatch("a record, string, enum or union", node)),
        })
    }

    fn deserialize_identifier<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DecodeError> {
        self.deserialize_str(visitor)
    }

    fn deserialize_ignored_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DecodeError> {
        self.deserialize_any(visitor)
    }

    forward_to_deserialize_any! {
        bool i8 i16 i32 i64 u8 u16 u32 f32 f64
    }

    fn is_human_readable(&self) -> bool {
        self.de.human_readable
    }
}

/// A record's fields as a serde map, keyed by field name.
struct Fields<'a, 'p, 'de> {
    de: &'a mut Decoder<'p, 'de>,
    fields: std::slice::Iter<'p, Field>,
    /// The field whose name was handed out and whose value was not read yet.
    pending: Option<&'p Field>,
}

impl<'p> Fields<'_, 'p, '_> {
    /// Reads what the visitor left: a pending value and the fields after it.
    fn finish(mut self) -> Result<(), DecodeError> {
        let pending = self
            .pending
            .take()
            .map(std::slice::from_ref)
            .unwrap_or_default();
        self.de.skip(pending)?;
        self.de.skip(self.fields.as_slice())
    }
}

impl<'de> MapAccess<'de> for Fields<'_, '_, 'de> {
    type Error = DecodeError;

    fn next_key_seed<K: DeserializeSeed<'de>>(
        &mut self,
        seed: K,
    ) -> Result<Option<K::Value>, DecodeError> {
        if let Some(field) = self.pending.take() {
            self.de.skip(std::slice::from_ref(field))?;
        }
        match self.fields.next() {
            Some(field) => {
                self.pending = Some(field);
                seed.deserialize(Key(&field.name)).map(Some)
            }
            None => Ok(None),
        }
    }

    fn next_value_seed<V: DeserializeSeed<'de>>(
        &mut self,
        seed: V,
    ) -> Result<V::Value, DecodeError> {
        let field = self
            .pending
            .take()
            .ok_or_else(|| de::Error::custom("a record value asked for before its field name"))?;
        seed.deserialize(At {
            de: &mut *self.de,
            node: &field.node,
        })
    }

    fn size_hint(&self) -> Option<usize> {
        Some(self.fields.len())
    }
}

/// Where an array or map is in its blocks.
struct Blocks {
    /// Items left in the current block; 0 once the last block is read.
    left: u64,
    /// The fewest bytes an item takes, for the bound on each block's count.
    min_item: usize,
}

impl Blocks {
    /// Reads the first block's count.
    fn start(de: &mut Decoder<'_, '_>, min_item: usize) -> Result<Blocks, DecodeError> {
        Ok(Blocks {
            left: de.block(min_item)?,
            min_item,
        })
    }

    /// Counts one item as read, and reads the next block's count after a block's last item.
    #[inline]
    fn read_one(&mut self, de: &mut Decoder<'_, '_>) -> Result<(), DecodeError> {
        self.left -= 1;
        if self.left == 0 {
            self.left = de.block(self.min_item)?;
        }
        Ok(())
    }

    fn size_hint(&self) -> Option<usize> {
        usize::try_from(self.left).ok()
    }
}

/// An array's items as a serde sequence, block by block.
struct Items<'a, 'p, 'de> {
    de: &'a mut Decoder<'p, 'de>,
    items: &'p Node,
    blocks: Blocks,
}

impl<'de> SeqAccess<'de> for Items<'_, '_, 'de> {
    type Error = DecodeError;

    fn next_element_seed<T: DeserializeSeed<'de>>(
        &mut self,
        seed: T,
    ) -> Result<Option<T::Value>, DecodeError> {
        if self.blocks.left == 0 {
            return Ok(None);
        }
        let item = seed.deserialize(At {
            de: &mut *self.de,
            node: self.items,
        })?;
        self.blocks.read_one(self.de)?;
        Ok(Some(item))
    }

    fn size_hint(&self) -> Option<usize> {
        self.blocks.size_hint()
    }
}

/// A map's entries as a serde map, block by block.
struct Entries<'a, 'p, 'de> {
    de: &'a mut Decoder<'p, 'de>,
    values: &'p Node,
    blocks: Blocks,
    /// Whether a key was handed out and its value not read yet.
    pending: bool,
}

impl<'de> MapAccess<'de> for Entries<'_, '_, 'de> {
    type Error = DecodeError;

    fn next_key_seed<K: DeserializeSeed<'de>>(
        &mut self,
        seed: K,
    ) -> Result<Option<K::Value>, DecodeError> {
        if self.pending {
            self.next_value::<IgnoredAny>()?;
        }
        if self.blocks.left == 0 {
            return Ok(None);
        }
        let key = self.de.string()?;
        self.pending = true;
        seed.deserialize(Key(key)).map(Some)
    }

    fn next_value_seed<V: DeserializeSeed<'de>>(
        &mut self,
        seed: V,
    ) -> Result<V::Value, DecodeError> {
        if !std::mem::take(&mut self.pending) {
            return Err(de::Error::custom("a map value asked for before its key"));
        }
        let value = seed.deserialize(At {
            de: &mut *self.de,
            node: self.values,
        })?;
        self.blocks.read_one(self.de)?;
        Ok(value)
    }

    fn size_hint(&self) -> Option<usize> {
        self.blocks.size_hint()
    }
}

/// An empty sequence or map: a union's null where an array or record was wanted.
struct Empty;

impl<'de> SeqAccess<'de> for Empty {
    type Error = DecodeError;

    fn next_element_seed<T: DeserializeSeed<'de>>(
        &mut self,
        _seed: T,
    ) -> Result<Option<T::Value>, DecodeError> {
        Ok(None)
    }
}

impl<'de> MapAccess<'de> for Empty {
    type Error = DecodeError;

    fn next_key_seed<K: DeserializeSeed<'de>>(
        &mut self,
        _seed: K,
    ) -> Result<Option<K::Value>, DecodeError> {
        Ok(None)
    }

    fn next_value_seed<V: DeserializeSeed<'de>>(
        &mut self,
        _seed: V,
    ) -> Result<V::Value, DecodeError> {
        Err(de::Error::custom("a value asked for in an empty map"))
    }
}

/// A field name, map key or variant name: a string whatever the target asks for.
struct Key<'a>(&'a str);

impl<'de> de::Deserializer<'de> for Key<'_> {
    type Error = DecodeError;

    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DecodeError> {
        visitor.visit_str(self.0)
    }

    forward_to_deserialize_any! {
        bool u8 u16 u32 u64 i8 i16 i32 i64 f32 f64 char str string unit option
        seq bytes byte_buf map unit_struct newtype_struct
        tuple_struct struct tuple enum identifier ignored_any
    }
}

/// A serde enum variant named by a string or an Avro enum symbol: only a unit variant fits.
struct Unit<'a>(&'a str);

impl<'de> de::EnumAccess<'de> for Unit<'_> {
    type Error = DecodeError;
    type Variant = Self;

    fn variant_seed<V: DeserializeSeed<'de>>(
        self,
        seed: V,
    ) -> Result<(V::Value, Self), DecodeError> {
        Ok((seed.deserialize(Key(self.0))?, self))
    }
}

impl<'de> de::VariantAccess<'de> for Unit<'_> {
    type Error = DecodeError;

    fn unit_variant(self) -> Result<(), DecodeError> {
        Ok(())
    }

    fn newtype_variant_seed<T: DeserializeSeed<'de>>(
        self,
        _seed: T,
    ) -> Result<T::Value, DecodeError> {
        Err(de::Error::custom("a newtype variant from a string"))
    }

    fn tuple_variant<V: Visitor<'de>>(
        self,
        _len: usize,
        _visitor: V,
    ) -> Result<V::Value, DecodeError> {
        Err(de::Error::custom("a tuple variant from a string"))
    }

    fn struct_variant<V: Visitor<'de>>(
        self,
        _fields: &'static [&'static str],
        _visitor: V,
    ) -> Result<V::Value, DecodeError> {
        Err(de::Error::custom("a struct variant from a string"))
    }
}

/// A serde enum variant chosen by a union index (the index-th variant of the Rust enum), whose
/// content is the union's value.
struct UnionVariant<'a, 'p, 'de> {
    name: &'static str,
    at: At<'a, 'p, 'de>,
}

impl<'a, 'p, 'de> de::EnumAccess<'de> for UnionVariant<'a, 'p, 'de> {
    type Error = DecodeError;
    type Variant = At<'a, 'p, 'de>;

    fn variant_seed<V: DeserializeSeed<'de>>(
        self,
        seed: V,
    ) -> Result<(V::Value, Self::Variant), DecodeError> {
        Ok((seed.deserialize(Key(self.name))?, self.at))
    }
}

impl<'de> de::VariantAccess<'de> for At<'_, '_, 'de> {
    type Error = DecodeError;

    fn unit_variant(self) -> Result<(), DecodeError> {
        match self.node {
            Node::Null => Ok(()),
            node => Err(mismatch("null for a unit variant", node)),
        }
    }

    fn newtype_variant_seed<T: DeserializeSeed<'de>>(
        self,
        seed: T,
    ) -> Result<T::Value, DecodeError> {
        seed.deserialize(self)
    }

    fn tuple_variant<V: Visitor<'de>>(
        self,
        len: usize,
        visitor: V,
    ) -> Result<V::Value, DecodeError> {
        de::Deserializer::deserialize_tuple(self, len, visitor)
    }

    fn struct_variant<V: Visitor<'de>>(
        self,
        fields: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, DecodeError> {
        de::Deserializer::deserialize_struct(self, "", fields, visitor)
    }
}

/// A serde enum from a record whose first field, `type`, names the variant and whose second
/// holds its content (apache-avro's convention for enums with data).
struct RecordVariant<'a, 'p, 'de> {
    de: &'a mut Decoder<'p, 'de>,
    fields: &'p [Field],
}

impl<'a, 'p, 'de> de::EnumAccess<'de> for RecordVariant<'a, 'p, 'de> {
    type Error = DecodeError;
    type Variant = RecordContent<'a, 'p, 'de>;

    fn variant_seed<V: DeserializeSeed<'de>>(
        self,
        seed: V,
    ) -> Result<(V::Value, Self::Variant), DecodeError> {
        let Some((first, rest)) = self.fields.split_first() else {
            return Err(de::Error::custom(
                "a record without fields names no variant",
            ));
        };
        let named_type = first.name == "type";
        let at = At {
            de: &mut *self.de,
            node: &first.node,
        };
        let variant = at.read(|de, node| match node {
            Node::String if named_type => seed.deserialize(Key(de.string()?)),
            Node::Enum(symbols) if named_type => seed.deserialize(Key(de.symbol(symbols)?)),
            Node::String => Err(de::Error::custom(format_args!(
                "expected a first field named 'type', got '{}'",
                first.name
            ))),
            node => Err(mismatch("a string or enum naming the variant", node)),
        })?;
        Ok((variant, RecordContent { de: self.de, rest }))
    }
}

/// The fields after `type` of a record read as an enum: the second is the variant's content.
struct RecordContent<'a, 'p, 'de> {
    de: &'a mut Decoder<'p, 'de>,
    rest: &'p [Field],
}

impl<'p, 'de> RecordContent<'_, 'p, 'de> {
    /// Reads the content with `read`, then the fields after it.
    fn content<R>(
        self,
        wanted: &str,
        read: impl FnOnce(At<'_, 'p, 'de>) -> Result<R, DecodeError>,
    ) -> Result<R, DecodeError> {
        let Some((content, after)) = self.rest.split_first() else {
            return Err(de::Error::custom(format_args!(
                "expected {wanted} variant's content in a second field"
            )));
        };
        let value = read(At {
            de: &mut *self.de,
            node: &content.node,
        })?;
        self.de.skip(after)?;
        Ok(value)
    }
}

impl<'de> de::VariantAccess<'de> for RecordContent<'_, '_, 'de> {
    type Error = DecodeError;

    fn unit_variant(self) -> Result<(), DecodeError> {
        self.de.skip(self.rest)
    }

    fn newtype_variant_seed<T: DeserializeSeed<'de>>(
        self,
        seed: T,
    ) -> Result<T::Value, DecodeError> {
        self.content("a newtype", |at| seed.deserialize(at))
    }

    fn tuple_variant<V: Visitor<'de>>(
        self,
        _len: usize,
        visitor: V,
    ) -> Result<V::Value, DecodeError> {
        self.content("a tuple", |at| {
            de::Deserializer::deserialize_seq(at, visitor)
        })
    }

    fn struct_variant<V: Visitor<'de>>(
        self,
        fields: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, DecodeError> {
        self.content("a struct", |at| {
            de::Deserializer::deserialize_struct(at, "", fields, visitor)
        })
    }
}

#[cfg(test)]
mod tests {
    //! Differential tests: on datums apache-avro writes from generated values, and on the same
    //! datums with bytes changed or cut, this reader must give exactly what the `Value` route
    //! (bounds walk, apache-avro decode, `from_value`) gives, for a target that records every
    //! visit serde makes and for typed targets that use every union and enum convention.

    use std::collections::BTreeMap;

    use apache_avro::Schema;
    use apache_avro::reader::datum::GenericDatumReader;
    use apache_avro::schema::ResolvedSchema;
    use serde::Deserialize;
    use serde::de::{DeserializeOwned, MapAccess, SeqAccess, Visitor};

    use super::*;
    use crate::serdes::avro_bounds::tests::{MONEY, ORDER, Rng, parse_with, written};

    /// Whatever serde was handed, visit by visit (floats by their bits, so that NaN compares).
    #[derive(Debug, Clone, PartialEq)]
    enum Any {
        Unit,
        Bool(bool),
        I32(i32),
        I64(i64),
        F32(u32),
        F64(u64),
        Str(String),
        Bytes(Vec<u8>),
        None,
        Some(Box<Any>),
        Seq(Vec<Any>),
        Map(Vec<(Any, Any)>),
    }

    impl<'de> Deserialize<'de> for Any {
        fn deserialize<D: de::Deserializer<'de>>(deserializer: D) -> Result<Any, D::Error> {
            deserializer.deserialize_any(AnyVisitor)
        }
    }

    struct AnyVisitor;

    impl<'de> Visitor<'de> for AnyVisitor {
        type Value = Any;

        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("anything")
        }
        fn visit_unit<E>(self) -> Result<Any, E> {
            Ok(Any::Unit)
        }
        fn visit_bool<E>(self, v: bool) -> Result<Any, E> {
            Ok(Any::Bool(v))
        }
        fn visit_i32<E>(self, v: i32) -> Result<Any, E> {
            Ok(Any::I32(v))
        }
        fn visit_i64<E>(self, v: i64) -> Result<Any, E> {
            Ok(Any::I64(v))
        }
        fn visit_f32<E>(self, v: f32) -> Result<Any, E> {
            Ok(Any::F32(v.to_bits()))
        }
        fn visit_f64<E>(self, v: f64) -> Result<Any, E> {
            Ok(Any::F64(v.to_bits()))
        }
        fn visit_str<E>(self, v: &str) -> Result<Any, E> {
            Ok(Any::Str(v.to_owned()))
        }
        fn visit_bytes<E>(self, v: &[u8]) -> Result<Any, E> {
            Ok(Any::Bytes(v.to_vec()))
        }
        fn visit_none<E>(self) -> Result<Any, E> {
            Ok(Any::None)
        }
        fn visit_some<D: de::Deserializer<'de>>(self, d: D) -> Result<Any, D::Error> {
            Ok(Any::Some(Box::new(Any::deserialize(d)?)))
        }
        fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Any, A::Error> {
            let mut items = Vec::new();
            while let Some(item) = seq.next_element()? {
                items.push(item);
            }
            Ok(Any::Seq(items))
        }
        fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Any, A::Error> {
            let mut entries = Vec::new();
            while let Some(entry) = map.next_entry()? {
                entries.push(entry);
            }
            Ok(Any::Map(entries))
        }
    }

    /// Avro maps come out of apache-avro's `Value` in hash order: entries are compared sorted.
    fn sorted(any: Any) -> Any {
        match any {
            Any::Some(inner) => Any::Some(Box::new(sorted(*inner))),
            Any::Seq(items) => Any::Seq(items.into_iter().map(sorted).collect()),
            Any::Map(entries) => {
                let mut entries: Vec<(Any, Any)> = entries
                    .into_iter()
                    .map(|(k, v)| (sorted(k), sorted(v)))
                    .collect();
                entries.sort_by_cached_key(|entry| format!("{entry:?}"));
                Any::Map(entries)
            }
            other => other,
        }
    }

    /// Bytes through `deserialize_bytes`, as `serde_bytes` would ask for them.
    #[derive(Debug, PartialEq)]
    struct Blob(Vec<u8>);

    impl<'de> Deserialize<'de> for Blob {
        fn deserialize<D: de::Deserializer<'de>>(deserializer: D) -> Result<Blob, D::Error> {
            struct BlobVisitor;
            impl Visitor<'_> for BlobVisitor {
                type Value = Blob;
                fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                    f.write_str("bytes")
                }
                fn visit_bytes<E>(self, v: &[u8]) -> Result<Blob, E> {
                    Ok(Blob(v.to_vec()))
                }
            }
            deserializer.deserialize_bytes(BlobVisitor)
        }
    }

    #[derive(Debug, PartialEq, Deserialize)]
    enum Currency {
        #[serde(rename = "EUR")]
        Eur,
        #[serde(rename = "USD")]
        Usd,
        #[serde(rename = "JPY")]
        Jpy,
    }

    #[derive(Debug, PartialEq, Deserialize)]
    struct Money {
        units: i64,
        currency: Currency,
        exact: Blob,
    }

    /// A union read as a Rust enum: the union index picks the variant.
    #[derive(Debug, PartialEq, Deserialize)]
    enum Tag {
        Null,
        Text(String),
        Hash(Blob),
    }

    #[derive(Debug, PartialEq, Deserialize)]
    enum Choice {
        Nothing,
        Long(i64),
        Text(String),
        Money(Money),
    }

    /// A record read as a Rust enum: its `type` field names the variant, the next holds it.
    #[derive(Debug, PartialEq, Deserialize)]
    enum Shape {
        Circle(f64),
        Square(f64),
        Dot,
    }

    /// `ORDER` as a Rust type: every union and enum convention, and every logical type.
    #[derive(Debug, PartialEq, Deserialize)]
    struct Order {
        flag: bool,
        count: i32,
        total: i64,
        ratio: f32,
        share: f64,
        blob: Blob,
        text: String,
        nothing: (),
        hash: Blob,
        small: u64,
        price: Money,
        discounts: Vec<Money>,
        tags: BTreeMap<String, Vec<Tag>>,
        nulls: Vec<()>,
        next: Option<Box<Order>>,
        choice: Choice,
        maybe_list: Vec<i32>,
        shape: Shape,
        day: i32,
        tm: i32,
        tu: i128,
        ts_ms: i64,
        ts_us: i128,
        ts_ns: i64,
        id: String,
        fixed_id: apache_avro::Uuid,
        amount: Blob,
        wait: Blob,
        // Fields the schema has and the struct leaves out are read and ignored.
    }

    /// The same order with fields missing, renamed or of other types, which both routes refuse
    /// or accept alike.
    #[derive(Debug, PartialEq, Deserialize)]
    struct Skewed {
        text: Blob,
        blob: String,
        hash: u128,
        nothing: (),
        count: u64,
        price: BTreeMap<String, Any>,
        choice: Option<Any>,
        shape: Any,
        missing: Option<i64>,
    }

    struct Fixture {
        schema: Schema,
        all: Vec<Schema>,
        plan: Plan,
        /// Whether the `Value` route resolves every datum to the writer schema itself, as a
        /// deserializer whose reader schema equals the writer's does.
        resolve: bool,
    }

    impl Fixture {
        /// `main`, whose named types may come from `reference`.
        fn new(main: &str, reference: &str) -> Fixture {
            let (schema, all) = parse_with(main, reference);
            let resolved =
                ResolvedSchema::try_from(all.iter().collect::<Vec<_>>()).expect("names resolve");
            let plan = Plan::new(&schema, resolved.get_names());
            assert!(plan.direct(), "every type of the schema reads directly");
            Fixture {
                schema,
                all,
                plan,
                resolve: false,
            }
        }

        fn datums(&self, count: usize) -> Vec<Vec<u8>> {
            written(&self.schema, &self.all, 0x2545_f491_4f6c_dd1d, count)
        }

        /// The `Value` route: the bounds walk, apache-avro's decoder, `from_value`.
        fn via_value<T: DeserializeOwned>(&self, datum: &[u8]) -> Result<T, String> {
            self.plan.check(datum).map_err(|e| e.to_string())?;
            let refs: Vec<&Schema> = self.all.iter().collect();
            let resolved = ResolvedSchema::try_from(refs).map_err(|e| e.to_string())?;
            let value = GenericDatumReader::builder(&self.schema)
                .resolved_writer_schemata(resolved)
                .maybe_reader_schema(self.resolve.then_some(&self.schema))
                .build()
                .and_then(|reader| reader.read_value(&mut &datum[..]))
                .map_err(|e| e.to_string())?;
            apache_avro::from_value(&value).map_err(|e| e.to_string())
        }

        fn direct<T: DeserializeOwned>(&self, datum: &[u8]) -> Result<T, String> {
            from_datum(&self.plan, datum).map_err(|e| e.to_string())
        }

        /// Both routes agree on `datum`: both refuse it, or both give the same `T` (compared by
        /// `same`). Returns whether they accepted it.
        fn agree<T: DeserializeOwned + fmt::Debug>(
            &self,
            what: &str,
            datum: &[u8],
            same: impl Fn(T) -> String,
        ) -> bool {
            let theirs = self.via_value::<T>(datum);
            let ours = self.direct::<T>(datum);
            match (theirs, ours) {
                (Ok(theirs), Ok(ours)) => {
                    assert_eq!(same(theirs), same(ours), "{what}: {} bytes", datum.len());
                    true
                }
                (Err(_), Err(_)) => false,
                (theirs, ours) => {
                    panic!("{what}: the Value route gave {theirs:?}, this reader {ours:?}")
                }
            }
        }
    }

    #[test]
    fn written_datums_read_as_from_value_reads_them() {
        let fixture = Fixture::new(ORDER, MONEY);
        let mut accepted = [0; 3];
        for (case, datum) in fixture.datums(200).iter().enumerate() {
            let what = format!("case {case}");
            accepted[0] +=
                usize::from(fixture.agree(&what, datum, |any: Any| format!("{:?}", sorted(any))));
            accepted[1] +=
                usize::from(fixture.agree(&what, datum, |order: Order| format!("{order:?}")));
            accepted[2] +=
                usize::from(fixture.agree(&what, datum, |skewed: Skewed| format!("{skewed:?}")));
        }
        // Every datum reads into the recording target and the typed order; the skewed target
        // fails where its bytes are no UTF-8 string or its int is negative, and must fail alike.
        assert_eq!(accepted[..2], [200, 200]);
        assert!(accepted[2] > 10, "some skewed events read: {accepted:?}");
    }

    #[test]
    fn changed_and_cut_datums_are_refused_or_read_alike() {
        let fixture = Fixture::new(ORDER, MONEY);
        let (accepted, refused) = damaged_agree(&fixture, |what, changed| {
            fixture.agree(what, changed, |order: Order| format!("{order:?}"));
        });
        // Both outcomes came up often enough for the comparison to mean something.
        assert!(
            accepted > 100 && refused > 100,
            "{accepted} read, {refused} refused"
        );
    }

    /// Changes or cuts each of 60 written datums 40 ways; both routes must agree on each, for the
    /// recording target and for `typed`. Returns how many the recording target read and refused.
    fn damaged_agree(fixture: &Fixture, typed: impl Fn(&str, &[u8])) -> (usize, usize) {
        let mut rng = Rng(0x1234_5678_9abc_def1);
        let (mut accepted, mut refused) = (0, 0);
        for (case, datum) in fixture.datums(60).iter().enumerate() {
            for change in 0..40 {
                let mut changed = datum.clone();
                let at = rng.below(changed.len() as u64) as usize;
                match change % 4 {
                    0 => changed[at] = rng.next() as u8,
                    1 => changed[at] ^= 1 << rng.below(8),
                    2 => changed.truncate(at),
                    _ => {
                        changed.insert(at, rng.next() as u8);
                    }
                }
                let what = format!("case {case}, change {change}");
                let read = fixture.agree(&what, &changed, |any: Any| format!("{:?}", sorted(any)));
                typed(&what, &changed);
                if read {
                    accepted += 1;
                } else {
                    refused += 1;
                }
            }
        }
        (accepted, refused)
    }

    /// A reference for schemas that need none.
    const UNUSED: &str = r#"{"type": "fixed", "name": "Unused", "size": 1}"#;

    /// Self-contained (no type named twice, nothing referenced), as a reader schema is, and with no
    /// decimal and no union whose variants a value could be taken for twice.
    const TRADE: &str = r#"{"type": "record", "name": "Trade", "namespace": "acme", "fields": [
        {"name": "id", "type": "long"},
        {"name": "flag", "type": "boolean"},
        {"name": "ratio", "type": "float"},
        {"name": "note", "type": ["null", "string"]},
        {"name": "tags", "type": {"type": "map", "values": "string"}},
        {"name": "items", "type": {"type": "array", "items": {"type": "record", "name": "Item", "fields": [
            {"name": "sku", "type": "string"},
            {"name": "qty", "type": "int"},
            {"name": "kind", "type": {"type": "enum", "name": "Kind", "symbols": ["A", "B", "C"]}}
        ]}}},
        {"name": "leg", "type": ["null", "long", "string", {"type": "record", "name": "Leg", "fields": [
            {"name": "px", "type": "double"}
        ]}]},
        {"name": "hash", "type": {"type": "fixed", "name": "Hash", "size": 16}},
        {"name": "day", "type": {"type": "int", "logicalType": "date"}},
        {"name": "uid", "type": {"type": "string", "logicalType": "uuid"}},
        {"name": "wait", "type": {"type": "fixed", "name": "Wait", "size": 12, "logicalType": "duration"}}
    ]}"#;

    /// The premise of reading straight into `T` with a reader schema equal to the writer's:
    /// resolving to that schema changes no value.
    #[test]
    fn resolving_to_the_writer_schema_itself_changes_nothing() {
        let mut fixture = Fixture::new(TRADE, UNUSED);
        assert!(fixture.plan.resolves_to_itself());
        fixture.resolve = true;
        for (case, datum) in fixture.datums(200).iter().enumerate() {
            let what = format!("case {case}");
            assert!(fixture.agree(&what, datum, |any: Any| format!("{:?}", sorted(any))));
        }
        let (accepted, refused) = damaged_agree(&fixture, |_, _| {});
        assert!(
            accepted > 100 && refused > 100,
            "{accepted} read, {refused} refused"
        );
    }

    /// Where resolving to the same schema does change a value, the plan says so (and the
    /// deserializer then takes the `Value` route with a reader schema).
    #[test]
    fn schemas_that_resolution_changes_are_recognised() {
        #[derive(Debug, Deserialize)]
        struct Holder {
            u: Either,
        }
        #[derive(Debug, Deserialize)]
        enum Either {
            A { x: i32 },
            B { x: i32 },
        }
        // Two records alike: resolution takes a value of the second for the first.
        let mut twins = Fixture::new(
            r#"{"type": "record", "name": "R", "fields": [{"name": "u", "type": [
                {"type": "record", "name": "A", "fields": [{"name": "x", "type": "int"}]},
                {"type": "record", "name": "B", "fields": [{"name": "x", "type": "int"}]}
            ]}]}"#,
            UNUSED,
        );
        assert!(!twins.plan.resolves_to_itself());
        twins.resolve = true;
        let second = [2, 10];
        let resolved = twins.via_value::<Holder>(&second).expect("resolves");
        let direct = twins.direct::<Holder>(&second).expect("reads");
        assert!(matches!(resolved.u, Either::A { x: 5 }), "{resolved:?}");
        assert!(matches!(direct.u, Either::B { x: 5 }), "{direct:?}");
        // A decimal of fewer bytes than its precision needs: resolution refuses it.
        let mut decimal = Fixture::new(
            r#"{"type": "record", "name": "R", "fields": [
                {"name": "d", "type": {"type": "bytes", "logicalType": "decimal", "precision": 12, "scale": 2}}
            ]}"#,
            UNUSED,
        );
        assert!(!decimal.plan.resolves_to_itself());
        decimal.resolve = true;
        assert!(decimal.via_value::<Any>(&[2, 0x7f]).is_err());
        assert!(decimal.direct::<Any>(&[2, 0x7f]).is_ok());
    }

    #[test]
    fn an_empty_decimal_is_refused_as_apache_avro_refuses_it() {
        let fixture = Fixture::new(
            r#"{"type": "record", "name": "R", "fields": [
                {"name": "d", "type": {"type": "bytes", "logicalType": "decimal", "precision": 9, "scale": 2}}
            ]}"#,
            UNUSED,
        );
        assert!(!fixture.agree("empty", &[0], |any: Any| format!("{any:?}")));
        assert!(fixture.agree("one byte", &[2, 0x7f], |any: Any| format!("{any:?}")));
    }
}
