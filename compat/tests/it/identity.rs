//! Schema identity: Confluent's 24 golden MD5 GUIDs, and the GUID text forms.

use accord_compat::{Guid, IdentityInput, ReferenceKey, identity_hash};

use crate::common::{Outcomes, same, shared_json};

#[test]
fn golden_guids_match_confluent() {
    let data = shared_json("peer-cases/confluent/schema-md5-golden-data.json");
    let refs: Vec<ReferenceKey<'_>> = data["references"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|r| ReferenceKey {
            name: r["name"].as_str().unwrap_or_default(),
            subject: r["subject"].as_str().unwrap_or_default(),
            version: r["version"]
                .as_i64()
                .and_then(|v| i32::try_from(v).ok())
                .unwrap_or_default(),
        })
        .collect();
    let mut outcomes = Outcomes::new("schema md5 golden guids");
    for (schema_type, key) in [("AVRO", "avro"), ("PROTOBUF", "protobuf"), ("JSON", "json")] {
        let schema = data["schemas"][key].as_str().unwrap_or_default();
        for (bits, expected) in data["expectedHashes"][schema_type]
            .as_object()
            .into_iter()
            .flatten()
        {
            let bit = |i: usize| bits.as_bytes().get(i) == Some(&b'1');
            let input = IdentityInput {
                schema,
                references: if bit(0) { &refs } else { &[] },
                metadata: bit(1).then(|| &data["metadata"]),
                rule_set: bit(2).then(|| &data["rules"]),
            };
            let guid = identity_hash(&input);
            let outcome = same(
                "guid",
                guid.to_string().as_str(),
                expected.as_str().unwrap_or_default(),
            )
            .and_then(|()| {
                same(
                    "parsed back",
                    &expected.as_str().and_then(|e| e.parse::<Guid>().ok()),
                    &Some(guid),
                )
            });
            outcomes.record(format!("{schema_type} {bits}"), outcome);
        }
    }
    outcomes.finish(&[]);
}

#[test]
fn guid_text_forms() {
    let guid = Guid([
        0xd6, 0x29, 0xbb, 0x05, 0xad, 0x85, 0x3d, 0x20, 0xfb, 0xcb, 0x89, 0x5d, 0xe3, 0xc4, 0x59,
        0xf7,
    ]);
    assert_eq!(guid.to_string(), "d629bb05-ad85-3d20-fbcb-895de3c459f7");
    assert_eq!(
        "D629BB05-AD85-3D20-FBCB-895DE3C459F7".parse::<Guid>(),
        Ok(guid)
    );
    assert_eq!("d629bb05ad853d20fbcb895de3c459f7".parse::<Guid>(), Ok(guid));
    for bad in [
        "",
        "d629bb05-ad85-3d20-fbcb-895de3c459f",
        "d629bb05ad853d20fbcb895de3c459f7a",
        "d629bb05-ad853-d20-fbcb-895de3c459f7",
        "g629bb05-ad85-3d20-fbcb-895de3c459f7",
        "d629bb05+ad85-3d20-fbcb-895de3c459f7",
        "d629bb05-ad85-3d20-fbcb-895de3c459é",
    ] {
        assert_eq!(bad.parse::<Guid>(), Err(()), "{bad:?}");
    }
}
