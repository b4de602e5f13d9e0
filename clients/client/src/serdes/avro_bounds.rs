//! A writer schema compiled for reading Avro binary, and the bounds every read obeys.
//!
//! apache-avro 0.22 reserves room for a whole array or map block as soon as it reads the block's
//! count, and a whole string or bytes value as soon as it reads its length, bounded only by its
//! process-wide allocation limit (512 MiB unless the application changes it): a few hostile bytes
//! still make it ask for hundreds of megabytes, and fill them for a block of nulls. It also recurses
//! once per level of a recursive type, with no limit, so a long enough payload can overflow the
//! stack and abort the process. Every read here goes through a [`Cursor`], which refuses a block
//! count larger than the bytes left (when items take at least one byte), more than
//! [`MAX_EMPTY_ITEMS`] zero-byte items, a length past the end, or nesting deeper than [`MAX_DEPTH`].
//!
//! A [`Plan`] is the schema compiled once: a tree of [`Node`]s whose named types sit in a table,
//! each array's smallest item size computed ahead. [`Plan::check`] walks a datum without
//! allocating, before apache-avro decodes it (what the walk lets through, apache-avro decodes with
//! memory proportional to the payload's size plus at most [`MAX_EMPTY_ITEMS`] empty values);
//! `avro_de` reads the same tree straight into serde types.

use std::collections::HashMap;
use std::fmt;

use apache_avro::Schema;
use apache_avro::schema::{InnerDecimalSchema, Name, NamesRef, UuidSchema};

/// Nesting limit of a datum (unions, arrays, maps and named types inside each other).
const MAX_DEPTH: usize = 128;
/// Items that take no bytes (nulls, empty records) a datum may hold in all.
const MAX_EMPTY_ITEMS: usize = 1 << 16;

/// A writer schema compiled for reading.
#[derive(Debug)]
pub(crate) struct Plan {
    root: Node,
    /// The named types, which [`Node::Named`] points into.
    named: Box<[Node]>,
    /// Whether `avro_de` reads every type in the schema: false when a big-decimal appears, whose
    /// conversion (apache-avro's own text form of the number) it does not copy.
    direct: bool,
    /// Whether apache-avro's resolution of a datum to this very schema surely changes nothing:
    /// no decimal (resolution refuses one with fewer bytes than its precision needs) and no union
    /// with two variants a value of one could match (resolution picks the first that matches).
    resolves_to_itself: bool,
}

/// One type of the schema, as the datum holds it.
#[derive(Debug)]
pub(crate) enum Node {
    Null,
    Boolean,
    /// Also date and time-millis.
    Int,
    /// Also the time, timestamp and local-timestamp types over long.
    Long,
    Float,
    Double,
    /// Also big-decimal (which makes the plan not [`direct`](Plan::direct)).
    Bytes,
    String,
    Fixed(usize),
    /// A decimal over fixed (its size) or bytes (`None`): two's-complement big-endian bytes.
    Decimal(Option<usize>),
    /// A uuid over a string, bytes or fixed.
    Uuid(UuidForm),
    /// A duration over a fixed of this size (apache-avro reads only 12).
    Duration(usize),
    Enum(Box<[String]>),
    Record(Box<[Field]>),
    /// The fewest bytes an item takes.
    Array {
        items: Box<Node>,
        min_item: usize,
    },
    Map(Box<Node>),
    Union(Box<[Node]>),
    /// A named type, by its index in [`Plan::named`].
    Named(usize),
    /// A reference to a type the schema does not define: no datum passes.
    Unknown,
}

/// What a uuid is written as.
#[derive(Debug, Clone, Copy)]
pub(crate) enum UuidForm {
    /// Its text.
    String,
    /// Length-prefixed bytes.
    Bytes,
    /// A fixed of this size (apache-avro reads only 16).
    Fixed(usize),
}

/// A record field.
#[derive(Debug)]
pub(crate) struct Field {
    pub(crate) name: String,
    pub(crate) node: Node,
}

