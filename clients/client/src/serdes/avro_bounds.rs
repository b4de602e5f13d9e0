//! A bounds check of an Avro binary datum against its writer schema, run before apache-avro decodes it.
//!
//! apache-avro 0.22 reserves room for a whole array or map block as soon as it reads the block's
//! count, and a whole string or bytes value as soon as it reads its length, bounded only by its
//! process-wide allocation limit (512 MiB unless the application changes it): a few hostile bytes
//! still make it ask for hundreds of megabytes, and fill them for a block of nulls. It also recurses
//! once per level of a recursive type, with no limit, so a long enough payload can overflow the
//! stack and abort the process. This walk reads the datum without allocating and refuses a block
//! count larger than the bytes left (when items take at least one byte), more than
//! [`MAX_EMPTY_ITEMS`] zero-byte items, a length past the end, or nesting deeper than [`MAX_DEPTH`].
//! What it lets through, apache-avro decodes with memory proportional to the payload's size plus at
//! most [`MAX_EMPTY_ITEMS`] empty values.
//!
//! It runs on every record, so the schema is compiled once into a [`Plan`]: records flattened into
//! their fields' steps, named types into a table, and each array's smallest item size computed ahead.

use std::collections::HashMap;
use std::fmt;

use apache_avro::Schema;
use apache_avro::schema::{InnerDecimalSchema, Name, NamesRef, UuidSchema};

/// Nesting limit of a datum (unions, arrays, maps and named types inside each other).
const MAX_DEPTH: usize = 128;
/// Items that take no bytes (nulls, empty records) a datum may hold in all.
const MAX_EMPTY_ITEMS: usize = 1 << 16;

/// A writer schema compiled for the walk.
#[derive(Debug)]
pub(crate) struct Plan {
    root: Box<[Step]>,
    /// The steps of each named type, which [`Step::Named`] points into.
    named: Box<[Box<[Step]>]>,
}

/// One value of the datum, or a record's fields in a row (a record itself has no step).
#[derive(Debug)]
enum Step {
    /// A fixed number of bytes: boolean, float, double, fixed and the logical types over it.
    Skip(usize),
    /// A zig-zag varint: int, long, enum and the logical types over them.
    Varint,
    /// A length, then that many bytes: bytes, string and the logical types over them.
    Bytes,
    /// A variant index, then that variant.
    Union(Box<[Box<[Step]>]>),
    /// Blocks of items (map items start with their string key), and the fewest bytes an item takes.
    Blocks {
        items: Box<[Step]>,
        map: bool,
        min_item: usize,
    },
    /// A named type, by its index in [`Plan::named`].
    Named(usize),
    /// A reference to a type the schema does not define: no datum passes.
    Unknown,
}

impl Plan {
    /// Compiles `schema`; `names` holds every named type of it and of its references.
    pub(crate) fn new(schema: &Schema, names: &NamesRef<'_>) -> Plan {
        let compiler = Compiler {
            names,
            index: names
                .keys()
                .enumerate()
                .map(|(i, name)| (name, i))
                .collect(),
        };
        Plan {
            root: compiler.compile(schema),
            // In the map's order, which `index` numbered.
            named: names
                .values()
                .map(|named| compiler.compile(named))
                .collect(),
        }
    }

    /// Checks `bytes` as a datum of the compiled schema.
    pub(crate) fn check(&self, bytes: &[u8]) -> Result<(), Refusal> {
        let mut walk = Walk {
            plan: self,
            bytes,
            pos: 0,
            empty_items: 0,
            refusal: None,
        };
        match walk.steps(&self.root, 0) {
            Ok(()) => Ok(()),
            Err(Stop) => Err(walk.refusal.unwrap_or(Refusal::Unknown)),
        }
    }
}

struct Compiler<'a> {
    names: &'a NamesRef<'a>,
    index: HashMap<&'a Name, usize>,
}

