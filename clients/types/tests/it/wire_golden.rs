//! Golden bytes for every framing form of spec §4, and the exact error for each kind of malformed frame.

use accord_types::wire::{
    self, Framed, Layout, MAX_MESSAGE_INDEXES, WireError, WireSchemaId, decode, decode_header,
    decode_record, header_value, prefix_len, write_prefix,
};
use accord_types::{SchemaGuid, SchemaId};

fn id(n: u32) -> WireSchemaId {
    WireSchemaId::Id(SchemaId::new(n).expect("a valid id"))
}

const GUID_BYTES: [u8; 16] = [
    0x55, 0x0e, 0x84, 0x00, 0xe2, 0x9b, 0x41, 0xd4, 0xa7, 0x16, 0x44, 0x66, 0x55, 0x44, 0x00, 0x00,
];

fn guid() -> WireSchemaId {
    WireSchemaId::Guid(SchemaGuid(GUID_BYTES))
}

fn framed(schema: WireSchemaId, indexes: Option<&[i32]>, payload: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    write_prefix(&mut out, schema, indexes);
    out.extend_from_slice(payload);
    out
}

fn hex(bytes: &[u8]) -> String {
    bytes
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect::<Vec<_>>()
        .join(" ")
}

#[test]
fn id_prefix_is_magic_zero_and_big_endian_id() {
    assert_eq!(hex(&framed(id(1), None, b"abc")), "00 00 00 00 01 61 62 63");
    assert_eq!(hex(&framed(id(0x0102_0304), None, b"")), "00 01 02 03 04");
    assert_eq!(
        hex(&framed(id(i32::MAX as u32), None, b"")),
        "00 7f ff ff ff"
    );
    let bytes = [0x00, 0x00, 0x00, 0x01, 0x00, 0xAA];
    assert_eq!(
        decode(&bytes, Layout::Plain),
        Ok(Framed {
            schema: id(256),
            message_indexes: None,
            payload: &[0xAA],
        })
    );
}

#[test]
fn guid_prefix_is_magic_one_and_sixteen_bytes_in_uuid_order() {
    let bytes = framed(guid(), None, b"{}");
    assert_eq!(
        hex(&bytes),
        "01 55 0e 84 00 e2 9b 41 d4 a7 16 44 66 55 44 00 00 7b 7d"
    );
    let decoded = decode(&bytes, Layout::Plain).expect("decodes");
    assert_eq!(decoded.schema, guid());
    assert_eq!(decoded.payload, b"{}");
    let WireSchemaId::Guid(g) = decoded.schema else {
        panic!("expected a GUID, got {:?}", decoded.schema)
    };
    assert_eq!(g.to_string(), "550e8400-e29b-41d4-a716-446655440000");
}

#[test]
fn message_indexes_use_the_zero_shortcut_and_zigzag_varints() {
    let cases: &[(&[i32], &str)] = &[
        (&[0], "00"),
        (&[1], "02 02"),
        (&[0, 2], "04 00 04"),
        (&[1, 0], "04 02 00"),
        (&[0, 0], "04 00 00"),
        (&[63], "02 7e"),
        (&[64], "02 80 01"),
        (&[300], "02 d8 04"),
        (&[-1], "02 01"),
        (&[i32::MAX], "02 fe ff ff ff 0f"),
        (&[i32::MIN], "02 ff ff ff ff 0f"),
    ];
    for &(indexes, expected) in cases {
        let mut out = Vec::new();
        wire::write_message_indexes(&mut out, indexes);
        assert_eq!(hex(&out), expected, "indexes {indexes:?}");

        let bytes = framed(id(7), Some(indexes), b"P");
        assert_eq!(hex(&bytes[..5]), "00 00 00 00 07");
        assert_eq!(hex(&bytes[5..bytes.len() - 1]), expected);
        assert_eq!(bytes.len(), prefix_len(id(7), Some(indexes)) + 1);
        let decoded = decode(&bytes, Layout::Protobuf).expect("decodes");
        let got = decoded.message_indexes.expect("indexes present").to_vec();
        assert_eq!(got, indexes, "round trip of {indexes:?}");
        assert_eq!(decoded.payload, b"P");
    }
}

#[test]
fn an_empty_index_list_is_written_like_the_first_message() {
    let mut out = Vec::new();
    wire::write_message_indexes(&mut out, &[]);
    assert_eq!(out, [0x00]);
    let bytes = framed(id(1), Some(&[]), b"");
    let decoded = decode(&bytes, Layout::Protobuf).expect("decodes");
    assert_eq!(decoded.message_indexes.map(|m| m.to_vec()), Some(vec![0]));
}

#[test]
fn a_non_canonical_count_of_one_zero_equals_the_shortcut() {
    // Confluent writes [0] as `00`, but `02 00` (count 1, index 0) means the same list.
    let long = decode(&[0, 0, 0, 0, 1, 0x02, 0x00], Layout::Protobuf).expect("decodes");
    let short = decode(&[0, 0, 0, 0, 1, 0x00], Layout::Protobuf).expect("decodes");
    assert_eq!(long.message_indexes, short.message_indexes);
}