impl Plan {
    /// Compiles `schema`; `names` holds every named type of it and of its references.
    pub(crate) fn new(schema: &Schema, names: &NamesRef<'_>) -> Plan {
        let mut compiler = Compiler {
            names,
            index: names
                .keys()
                .enumerate()
                .map(|(i, name)| (name, i))
                .collect(),
            direct: true,
        };
        let root = compiler.compile(schema);
        // In the map's order, which `index` numbered.
        let named = names
            .values()
            .map(|named| compiler.compile(named))
            .collect();
        let mut plan = Plan {
            root,
            named,
            direct: compiler.direct,
            resolves_to_itself: false,
        };
        plan.resolves_to_itself = std::iter::once(&plan.root)
            .chain(&plan.named)
            .all(|node| plan.unchanged_by_resolution(node));
        plan
    }

    /// See [`Plan::resolves_to_itself`].
    fn unchanged_by_resolution(&self, node: &Node) -> bool {
        match node {
            Node::Decimal(_) => false,
            Node::Record(fields) => fields
                .iter()
                .all(|field| self.unchanged_by_resolution(&field.node)),
            Node::Array { items: inner, .. } | Node::Map(inner) => {
                self.unchanged_by_resolution(inner)
            }
            Node::Union(variants) => {
                let mut families: Vec<u8> = variants
                    .iter()
                    .map(|variant| self.family(variant))
                    .collect();
                families.sort_unstable();
                families.windows(2).all(|pair| pair[0] != pair[1])
                    && variants
                        .iter()
                        .all(|variant| self.unchanged_by_resolution(variant))
            }
            // A named type's own node is checked where the table is.
            _ => true,
        }
    }

    /// Which values a node's could be taken for in a union, by apache-avro's matching (which
    /// lets numbers promote, bytes and strings stand for each other, and records match by fields).
    fn family(&self, node: &Node) -> u8 {
        match node {
            Node::Named(index) => self.named.get(*index).map_or(u8::MAX, |n| self.family(n)),
            Node::Null => 0,
            Node::Boolean => 1,
            Node::Int | Node::Long | Node::Float | Node::Double => 2,
            Node::Bytes | Node::String | Node::Uuid(_) | Node::Decimal(_) => 3,
            Node::Fixed(_) | Node::Duration(_) => 4,
            Node::Enum(_) => 5,
            Node::Record(_) => 6,
            Node::Array { .. } => 7,
            Node::Map(_) => 8,
            // Avro forbids a union directly inside another; an undefined type matches nothing.
            Node::Union(_) | Node::Unknown => u8::MAX,
        }
    }

    /// Whether `avro_de` reads datums of this schema exactly as apache-avro's `Value` would.
    pub(crate) fn direct(&self) -> bool {
        self.direct
    }

    /// Whether resolving a datum to this same schema surely leaves it as it is.
    pub(crate) fn resolves_to_itself(&self) -> bool {
        self.resolves_to_itself
    }

    pub(crate) fn root(&self) -> &Node {
        &self.root
    }

    /// Checks `bytes` as a datum of the compiled schema.
    pub(crate) fn check(&self, bytes: &[u8]) -> Result<(), Refusal> {
        let mut cursor = Cursor::new(bytes);
        self.walk(&mut cursor, &self.root, 0)
            .map_err(|Stop| cursor.refusal())
    }