impl Compiler<'_> {
    fn compile(&self, schema: &Schema) -> Box<[Step]> {
        let mut steps = Vec::new();
        self.push(schema, &mut steps);
        steps.into_boxed_slice()
    }

    fn push(&self, schema: &Schema, steps: &mut Vec<Step>) {
        let step = match schema {
            Schema::Null => return,
            Schema::Record(record) => {
                for field in &record.fields {
                    self.push(&field.schema, steps);
                }
                return;
            }
            Schema::Boolean => Step::Skip(1),
            Schema::Float => Step::Skip(4),
            Schema::Double => Step::Skip(8),
            Schema::Fixed(fixed)
            | Schema::Uuid(UuidSchema::Fixed(fixed))
            | Schema::Duration(fixed)
            | Schema::Decimal(apache_avro::schema::DecimalSchema {
                inner: InnerDecimalSchema::Fixed(fixed),
                ..
            }) => Step::Skip(fixed.size),
            Schema::Int
            | Schema::Long
            | Schema::Enum(_)
            | Schema::Date
            | Schema::TimeMillis
            | Schema::TimeMicros
            | Schema::TimestampMillis
            | Schema::TimestampMicros
            | Schema::TimestampNanos
            | Schema::LocalTimestampMillis
            | Schema::LocalTimestampMicros
            | Schema::LocalTimestampNanos => Step::Varint,
            Schema::Bytes
            | Schema::String
            | Schema::Uuid(UuidSchema::Bytes | UuidSchema::String)
            | Schema::BigDecimal
            | Schema::Decimal(_) => Step::Bytes,
            Schema::Union(union) => Step::Union(
                union
                    .variants()
                    .iter()
                    .map(|variant| self.compile(variant))
                    .collect(),
            ),
            Schema::Array(array) => Step::Blocks {
                items: self.compile(&array.items),
                map: false,
                min_item: min_size(&array.items, self.names, 0),
            },
            // A map item takes at least its key's length byte.
            Schema::Map(map) => Step::Blocks {
                items: self.compile(&map.types),
                map: true,
                min_item: 1,
            },
            Schema::Ref { name } => match self.index.get(name) {
                Some(&index) => Step::Named(index),
                None => Step::Unknown,
            },
        };
        steps.push(step);
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
        }
    }
}

impl std::error::Error for Refusal {}

/// The walk stopped; why is in [`Walk::refusal`]. Kept empty so that results fit in registers.
struct Stop;

struct Walk<'a> {
    plan: &'a Plan,
    bytes: &'a [u8],
    pos: usize,
    empty_items: usize,
    refusal: Option<Refusal>,
}

