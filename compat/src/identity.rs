//! Schema identity: Confluent's MD5 identity hash over canonical text, references, metadata and rule set, and the GUID form of it.
//!
//! The byte stream is Confluent's `Schema.updateHash` (with `SchemaReference`, `Metadata`, `RuleSet`
//! and `Rule`): strings as UTF-8 without separators, versions as big-endian 32-bit integers, maps
//! and sets in Java's sorted order, and a `0x01` marker before metadata and before the rule set.

use std::fmt;
use std::str::FromStr;

use md5::{Digest, Md5};
use serde_json::Value;

/// A reference as it enters the identity hash.
#[derive(Debug, Clone, Copy)]
pub struct ReferenceKey<'a> {
    /// Reference name.
    pub name: &'a str,
    /// Referenced subject, as given in the request.
    pub subject: &'a str,
    /// Referenced version, as given in the request.
    pub version: i32,
}

/// Everything that makes two registrations "the same content".
#[derive(Debug, Clone, Copy)]
pub struct IdentityInput<'a> {
    /// The canonical (possibly normalized) schema text.
    pub schema: &'a str,
    /// References, in request order.
    pub references: &'a [ReferenceKey<'a>],
    /// The `metadata` object, if any.
    pub metadata: Option<&'a Value>,
    /// The `ruleSet` object, if any.
    pub rule_set: Option<&'a Value>,
}

/// A schema GUID: the MD5 identity hash, shown as UUID text.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Guid(pub [u8; 16]);

impl fmt::Display for Guid {
    /// Lower-case UUID text, `8-4-4-4-12` hex digits.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, byte) in self.0.iter().enumerate() {
            if matches!(i, 4 | 6 | 8 | 10) {
                f.write_str("-")?;
            }
            write!(f, "{byte:02x}")?;
        }
        Ok(())
    }
}

impl FromStr for Guid {
    type Err = ();

    /// Accepts UUID text (dashes after hex digits 8, 12, 16 and 20) or 32 bare hex digits, in
    /// either case.
    fn from_str(s: &str) -> Result<Self, ()> {
        let hex: Vec<u8> = if s.len() == 36 {
            let bytes = s.as_bytes();
            if [8, 13, 18, 23].iter().any(|&i| bytes[i] != b'-') {
                return Err(());
            }
            bytes.iter().copied().filter(|&b| b != b'-').collect()
        } else {
            s.as_bytes().to_vec()
        };
        if hex.len() != 32 {
            return Err(());
        }
        let mut out = [0u8; 16];
        for (i, pair) in hex.chunks_exact(2).enumerate() {
            let digit = |b: u8| (b as char).to_digit(16).ok_or(());
            out[i] = u8::try_from(digit(pair[0])? * 16 + digit(pair[1])?).map_err(|_| ())?;
        }
        Ok(Guid(out))
    }
}

/// Computes Confluent's identity hash (spec §5.1).
pub fn identity_hash(input: &IdentityInput<'_>) -> Guid {
    let mut md = Md5::new();
    md.update(input.schema.as_bytes());
    for reference in input.references {
        md.update(reference.name.as_bytes());
        md.update(reference.subject.as_bytes());
        md.update(reference.version.to_be_bytes());
    }
    if let Some(metadata) = input.metadata.filter(|m| !m.is_null()) {
        md.update([1u8]);
        hash_metadata(&mut md, metadata);
    }
    if let Some(rule_set) = input.rule_set.filter(|r| !r.is_null()) {
        md.update([1u8]);
        for group in ["migrationRules", "domainRules", "encodingRules"] {
            if let Some(Value::Array(rules)) = rule_set.get(group) {
                for rule in rules {
                    hash_rule(&mut md, rule);
                }
            }
        }
    }
    Guid(md.finalize().into())
}

/// `Metadata.updateHash`: tags (key, then its sorted values), properties, sensitive names.
fn hash_metadata(md: &mut Md5, metadata: &Value) {
    if let Some(Value::Object(tags)) = metadata.get("tags") {
        let mut entries: Vec<(&str, Vec<String>)> = tags
            .iter()
            .map(|(key, values)| (key.as_str(), sorted_set(values)))
            .collect();
        entries.sort_by(|a, b| java_cmp(a.0, b.0));
        for (key, values) in entries {
            md.update(key.as_bytes());
            for value in values {
                md.update(value.as_bytes());
            }
        }
    }
    if let Some(properties) = metadata.get("properties") {
        hash_sorted_map(md, properties);
    }
    if let Some(sensitive) = metadata.get("sensitive") {
        for value in sorted_set(sensitive) {
            md.update(value.as_bytes());
        }
    }
}

/// `Rule.updateHash`; a missing kind or mode hashes as Java's defaults, TRANSFORM and WRITEREAD.
fn hash_rule(md: &mut Md5, rule: &Value) {
    let text = |key: &str| rule.get(key).and_then(scalar_text);
    if let Some(name) = text("name") {
        md.update(name.as_bytes());
    }
    if let Some(doc) = text("doc") {
        md.update(doc.as_bytes());
    }
    md.update(
        text("kind")
            .unwrap_or_else(|| "TRANSFORM".to_owned())
            .as_bytes(),
    );
    md.update(
        text("mode")
            .unwrap_or_else(|| "WRITEREAD".to_owned())
            .as_bytes(),
    );
    if let Some(ty) = text("type") {
        md.update(ty.as_bytes());
    }
    if let Some(tags) = rule.get("tags") {
        for tag in sorted_set(tags) {
            md.update(tag.as_bytes());
        }
    }
    if let Some(params) = rule.get("params") {
        hash_sorted_map(md, params);
    }
    for key in ["expr", "onSuccess", "onFailure"] {
        if let Some(value) = text(key) {
            md.update(value.as_bytes());
        }
    }
    if rule.get("disabled").and_then(Value::as_bool) == Some(true) {
        md.update([1u8]);
    }
}

/// A JSON object as Java's `SortedMap<String, String>`: key then value, keys in Java order.
fn hash_sorted_map(md: &mut Md5, map: &Value) {
    let Value::Object(map) = map else {
        return;
    };
    let mut entries: Vec<(&str, String)> = map
        .iter()
        .filter_map(|(key, value)| Some((key.as_str(), scalar_text(value)?)))
        .collect();
    entries.sort_by(|a, b| java_cmp(a.0, b.0));
    for (key, value) in entries {
        md.update(key.as_bytes());
        md.update(value.as_bytes());
    }
}

/// A JSON array as Java's `SortedSet<String>`: sorted in Java order, duplicates dropped.
fn sorted_set(values: &Value) -> Vec<String> {
    let Value::Array(values) = values else {
        return Vec::new();
    };
    let mut items: Vec<String> = values.iter().filter_map(scalar_text).collect();
    items.sort_by(|a, b| java_cmp(a, b));
    items.dedup();
    items
}

/// A JSON scalar as Jackson coerces it into a Java `String`; `null` is absent.
fn scalar_text(value: &Value) -> Option<String> {
    match value {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        Value::Bool(b) => Some(b.to_string()),
        _ => None,
    }
}

/// Java's `String.compareTo`: UTF-16 code unit order.
fn java_cmp(a: &str, b: &str) -> std::cmp::Ordering {
    a.encode_utf16().cmp(b.encode_utf16())
}