    /// `node`, or the named type it points to one level deeper (a record may hold itself).
    #[inline]
    pub(crate) fn enter<'p>(
        &'p self,
        cursor: &mut Cursor<'_>,
        node: &'p Node,
        depth: usize,
    ) -> Result<(&'p Node, usize), Stop> {
        match node {
            Node::Named(index) => {
                let depth = cursor.deeper(depth)?;
                Ok((self.named.get(*index).unwrap_or(&Node::Unknown), depth))
            }
            _ => Ok((node, depth)),
        }
    }

    fn walk(&self, cursor: &mut Cursor<'_>, node: &Node, depth: usize) -> Result<(), Stop> {
        let (node, depth) = self.enter(cursor, node, depth)?;
        match node {
            Node::Null => Ok(()),
            Node::Boolean => cursor.take(1).map(drop),
            Node::Float => cursor.take(4).map(drop),
            Node::Double => cursor.take(8).map(drop),
            Node::Fixed(n)
            | Node::Decimal(Some(n))
            | Node::Duration(n)
            | Node::Uuid(UuidForm::Fixed(n)) => cursor.take(*n).map(drop),
            Node::Int | Node::Long | Node::Enum(_) => cursor.long().map(drop),
            Node::Bytes
            | Node::String
            | Node::Decimal(None)
            | Node::Uuid(UuidForm::String | UuidForm::Bytes) => cursor.length_prefixed().map(drop),
            Node::Record(fields) => fields
                .iter()
                .try_for_each(|field| self.walk(cursor, &field.node, depth)),
            Node::Union(variants) => {
                let (_, variant) = cursor.variant(variants)?;
                let depth = cursor.deeper(depth)?;
                self.walk(cursor, variant, depth)
            }
            Node::Array { items, min_item } => {
                let depth = cursor.deeper(depth)?;
                while let count @ 1.. = cursor.block(*min_item)? {
                    for _ in 0..count {
                        self.walk(cursor, items, depth)?;
                    }
                }
                Ok(())
            }
            Node::Map(values) => {
                let depth = cursor.deeper(depth)?;
                while let count @ 1.. = cursor.block(1)? {
                    for _ in 0..count {
                        cursor.length_prefixed()?;
                        self.walk(cursor, values, depth)?;
                    }
                }
                Ok(())
            }
            Node::Named(_) | Node::Unknown => Err(cursor.refuse(Refusal::Unknown)),
        }
    }
}

struct Compiler<'a> {
    names: &'a NamesRef<'a>,
    index: HashMap<&'a Name, usize>,
    direct: bool,
}

impl Compiler<'_> {
    fn compile(&mut self, schema: &Schema) -> Node {
        match schema {
            Schema::Null => Node::Null,
            Schema::Boolean => Node::Boolean,
            Schema::Int | Schema::Date | Schema::TimeMillis => Node::Int,
            Schema::Long
            | Schema::TimeMicros
            | Schema::TimestampMillis
            | Schema::TimestampMicros
            | Schema::TimestampNanos
            | Schema::LocalTimestampMillis
            | Schema::LocalTimestampMicros
            | Schema::LocalTimestampNanos => Node::Long,
            Schema::Float => Node::Float,
            Schema::Double => Node::Double,
            Schema::Bytes => Node::Bytes,
            Schema::String => Node::String,
            Schema::Fixed(fixed) => Node::Fixed(fixed.size),
            Schema::Enum(schema) => Node::Enum(schema.symbols.clone().into_boxed_slice()),
            Schema::Record(record) => Node::Record(
                record
                    .fields
                    .iter()
                    .map(|field| Field {
                        name: field.name.clone(),
                        node: self.compile(&field.schema),
                    })
                    .collect(),
            ),
            Schema::Array(array) => Node::Array {
                items: Box::new(self.compile(&array.items)),
                min_item: min_size(&array.items, self.names, 0),
            },
            Schema::Map(map) => Node::Map(Box::new(self.compile(&map.types))),
            Schema::Union(union) => Node::Union(
                union
                    .variants()
                    .iter()
                    .map(|variant| self.compile(variant))
                    .collect(),
            ),
            Schema::Ref { name } => match self.index.get(name) {
                Some(&index) => Node::Named(index),
                None => Node::Unknown,
            },
            Schema::Decimal(decimal) => Node::Decimal(match &decimal.inner {
                InnerDecimalSchema::Fixed(fixed) => Some(fixed.size),
                InnerDecimalSchema::Bytes => None,
            }),
            Schema::Uuid(UuidSchema::String) => Node::Uuid(UuidForm::String),
            Schema::Uuid(UuidSchema::Bytes) => Node::Uuid(UuidForm::Bytes),
            Schema::Uuid(UuidSchema::Fixed(fixed)) => Node::Uuid(UuidForm::Fixed(fixed.size)),
            Schema::Duration(fixed) => Node::Duration(fixed.size),
            // apache-avro reads it into its own number type; only the walk takes it.
            Schema::BigDecimal => {
                self.direct = false;
                Node::Bytes
            }
        }
    }
}