impl Walk<'_> {
    fn refuse(&mut self, refusal: Refusal) -> Stop {
        self.refusal = Some(refusal);
        Stop
    }

    fn remaining(&self) -> usize {
        self.bytes.len().saturating_sub(self.pos)
    }

    #[inline]
    fn skip(&mut self, n: usize) -> Result<(), Stop> {
        let left = self.remaining();
        if n > left {
            let at = self.pos;
            return Err(self.refuse(Refusal::Truncated {
                needed: n,
                at,
                left,
            }));
        }
        self.pos += n;
        Ok(())
    }

    /// A zig-zag varint of at most 10 bytes.
    #[inline]
    fn long(&mut self) -> Result<i64, Stop> {
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

    /// A length, then that many bytes.
    #[inline]
    fn length_prefixed(&mut self) -> Result<(), Stop> {
        let len = self.long()?;
        let len = usize::try_from(len).map_err(|_| self.refuse(Refusal::NegativeLength(len)))?;
        self.skip(len)
    }

    fn steps(&mut self, steps: &[Step], depth: usize) -> Result<(), Stop> {
        for step in steps {
            match step {
                Step::Skip(n) => self.skip(*n)?,
                Step::Varint => {
                    self.long()?;
                }
                Step::Bytes => self.length_prefixed()?,
                Step::Union(variants) => {
                    let index = self.long()?;
                    let variant = usize::try_from(index)
                        .ok()
                        .and_then(|i| variants.get(i))
                        .ok_or_else(|| self.refuse(Refusal::UnionIndex(index)))?;
                    self.nested(variant, depth)?;
                }
                Step::Blocks {
                    items,
                    map,
                    min_item,
                } => self.blocks(items, *map, *min_item, depth)?,
                Step::Named(index) => {
                    let plan = self.plan;
                    let named = plan.named.get(*index).ok_or(Stop)?;
                    self.nested(named, depth)?;
                }
                Step::Unknown => return Err(self.refuse(Refusal::Unknown)),
            }
        }
        Ok(())
    }

    /// Steps one level down; a single leaf (the usual array item or non-null variant) is walked
    /// here, as it cannot nest any further.
    #[inline]
    fn nested(&mut self, steps: &[Step], depth: usize) -> Result<(), Stop> {
        match steps {
            [] => Ok(()),
            [Step::Bytes] => self.length_prefixed(),
            [Step::Varint] => self.long().map(drop),
            [Step::Skip(n)] => self.skip(*n),
            _ if depth >= MAX_DEPTH => Err(self.refuse(Refusal::Depth)),
            _ => self.steps(steps, depth + 1),
        }
    }

    /// Array or map blocks: a count (negative: followed by the block's byte size), items, until a zero count.
    fn blocks(
        &mut self,
        items: &[Step],
        map: bool,
        min_item: usize,
        depth: usize,
    ) -> Result<(), Stop> {
        loop {
            let count = self.long()?;
            if count == 0 {
                return Ok(());
            }
            if count < 0 {
                self.long()?;
            }
            let at = self.pos;
            let left = self.remaining();
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
            for _ in 0..count {
                if map {
                    self.length_prefixed()?;
                }
                self.nested(items, depth)?;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    //! The walk must never refuse a datum apache-avro writes, and must refuse every datum cut
    //! short: checked on datums that apache-avro encodes from generated values of schemas that use
    //! every kind of type, including named types defined in another (referenced) schema.

    use apache_avro::schema::{RecordSchema, ResolvedSchema};
    use apache_avro::types::Value;
    use apache_avro::writer::datum::GenericDatumWriter;
    use apache_avro::{Days, Decimal, Duration, Millis, Months, Uuid};

    use super::*;

    /// A small deterministic generator (xorshift), so every run checks the same datums.
    struct Rng(u64);

    impl Rng {
        fn next(&mut self) -> u64 {
            self.0 ^= self.0 << 13;
            self.0 ^= self.0 >> 7;
            self.0 ^= self.0 << 17;
            self.0
        }

        fn below(&mut self, n: u64) -> u64 {
            self.next() % n
        }

        fn bytes(&mut self, n: usize) -> Vec<u8> {
            (0..n).map(|_| self.next() as u8).collect()
        }
    }

    /// A value of `schema`; recursion stops choosing non-null variants past a few levels.
    fn sample(schema: &Schema, names: &NamesRef<'_>, rng: &mut Rng, depth: usize) -> Value {
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
    const MONEY: &str = r#"{"type": "record", "name": "Money", "namespace": "acme.common", "fields": [
        {"name": "units", "type": "long"},
        {"name": "currency", "type": {"type": "enum", "name": "Currency", "symbols": ["EUR", "USD", "JPY"]}},
        {"name": "exact", "type": {"type": "bytes", "logicalType": "decimal", "precision": 20, "scale": 4}}
    ]}"#;

    const ORDER: &str = r#"{"type": "record", "name": "Order", "namespace": "acme", "fields": [
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
        let (order, references) =
            Schema::parse_str_with_list(ORDER, [MONEY]).expect("Order parses with its reference");
        // Dependencies first: apache-avro resolves a list in order.
        let all: Vec<&Schema> = references.iter().chain([&order]).collect();
        let resolved = ResolvedSchema::try_from(all.clone()).expect("names resolve");
        let names = resolved.get_names();
        let plan = Plan::new(&order, names);
        let writer = GenericDatumWriter::builder(&order)
            .schemata(all)
            .expect("schemata")
            .build()
            .expect("a writer");
        let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
        for case in 0..150 {
            let value = sample(&order, names, &mut rng, 0);
            let datum = writer
                .write_value_to_vec(value)
                .expect("apache-avro writes it");
            assert_eq!(plan.check(&datum), Ok(()), "case {case}: {datum:02x?}");
            for cut in 0..datum.len() {
                assert!(
                    plan.check(&datum[..cut]).is_err(),
                    "case {case}: accepted the first {cut} of {} bytes",
                    datum.len()
                );
            }
        }
    }
}
