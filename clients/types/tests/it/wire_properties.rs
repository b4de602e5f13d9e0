//! Randomized properties of the wire format: framing round-trips for arbitrary ids, GUIDs, index
//! lists and payloads, and the decoder never panics on arbitrary, truncated or hostile bytes.
//!
//! A seeded xorshift generator stands in for `proptest`, so the crate keeps serde as its only
//! dependency and every run checks the same cases (a failure prints the seed and input to replay).

use accord_types::wire::{
    Framed, Layout, MAX_MESSAGE_INDEXES, WireError, WireSchemaId, decode, decode_header,
    header_value, prefix_len, write_prefix,
};
use accord_types::{SchemaGuid, SchemaId};

const CASES: u64 = 20_000;

/// xorshift64*: small, fast, and good enough to spread inputs over the interesting edges.
struct Rng(u64);

impl Rng {
    fn new(seed: u64) -> Rng {
        Rng(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1)
    }

    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }

    fn bytes(&mut self, len: usize) -> Vec<u8> {
        (0..len).map(|_| self.next() as u8).collect()
    }

    /// Fewer than `max` random bytes.
    fn some_bytes(&mut self, max: u64) -> Vec<u8> {
        let len = self.below(max) as usize;
        self.bytes(len)
    }

    /// Mostly small indexes (as real schemas have), sometimes any `i32`.
    fn index(&mut self) -> i32 {
        match self.below(4) {
            0 => self.next() as i32,
            1 => self.below(300) as i32,
            _ => self.below(8) as i32,
        }
    }

    fn schema(&mut self) -> WireSchemaId {
        if self.below(2) == 0 {
            let id = match self.below(3) {
                0 => self.below(10) as u32,
                1 => i32::MAX as u32 - self.below(10) as u32,
                _ => self.next() as u32 & 0x7fff_ffff,
            };
            WireSchemaId::Id(SchemaId::new(id).expect("below i32::MAX"))
        } else {
            let mut guid = [0u8; 16];
            guid.copy_from_slice(&self.bytes(16));
            WireSchemaId::Guid(SchemaGuid(guid))
        }
    }

    fn indexes(&mut self) -> Option<Vec<i32>> {
        match self.below(3) {
            0 => None,
            1 => Some(vec![0]),
            _ => {
                let len = 1 + self.below(MAX_MESSAGE_INDEXES as u64) as usize;
                Some((0..len).map(|_| self.index()).collect())
            }
        }
    }
}

#[test]
fn prefix_framing_round_trips() {
    let mut rng = Rng::new(1);
    for case in 0..CASES {
        let schema = rng.schema();
        let indexes = rng.indexes();
        let payload_len = rng.below(48) as usize;
        let payload = rng.bytes(payload_len);

        let mut out = rng.some_bytes(4);
        let before = out.len();
        write_prefix(&mut out, schema, indexes.as_deref());
        assert_eq!(
            out.len() - before,
            prefix_len(schema, indexes.as_deref()),
            "case {case}: prefix_len disagrees with write_prefix"
        );
        out.extend_from_slice(&payload);

        let framed = |layout| decode(&out[before..], layout);
        assert_round_trip(framed, schema, indexes.as_deref(), &payload, case);
    }
}

#[test]
fn header_framing_round_trips() {
    let mut rng = Rng::new(2);
    for case in 0..CASES {
        let schema = rng.schema();
        let indexes = rng.indexes();
        let record = rng.some_bytes(32);
        let value = header_value(schema, indexes.as_deref());
        let framed = |layout| decode_header(&value, &record, layout);
        assert_round_trip(framed, schema, indexes.as_deref(), &record, case);
    }
}

/// Decodes what was written (`decode`, in the layout that `indexes` call for) and checks that the
/// frame gives back the schema, the message indexes and the payload.
fn assert_round_trip<'a>(
    decode: impl FnOnce(Layout) -> Result<Framed<'a>, WireError>,
    schema: WireSchemaId,
    indexes: Option<&[i32]>,
    payload: &[u8],
    case: u64,
) {
    let layout = if indexes.is_some() {
        Layout::Protobuf
    } else {
        Layout::Plain
    };
    let framed =
        decode(layout).unwrap_or_else(|err| panic!("case {case}: {schema:?} {indexes:?}: {err}"));
    assert_eq!(framed.schema, schema, "case {case}");
    assert_eq!(
        framed.message_indexes.map(|m| m.to_vec()).as_deref(),
        indexes,
        "case {case}"
    );
    assert_eq!(framed.payload, payload, "case {case}");
}