/// The fewest bytes a datum of `schema` takes (0 where unsure, which only tightens the empty-item budget).
fn min_size(schema: &Schema, names: &NamesRef<'_>, depth: usize) -> usize {
    if depth > 16 {
        return 0;
    }
    match schema {
        Schema::Null => 0,
        Schema::Float => 4,
        Schema::Double => 8,
        Schema::Fixed(fixed) | Schema::Uuid(UuidSchema::Fixed(fixed)) | Schema::Duration(fixed) => {
            fixed.size
        }
        Schema::Decimal(decimal) => match &decimal.inner {
            InnerDecimalSchema::Fixed(fixed) => fixed.size,
            InnerDecimalSchema::Bytes => 1,
        },
        Schema::Record(record) => record
            .fields
            .iter()
            .map(|field| min_size(&field.schema, names, depth + 1))
            .fold(0, usize::saturating_add),
        Schema::Ref { name } => names
            .get(name)
            .map_or(0, |named| min_size(named, names, depth + 1)),
        _ => 1,
    }
}

/// Why a datum was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Refusal {
    /// A length or fixed size runs past the end.
    Truncated {
        needed: usize,
        at: usize,
        left: usize,
    },
    /// A varint is cut off by the end or longer than 10 bytes.
    Varint { at: usize },
    /// A string or bytes length is negative.
    NegativeLength(i64),
    /// A union index names no variant.
    UnionIndex(i64),
    /// A block announces more items than the bytes left can hold.
    Block { count: u64, at: usize, left: usize },
    /// More zero-byte items than [`MAX_EMPTY_ITEMS`].
    EmptyItems,
    /// Nesting deeper than [`MAX_DEPTH`].
    Depth,
    /// The schema refers to a type it does not define.
    Unknown,
    /// A boolean byte other than 0 or 1 (only reading checks it).
    Boolean { byte: u8, at: usize },
    /// An int or enum index outside 32 bits (only reading checks it).
    Int(i64),
    /// An enum index past the symbols (only reading checks it).
    EnumIndex(i64),
    /// A string or map key that is not UTF-8 (only reading checks it).
    Utf8 { at: usize },
}

impl fmt::Display for Refusal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match *self {
            Refusal::Truncated { needed, at, left } => {
                write!(f, "{needed} bytes needed at offset {at}, {left} left")
            }
            Refusal::Varint { at } => {
                write!(f, "truncated or overlong varint at offset {at}")
            }
            Refusal::NegativeLength(len) => write!(f, "negative length {len}"),
            Refusal::UnionIndex(index) => write!(f, "union index {index} out of range"),
            Refusal::Block { count, at, left } => write!(
                f,
                "block of {count} items at offset {at} cannot fit in {left} bytes"
            ),
            Refusal::EmptyItems => write!(f, "more than {MAX_EMPTY_ITEMS} empty items"),
            Refusal::Depth => write!(f, "nesting deeper than {MAX_DEPTH}"),
            Refusal::Unknown => f.write_str("the schema refers to a type it does not define"),
            Refusal::Boolean { byte, at } => {
                write!(f, "boolean byte {byte:#04x} at offset {at}")
            }
            Refusal::Int(value) => write!(f, "int {value} out of 32-bit range"),
            Refusal::EnumIndex(index) => write!(f, "enum index {index} out of range"),
            Refusal::Utf8 { at } => write!(f, "string at offset {at} is not UTF-8"),
        }
    }
}

impl std::error::Error for Refusal {}

