//! Typed identifiers: their ranges, text forms and JSON forms.

use accord_types::{IdError, SchemaGuid, SchemaId, Subject, Version};

#[test]
fn schema_ids_are_non_negative_java_ints() {
    assert_eq!(SchemaId::new(0).map(SchemaId::get), Some(0));
    assert_eq!(SchemaId::new(i32::MAX as u32), Some(SchemaId::MAX));
    assert_eq!(SchemaId::new(i32::MAX as u32 + 1), None);
    assert!(SchemaId::try_from(-1i32).is_err());
    assert_eq!(SchemaId::try_from(42i32).map(i32::from), Ok(42));
    assert_eq!("17".parse::<SchemaId>().map(SchemaId::get), Ok(17));
    assert!("-3".parse::<SchemaId>().is_err());
    assert!("x".parse::<SchemaId>().is_err());
    assert_eq!(SchemaId::MAX.to_string(), "2147483647");
    assert_eq!(serde_json::to_string(&SchemaId::MAX).unwrap(), "2147483647");
    assert!(serde_json::from_str::<SchemaId>("-1").is_err());
    assert!(serde_json::from_str::<SchemaId>("2147483648").is_err());
}

#[test]
fn versions_follow_confluents_version_id_rules() {
    for latest in ["latest", "LATEST", " Latest ", "-1"] {
        assert_eq!(latest.parse::<Version>(), Ok(Version::LATEST), "{latest:?}");
    }
    assert_eq!("3".parse::<Version>().map(Version::number), Ok(Some(3)));
    for bad in ["0", "-2", "1.5", "", "2147483648", "abc"] {
        assert!(
            matches!(bad.parse::<Version>(), Err(IdError::Version(_))),
            "{bad:?}"
        );
    }
    assert_eq!(Version::LATEST.to_string(), "latest");
    assert_eq!(Version::new(12).map(|v| v.to_string()), Some("12".into()));
    assert_eq!(Version::new(0), None);
    assert_eq!(Version::LATEST.to_i32(), -1);
    assert_eq!(serde_json::to_string(&Version::LATEST).unwrap(), "-1");
    assert_eq!(serde_json::from_str::<Version>("5").ok(), Version::new(5));
    assert!(serde_json::from_str::<Version>("0").is_err());
}

#[test]
fn subjects_reject_what_confluent_rejects() {
    for good in [
        "orders-value",
        ":.staging:orders-value",
        ":.staging:",
        "a/b c",
    ] {
        assert_eq!(
            Subject::new(good).map(|s| s.to_string()),
            Ok(good.to_string())
        );
    }
    for bad in ["", "__GLOBAL", "__EMPTY", "tab\there", "nul\0"] {
        assert!(Subject::new(bad).is_err(), "{bad:?}");
    }
    assert!(serde_json::from_str::<Subject>("\"\"").is_err());
}

#[test]
fn guids_print_as_uuids_and_parse_from_uuid_or_hex_text() {
    let guid: SchemaGuid = "550E8400-e29b-41d4-a716-446655440000"
        .parse()
        .expect("parses");
    assert_eq!(guid.to_string(), "550e8400-e29b-41d4-a716-446655440000");
    assert_eq!(guid.as_bytes()[0], 0x55);
    assert_eq!(guid.as_bytes()[15], 0x00);
    let bare: SchemaGuid = "550e8400e29b41d4a716446655440000".parse().expect("parses");
    assert_eq!(bare, guid);
    for bad in [
        "",
        "550e8400-e29b-41d4-a716-44665544000",
        "550e8400e29b41d4a716446655440000a",
        "550e8400-e29b-41d4-a716_446655440000",
        "550e8400-e29b-41d4-a716-44665544000g",
        "-550e8400e29b41d4a716446655440000---",
    ] {
        assert!(bad.parse::<SchemaGuid>().is_err(), "{bad:?}");
    }
    let json = serde_json::to_string(&guid).unwrap();
    assert_eq!(json, "\"550e8400-e29b-41d4-a716-446655440000\"");
    assert_eq!(serde_json::from_str::<SchemaGuid>(&json).ok(), Some(guid));
}