#[test]
fn header_form_carries_guid_and_indexes_while_the_record_is_bare() {
    assert_eq!(wire::KEY_SCHEMA_ID_HEADER, "__key_schema_id");
    assert_eq!(wire::VALUE_SCHEMA_ID_HEADER, "__value_schema_id");
    let value = header_value(guid(), Some(&[0, 2]));
    assert_eq!(
        hex(&value),
        "01 55 0e 84 00 e2 9b 41 d4 a7 16 44 66 55 44 00 00 04 00 04"
    );
    let record = b"\x08\x96\x01";
    let decoded = decode_header(&value, record, Layout::Protobuf).expect("decodes");
    assert_eq!(decoded.schema, guid());
    assert_eq!(
        decoded.message_indexes.map(|m| m.to_vec()),
        Some(vec![0, 2])
    );
    assert_eq!(decoded.payload, record);

    // The header wins over the record, which is then not parsed for a prefix.
    let via_record = decode_record(Some(&value), record, Layout::Protobuf).expect("decodes");
    assert_eq!(via_record, decoded);
    // Without a header, the record carries the prefix.
    let prefixed = framed(id(3), None, b"x");
    let via_prefix = decode_record(None, &prefixed, Layout::Plain).expect("decodes");
    assert_eq!(via_prefix.schema, id(3));
    assert_eq!(via_prefix.payload, b"x");
    // A reader also accepts an id in the header (Confluent's reader takes either magic there).
    let id_header = header_value(id(9), None);
    assert_eq!(hex(&id_header), "00 00 00 00 09");
    let decoded = decode_header(&id_header, b"y", Layout::Plain).expect("decodes");
    assert_eq!(decoded.schema, id(9));
}

#[test]
fn malformed_frames_give_the_matching_error() {
    let cases: &[(&[u8], Layout, WireError)] = &[
        (&[], Layout::Plain, WireError::Empty),
        (
            &[0x02, 0, 0, 0, 1],
            Layout::Plain,
            WireError::UnknownMagic(2),
        ),
        (b"{\"a\":1}", Layout::Plain, WireError::UnknownMagic(b'{')),
        (
            &[0x00, 0, 0, 1],
            Layout::Plain,
            WireError::TruncatedSchemaId {
                needed: 4,
                available: 3,
            },
        ),
        (
            &[0x01, 1, 2, 3],
            Layout::Plain,
            WireError::TruncatedSchemaId {
                needed: 16,
                available: 3,
            },
        ),
        (
            &[0x00, 0xff, 0xff, 0xff, 0xff],
            Layout::Plain,
            WireError::NegativeSchemaId(-1),
        ),
        (
            &[0x00, 0, 0, 0, 1],
            Layout::Protobuf,
            WireError::TruncatedMessageIndexes,
        ),
        (
            &[0x00, 0, 0, 0, 1, 0x04, 0x02],
            Layout::Protobuf,
            WireError::TruncatedMessageIndexes,
        ),
        (
            &[0x00, 0, 0, 0, 1, 0x02, 0x80],
            Layout::Protobuf,
            WireError::TruncatedMessageIndexes,
        ),
        (
            &[0x00, 0, 0, 0, 1, 0x01],
            Layout::Protobuf,
            WireError::NegativeIndexCount(-1),
        ),
        (
            &[0x00, 0, 0, 0, 1, 0x82, 0x01],
            Layout::Protobuf,
            WireError::TooManyIndexes(65),
        ),
        (
            &[0x00, 0, 0, 0, 1, 0xfe, 0xff, 0xff, 0xff, 0x0f],
            Layout::Protobuf,
            WireError::TooManyIndexes(i32::MAX),
        ),
        (
            &[0x00, 0, 0, 0, 1, 0x02, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01],
            Layout::Protobuf,
            WireError::VarintTooLong,
        ),
    ];
    for (bytes, layout, expected) in cases {
        assert_eq!(
            decode(bytes, *layout).as_ref(),
            Err(expected),
            "decoding {} as {layout:?}",
            hex(bytes)
        );
        assert!(!expected.to_string().is_empty());
    }
    assert_eq!(MAX_MESSAGE_INDEXES, 64);
    let header = header_value(guid(), Some(&[1]));
    assert_eq!(
        decode_header(&header, b"", Layout::Plain),
        Err(WireError::TrailingHeaderBytes(2)),
        "a header with indexes read as Plain must not silently drop them"
    );
}

#[test]
fn the_largest_index_list_is_accepted_and_one_more_is_not() {
    let max: Vec<i32> = (0..MAX_MESSAGE_INDEXES as i32).collect();
    let bytes = framed(id(1), Some(&max), b"");
    let decoded = decode(&bytes, Layout::Protobuf).expect("decodes");
    assert_eq!(
        decoded.message_indexes.map(|m| m.to_vec()),
        Some(max.clone())
    );
    let mut over = max;
    over.push(1);
    let bytes = framed(id(1), Some(&over), b"");
    assert_eq!(
        decode(&bytes, Layout::Protobuf),
        Err(WireError::TooManyIndexes(65))
    );
}

#[test]
fn write_prefix_appends_without_touching_earlier_bytes() {
    let mut out = b"keep".to_vec();
    write_prefix(&mut out, id(2), Some(&[1]));
    assert_eq!(hex(&out), "6b 65 65 70 00 00 00 00 02 02 02");
}