/// A read stopped; why is in the cursor. Kept empty so that results fit in registers.
pub(crate) struct Stop;

/// A position in a datum, and the budgets every read through it draws on.
pub(crate) struct Cursor<'de> {
    bytes: &'de [u8],
    pos: usize,
    empty_items: usize,
    refusal: Option<Refusal>,
}

impl<'de> Cursor<'de> {
    pub(crate) fn new(bytes: &'de [u8]) -> Cursor<'de> {
        Cursor {
            bytes,
            pos: 0,
            empty_items: 0,
            refusal: None,
        }
    }

    /// Why the last read stopped.
    pub(crate) fn refusal(&mut self) -> Refusal {
        self.refusal.take().unwrap_or(Refusal::Unknown)
    }

    #[cold]
    fn refuse(&mut self, refusal: Refusal) -> Stop {
        self.refusal = Some(refusal);
        Stop
    }

    fn remaining(&self) -> usize {
        self.bytes.len().saturating_sub(self.pos)
    }

    /// The next `n` bytes.
    #[inline]
    pub(crate) fn take(&mut self, n: usize) -> Result<&'de [u8], Stop> {
        match self.bytes.get(self.pos..).and_then(|rest| rest.get(..n)) {
            Some(taken) => {
                self.pos += n;
                Ok(taken)
            }
            None => {
                let (at, left) = (self.pos, self.remaining());
                Err(self.refuse(Refusal::Truncated {
                    needed: n,
                    at,
                    left,
                }))
            }
        }
    }

    /// The next `N` bytes, as an array.
    #[inline]
    pub(crate) fn array<const N: usize>(&mut self) -> Result<[u8; N], Stop> {
        let taken = self.take(N)?;
        Ok(taken.try_into().unwrap_or([0; N]))
    }

    /// A zig-zag varint of at most 10 bytes.
    #[inline]
    pub(crate) fn long(&mut self) -> Result<i64, Stop> {
        let mut raw: u64 = 0;
        for i in 0..10 {
            let Some(&byte) = self.bytes.get(self.pos) else {
                break;
            };
            self.pos += 1;
            raw |= u64::from(byte & 0x7f) << (7 * i);
            if byte & 0x80 == 0 {
                return Ok(((raw >> 1) as i64) ^ -((raw & 1) as i64));
            }
        }
        let at = self.pos;
        Err(self.refuse(Refusal::Varint { at }))
    }

    /// A varint that must fit 32 bits.
    #[inline]
    pub(crate) fn int(&mut self) -> Result<i32, Stop> {
        let value = self.long()?;
        i32::try_from(value).map_err(|_| self.refuse(Refusal::Int(value)))
    }