/// What every successful decode must satisfy: the payload is the input's tail and the index list is bounded.
fn check_decoded(bytes: &[u8], layout: Layout, context: &str) {
    match decode(bytes, layout) {
        Ok(framed) => {
            assert!(
                bytes.ends_with(framed.payload),
                "{context}: payload is not the input's tail"
            );
            if let Some(indexes) = framed.message_indexes {
                let all = indexes.to_vec();
                assert_eq!(all.len(), indexes.len(), "{context}");
                assert!(
                    (1..=MAX_MESSAGE_INDEXES).contains(&all.len()),
                    "{context}: {} indexes",
                    all.len()
                );
            }
            let consumed = bytes.len() - framed.payload.len();
            assert!(consumed >= 5, "{context}: a frame is at least 5 bytes");
        }
        Err(err) => assert!(!err.to_string().is_empty(), "{context}"),
    }
}

#[test]
fn arbitrary_bytes_never_panic_the_decoder() {
    let mut rng = Rng::new(3);
    for case in 0..CASES * 2 {
        let len = rng.below(40) as usize;
        let mut bytes = rng.bytes(len);
        // Bias the magic byte towards valid values, so that the deeper parsing is exercised too.
        if let Some(first) = bytes.first_mut() {
            if rng.below(4) != 0 {
                *first = rng.below(2) as u8;
            }
        }
        for layout in [Layout::Plain, Layout::Protobuf] {
            check_decoded(&bytes, layout, &format!("case {case}: {bytes:02x?}"));
            let _ = decode_header(&bytes, b"payload", layout);
        }
    }
}

#[test]
fn every_truncation_of_a_valid_frame_decodes_or_errors_cleanly() {
    let mut rng = Rng::new(4);
    for case in 0..CASES / 10 {
        let schema = rng.schema();
        let indexes = rng.indexes().unwrap_or_else(|| vec![1, 2]);
        let mut bytes = Vec::new();
        write_prefix(&mut bytes, schema, Some(&indexes));
        let full = bytes.len();
        bytes.extend_from_slice(b"tail");
        for cut in 0..bytes.len() {
            let result = decode(&bytes[..cut], Layout::Protobuf);
            if cut < full {
                assert!(
                    result.is_err(),
                    "case {case}: a frame cut at {cut} of {full} decoded as {result:?}"
                );
            } else {
                assert!(result.is_ok(), "case {case}: cut at {cut}: {result:?}");
            }
        }
    }
}

#[test]
fn hostile_counts_and_varints_are_rejected_without_work_proportional_to_the_claim() {
    let mut rng = Rng::new(5);
    for case in 0..CASES {
        // A count far beyond the cap, in canonical or padded varint form, then a few bytes.
        let count =
            (MAX_MESSAGE_INDEXES as u32 + 1) + (rng.next() as u32 % (i32::MAX as u32 - 100));
        let raw = count << 1;
        let mut bytes = vec![0x00, 0, 0, 0, 1];
        let mut rest = raw;
        while rest >= 0x80 {
            bytes.push((rest as u8 & 0x7f) | 0x80);
            rest >>= 7;
        }
        bytes.push(rest as u8);
        bytes.extend(rng.some_bytes(8));
        assert_eq!(
            decode(&bytes, Layout::Protobuf),
            Err(WireError::TooManyIndexes(count as i32)),
            "case {case}: count {count}"
        );
    }
    for extra in 0..20 {
        // Continuation bits without end: at most 5 bytes are read before the varint is refused.
        let mut bytes = vec![0x00, 0, 0, 0, 1];
        bytes.extend(std::iter::repeat_n(0xff, 5 + extra));
        assert_eq!(
            decode(&bytes, Layout::Protobuf),
            Err(WireError::VarintTooLong),
            "{extra} extra continuation bytes"
        );
    }
}
