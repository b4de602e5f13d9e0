//! A bounds check of an Avro binary datum against its writer schema, run before apache-avro decodes it.
//!
//! apache-avro 0.21 reserves room for a whole array or map block as soon as it reads the block's
//! count, bounded only by its 512 MiB byte limit taken as an item count, so a few hostile bytes can
//! make it ask for tens of gigabytes and abort the process; and it recurses once per level of a
//! recursive type, so a long enough payload can overflow the stack. This walk reads the datum
//! without allocating and refuses a block count larger than the bytes left (when items take at least
//! one byte), more than [`MAX_EMPTY_ITEMS`] zero-byte items, a length past the end, or nesting
//! deeper than [`MAX_DEPTH`]. What it lets through, apache-avro decodes with bounded memory.

use std::collections::HashMap;

use apache_avro::Schema;
use apache_avro::schema::Name;

/// Nesting limit of a datum (records, unions, arrays and maps inside each other).
const MAX_DEPTH: usize = 128;
/// Items that take no bytes (nulls, empty records) a datum may hold in all.
const MAX_EMPTY_ITEMS: usize = 1 << 16;

/// Checks `bytes` as a datum of `schema`; `names` resolves named-type references.
pub(crate) fn check(
    schema: &Schema,
    names: &HashMap<Name, Schema>,
    bytes: &[u8],
) -> Result<(), String> {
    let mut walk = Walk {
        names,
        bytes,
        pos: 0,
        empty_items: 0,
    };
    walk.datum(schema, 0)
}

struct Walk<'a> {
    names: &'a HashMap<Name, Schema>,
    bytes: &'a [u8],
    pos: usize,
    empty_items: usize,
}

impl Walk<'_> {
    fn remaining(&self) -> usize {
        self.bytes.len().saturating_sub(self.pos)
    }

    fn skip(&mut self, n: usize) -> Result<(), String> {
        if n > self.remaining() {
            return Err(format!(
                "{n} bytes needed at offset {}, {} left",
                self.pos,
                self.remaining()
            ));
        }
        self.pos += n;
        Ok(())
    }

    /// A zig-zag varint of at most 10 bytes.
    fn long(&mut self) -> Result<i64, String> {
        let mut raw: u64 = 0;
        for i in 0..10 {
            let byte = *self
                .bytes
                .get(self.pos)
                .ok_or_else(|| format!("truncated varint at offset {}", self.pos))?;
            self.pos += 1;
            raw |= u64::from(byte & 0x7f) << (7 * i);
            if byte & 0x80 == 0 {
                return Ok(((raw >> 1) as i64) ^ -((raw & 1) as i64));
            }
        }
        Err(format!(
            "varint longer than 10 bytes at offset {}",
            self.pos
        ))
    }

    fn length(&mut self) -> Result<usize, String> {
        let len = self.long()?;
        usize::try_from(len).map_err(|_| format!("negative length {len}"))
    }

    fn datum(&mut self, schema: &Schema, depth: usize) -> Result<(), String> {
        if depth > MAX_DEPTH {
            return Err(format!("nesting deeper than {MAX_DEPTH}"));
        }
        match schema {
            Schema::Null => Ok(()),
            Schema::Boolean => self.skip(1),
            Schema::Int
            | Schema::Long
            | Schema::Date
            | Schema::TimeMillis
            | Schema::TimeMicros
            | Schema::TimestampMillis
            | Schema::TimestampMicros
            | Schema::TimestampNanos
            | Schema::LocalTimestampMillis
            | Schema::LocalTimestampMicros
            | Schema::LocalTimestampNanos => self.long().map(drop),
            Schema::Float => self.skip(4),
            Schema::Double => self.skip(8),
            Schema::Bytes | Schema::String | Schema::Uuid | Schema::BigDecimal => {
                let len = self.length()?;
                self.skip(len)
            }
            Schema::Fixed(fixed) => self.skip(fixed.size),
            Schema::Duration => self.skip(12),
            Schema::Decimal(decimal) => self.datum(&decimal.inner, depth + 1),
            Schema::Enum(_) => self.long().map(drop),
            Schema::Union(union) => {
                let index = self.long()?;
                let variant = usize::try_from(index)
                    .ok()
                    .and_then(|i| union.variants().get(i))
                    .ok_or_else(|| format!("union index {index} out of range"))?;
                self.datum(variant, depth + 1)
            }
            Schema::Record(record) => record
                .fields
                .iter()
                .try_for_each(|field| self.datum(&field.schema, depth + 1)),
            Schema::Array(array) => self.blocks(&array.items, false, depth),
            Schema::Map(map) => self.blocks(&map.types, true, depth),
            Schema::Ref { name } => {
                let names = self.names;
                let named = names
                    .get(name)
                    .ok_or_else(|| format!("unknown named type {}", name.fullname(None)))?;
                self.datum(named, depth + 1)
            }
        }
    }

    /// Array or map blocks: a count (negative: followed by the block's byte size), items, until a zero count.
    fn blocks(&mut self, items: &Schema, map: bool, depth: usize) -> Result<(), String> {
        // Map keys are strings, so a map item takes at least its key's length byte.
        let min_item = if map {
            1
        } else {
            min_size(items, self.names, 0)
        };
        loop {
            let count = self.long()?;
            if count == 0 {
                return Ok(());
            }
            if count < 0 {
                self.long()?;
            }
            let count = usize::try_from(count.unsigned_abs())
                .map_err(|_| format!("block count {count} out of range"))?;
            if min_item == 0 {
                self.empty_items = self.empty_items.saturating_add(count);
                if self.empty_items > MAX_EMPTY_ITEMS {
                    return Err(format!("more than {MAX_EMPTY_ITEMS} empty items"));
                }
            } else if count > self.remaining() / min_item {
                return Err(format!(
                    "block of {count} items at offset {} cannot fit in {} bytes",
                    self.pos,
                    self.remaining()
                ));
            }
            for _ in 0..count {
                if map {
                    self.datum(&Schema::String, depth + 1)?;
                }
                self.datum(items, depth + 1)?;
            }
        }
    }
}

/// The fewest bytes a datum of `schema` takes (0 where unsure, which only tightens the empty-item budget).
fn min_size(schema: &Schema, names: &HashMap<Name, Schema>, depth: usize) -> usize {
    if depth > 16 {
        return 0;
    }
    match schema {
        Schema::Null => 0,
        Schema::Float => 4,
        Schema::Double => 8,
        Schema::Fixed(fixed) => fixed.size,
        Schema::Duration => 12,
        Schema::Decimal(decimal) => min_size(&decimal.inner, names, depth + 1),
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