    /// A length, then that many bytes.
    #[inline]
    pub(crate) fn length_prefixed(&mut self) -> Result<&'de [u8], Stop> {
        let len = self.long()?;
        let len = usize::try_from(len).map_err(|_| self.refuse(Refusal::NegativeLength(len)))?;
        self.take(len)
    }

    /// A length-prefixed UTF-8 string.
    #[inline]
    pub(crate) fn string(&mut self) -> Result<&'de str, Stop> {
        let at = self.pos;
        let bytes = self.length_prefixed()?;
        std::str::from_utf8(bytes).map_err(|_| self.refuse(Refusal::Utf8 { at }))
    }

    /// A union index, and the variant it names.
    #[inline]
    pub(crate) fn variant<'p>(&mut self, variants: &'p [Node]) -> Result<(usize, &'p Node), Stop> {
        let index = self.long()?;
        usize::try_from(index)
            .ok()
            .and_then(|i| Some((i, variants.get(i)?)))
            .ok_or_else(|| self.refuse(Refusal::UnionIndex(index)))
    }

    /// The offset of the next byte.
    pub(crate) fn position(&self) -> usize {
        self.pos
    }

    /// One level deeper than `depth`, unless that is too deep.
    #[inline]
    pub(crate) fn deeper(&mut self, depth: usize) -> Result<usize, Stop> {
        if depth >= MAX_DEPTH {
            return Err(self.refuse(Refusal::Depth));
        }
        Ok(depth + 1)
    }

    /// The item count of the next array or map block, 0 at the end (a negative count is followed
    /// by the block's byte size, which is read and ignored); refused when the items, of at least
    /// `min_item` bytes each, cannot fit in the bytes left or exhaust the empty-item budget.
    #[inline]
    pub(crate) fn block(&mut self, min_item: usize) -> Result<u64, Stop> {
        let count = self.long()?;
        if count == 0 {
            return Ok(0);
        }
        if count < 0 {
            self.long()?;
        }
        let (at, left) = (self.pos, self.remaining());
        let count = count.unsigned_abs();
        match left.checked_div(min_item) {
            // Items of zero bytes: bounded by the budget for the whole datum.
            None => {
                let total = usize::try_from(count)
                    .ok()
                    .and_then(|count| self.empty_items.checked_add(count))
                    .filter(|&total| total <= MAX_EMPTY_ITEMS);
                self.empty_items = total.ok_or_else(|| self.refuse(Refusal::EmptyItems))?;
            }
            Some(most) if count > u64::try_from(most).unwrap_or(u64::MAX) => {
                return Err(self.refuse(Refusal::Block { count, at, left }));
            }
            Some(_) => {}
        }
        Ok(count)
    }
}

#[cfg(test)]
pub(crate) mod tests {
    //! The walk must never refuse a datum apache-avro writes, and must refuse every datum cut
    //! short: checked on datums that apache-avro encodes from generated values of schemas that use
    //! every kind of type, including named types defined in another (referenced) schema.

    use apache_avro::schema::{RecordSchema, ResolvedSchema};
    use apache_avro::types::Value;
    use apache_avro::writer::datum::GenericDatumWriter;
    use apache_avro::{Days, Decimal, Duration, Millis, Months, Uuid};

    use super::*;

    /// A small deterministic generator (xorshift), so every run checks the same datums.
    pub(crate) struct Rng(pub(crate) u64);

    impl Rng {
        pub(crate) fn next(&mut self) -> u64 {
            self.0 ^= self.0 << 13;
            self.0 ^= self.0 >> 7;
            self.0 ^= self.0 << 17;
            self.0
        }

        pub(crate) fn below(&mut self, n: u64) -> u64 {
            self.next() % n
        }

        fn bytes(&mut self, n: usize) -> Vec<u8> {
            (0..n).map(|_| self.next() as u8).collect()
        }
    }

    /// A value of `schema`; recursion stops choosing non-null variants past a few levels.
    pub(crate) fn sample(
        schema: &Schema,
        names: &NamesRef<'_>,
        rng: &mut Rng,
        depth: usize,
    ) -> Value {
        let len = |rng: &mut Rng| rng.below(if depth > 3 { 1 } else { 4 }) as usize;
        match schema {
            Schema::Null => Value::Null,
            Schema::Boolean => Value::Boolean(rng.below(2) == 1),
            // Shifted right by a random amount, so that varints of every length come up.
            Schema::Int => {
                let shift = rng.below(32);
                Value::Int(rng.next() as i32 >> shift)
            }
            Schema::Long => {
                let shift = rng.below(64);
                Value::Long(rng.next() as i64 >> shift)
            }
            Schema::Float => Value::Float(rng.next() as f32),
            Schema::Double => Value::Double(rng.next() as f64),
            Schema::Bytes => {
                let n = len(rng) * 30;
                Value::Bytes(rng.bytes(n))
            }
            Schema::String => Value::String("é".repeat(len(rng) * 15)),
            Schema::Fixed(fixed) => Value::Fixed(fixed.size, rng.bytes(fixed.size)),
            Schema::Enum(e) => {
                let i = rng.below(e.symbols.len() as u64) as usize;
                Value::Enum(i as u32, e.symbols[i].clone())
            }
            Schema::Array(array) => Value::Array(
                (0..len(rng) * 25)
                    .map(|_| sample(&array.items, names, rng, depth + 1))
                    .collect(),
            ),
            Schema::Map(map) => Value::Map(
                (0..len(rng))
                    .map(|i| (format!("k{i}"), sample(&map.types, names, rng, depth + 1)))
                    .collect(),
            ),
            Schema::Union(union) => {
                let variants = union.variants();
                let i = match depth {
                    0..=6 => rng.below(variants.len() as u64) as usize,
                    // Deep enough: the null variant where there is one, to end recursion.
                    _ => variants
                        .iter()
                        .position(|v| *v == Schema::Null)
                        .unwrap_or(0),
                };
                let value = sample(&variants[i], names, rng, depth + 1);
                Value::Union(i as u32, Box::new(value))
            }
            Schema::Record(RecordSchema { fields, .. }) => Value::Record(
                fields
                    .iter()
                    .map(|f| (f.name.clone(), sample(&f.schema, names, rng, depth + 1)))
                    .collect(),
            ),
            Schema::Ref { name } => sample(names[name], names, rng, depth),
            Schema::Decimal(_) => Value::Decimal(Decimal::from(rng.bytes(4))),
            Schema::Uuid(_) => {
                let high = rng.next();
                Value::Uuid(Uuid::from_u64_pair(high, rng.next()))
            }
            Schema::Date => Value::Date(rng.next() as i32),
            Schema::TimeMillis => Value::TimeMillis(rng.below(86_400_000) as i32),
            Schema::TimeMicros => Value::TimeMicros(rng.below(86_400_000_000) as i64),
            Schema::TimestampMillis => Value::TimestampMillis(rng.next() as i64),
            Schema::TimestampMicros => Value::TimestampMicros(rng.next() as i64),
            Schema::TimestampNanos => Value::TimestampNanos(rng.next() as i64),
            Schema::LocalTimestampMillis => Value::LocalTimestampMillis(rng.next() as i64),
            Schema::LocalTimestampMicros => Value::LocalTimestampMicros(rng.next() as i64),
            Schema::LocalTimestampNanos => Value::LocalTimestampNanos(rng.next() as i64),
            Schema::Duration(_) => Value::Duration(Duration::new(
                Months::new(rng.next() as u32),
                Days::new(rng.next() as u32),
                Millis::new(rng.next() as u32),
            )),
            Schema::BigDecimal => unreachable!("no big-decimal in these schemas"),
        }
    }

    /// Referenced by the main schema, as a registered reference would be.
    pub(crate) const MONEY: &str = r#"{"type": "record", "name": "Money", "namespace": "acme.common", "fields": [
        {"name": "units", "type": "long"},
        {"name": "currency", "type": {"type": "enum", "name": "Currency", "symbols": ["EUR", "USD", "JPY"]}},
        {"name": "exact", "type": {"type": "bytes", "logicalType": "decimal", "precision": 20, "scale": 4}}
    ]}"#;

    pub(crate) const ORDER: &str = r#"{"type": "record", "name": "Order", "namespace": "acme", "fields": [
        {"name": "flag", "type": "boolean"},
        {"name": "count", "type": "int"},
        {"name": "total", "type": "long"},
        {"name": "ratio", "type": "float"},
        {"name": "share", "type": "double"},
        {"name": "blob", "type": "bytes"},
        {"name": "text", "type": "string"},
        {"name": "nothing", "type": "null"},
        {"name": "hash", "type": {"type": "fixed", "name": "Hash", "size": 16}},
        {"name": "price", "type": "acme.common.Money"},
        {"name": "discounts", "type": {"type": "array", "items": "acme.common.Money"}},
        {"name": "tags", "type": {"type": "map", "values": {"type": "array", "items": ["null", "string", "acme.Hash"]}}},
        {"name": "nulls", "type": {"type": "array", "items": "null"}},
        {"name": "next", "type": ["null", "Order"]},
        {"name": "small", "type": {"type": "fixed", "name": "Small", "size": 8}},
        {"name": "choice", "type": ["null", "long", "string", "acme.common.Money"]},
        {"name": "maybe_list", "type": ["null", {"type": "array", "items": "int"}]},
        {"name": "shape", "type": {"type": "record", "name": "Shape", "fields": [
            {"name": "type", "type": {"type": "enum", "name": "ShapeKind", "symbols": ["Circle", "Square", "Dot"]}},
            {"name": "size", "type": "double"},
            {"name": "label", "type": "string"}
        ]}},
        {"name": "day", "type": {"type": "int", "logicalType": "date"}},
        {"name": "tm", "type": {"type": "int", "logicalType": "time-millis"}},
        {"name": "tu", "type": {"type": "long", "logicalType": "time-micros"}},
        {"name": "ts_ms", "type": {"type": "long", "logicalType": "timestamp-millis"}},
        {"name": "ts_us", "type": {"type": "long", "logicalType": "timestamp-micros"}},
        {"name": "ts_ns", "type": {"type": "long", "logicalType": "timestamp-nanos"}},
        {"name": "lts_ms", "type": {"type": "long", "logicalType": "local-timestamp-millis"}},
        {"name": "lts_us", "type": {"type": "long", "logicalType": "local-timestamp-micros"}},
        {"name": "lts_ns", "type": {"type": "long", "logicalType": "local-timestamp-nanos"}},
        {"name": "id", "type": {"type": "string", "logicalType": "uuid"}},
        {"name": "fixed_id", "type": {"type": "fixed", "name": "Raw16", "size": 16, "logicalType": "uuid"}},
        {"name": "amount", "type": {"type": "fixed", "name": "Amount", "size": 8, "logicalType": "decimal", "precision": 18, "scale": 2}},
        {"name": "wait", "type": {"type": "fixed", "name": "Wait", "size": 12, "logicalType": "duration"}}
    ]}"#;

    #[test]
    fn every_written_datum_passes_and_every_datum_cut_short_is_refused() {
        let (order, all) = parse_with(ORDER, MONEY);
        let resolved = ResolvedSchema::try_from(all.iter().collect::<Vec<_>>()).expect("names");
        let plan = Plan::new(&order, resolved.get_names());
        for (case, datum) in written(&order, &all, 0x9e37_79b9_7f4a_7c15, 150)
            .iter()
            .enumerate()
        {
            assert_eq!(plan.check(datum), Ok(()), "case {case}: {datum:02x?}");
            for cut in 0..datum.len() {
                assert!(
                    plan.check(&datum[..cut]).is_err(),
                    "case {case}: accepted the first {cut} of {} bytes",
                    datum.len()
                );
            }
        }
    }

    /// `main` parsed with the schema it references, and both, dependencies first (apache-avro
    /// resolves a list in order).
    pub(crate) fn parse_with(main: &str, reference: &str) -> (Schema, Vec<Schema>) {
        let (schema, references) =
            Schema::parse_str_with_list(main, [reference]).expect("the schema parses");
        let all = references.into_iter().chain([schema.clone()]).collect();
        (schema, all)
    }

    /// `count` datums apache-avro writes from values generated for `schema` (one of `all`),
    /// the same on every run for the same `seed`.
    pub(crate) fn written(
        schema: &Schema,
        all: &[Schema],
        seed: u64,
        count: usize,
    ) -> Vec<Vec<u8>> {
        let refs: Vec<&Schema> = all.iter().collect();
        let resolved = ResolvedSchema::try_from(refs.clone()).expect("names resolve");
        let writer = GenericDatumWriter::builder(schema)
            .schemata(refs)
            .expect("schemata")
            .build()
            .expect("a writer");
        let mut rng = Rng(seed);
        (0..count)
            .map(|_| {
                let value = sample(schema, resolved.get_names(), &mut rng, 0);
                writer
                    .write_value_to_vec(value)
                    .expect("apache-avro writes it")
            })
            .collect()
    }
}
