//! Typed identifiers: schema ids, GUIDs, version selectors and subject names.
//!
//! Each type checks its invariant once, at construction or parsing, so that code holding one never
//! re-validates it. The DTOs keep Confluent's plain JSON integers and strings; these types are for
//! APIs (the client's parameters, the wire format) where a mixed-up integer would be a bug.

use std::fmt;
use std::str::FromStr;

use serde::de::{Deserializer, Error as _};
use serde::{Deserialize, Serialize, Serializer};

/// Why a string or integer is not a valid identifier.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum IdError {
    /// A schema id that is not an integer in `0..=i32::MAX`.
    SchemaId(String),
    /// A version that is neither `latest`, `-1`, nor in `1..=i32::MAX`.
    Version(String),
    /// A subject name that Confluent rejects (empty, reserved, or with control characters).
    Subject(String),
    /// A GUID that is neither UUID text nor 32 hex digits.
    Guid(String),
}

impl fmt::Display for IdError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            IdError::SchemaId(id) => {
                write!(f, "schema id {id:?} is not an integer in 0..=2147483647")
            }
            IdError::Version(v) => write!(
                f,
                "version {v:?} is not \"latest\", -1, or an integer in 1..=2147483647"
            ),
            IdError::Subject(s) => write!(f, "subject {s:?} is not a valid subject name"),
            IdError::Guid(g) => write!(f, "{g:?} is not a GUID (UUID text or 32 hex digits)"),
        }
    }
}

impl std::error::Error for IdError {}

/// A schema id: what `/schemas/ids/{id}` takes and what the `0x00` wire prefix carries.
///
/// Confluent's ids are Java `int`s allocated from 1 upwards (0 is accepted in IMPORT mode), and the
/// wire format writes them as a signed big-endian `i32`. Negative ids never name a schema, so this
/// type holds a `u32` that is at most `i32::MAX`: every value converts to the wire and to the DTOs'
/// `i32` losslessly, and a negative id read from untrusted bytes is rejected at the boundary.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct SchemaId(u32);

impl SchemaId {
    /// The largest id Confluent can allocate.
    pub const MAX: SchemaId = SchemaId(i32::MAX as u32);

    /// `id` as a schema id, or `None` when it exceeds `i32::MAX`.
    pub const fn new(id: u32) -> Option<SchemaId> {
        if id <= i32::MAX as u32 {
            Some(SchemaId(id))
        } else {
            None
        }
    }

    /// The id as an unsigned integer.
    pub const fn get(self) -> u32 {
        self.0
    }

    /// The id as the `i32` of the JSON DTOs and the wire format (never negative).
    pub const fn to_i32(self) -> i32 {
        self.0 as i32
    }
}

impl TryFrom<i32> for SchemaId {
    type Error = IdError;

    fn try_from(id: i32) -> Result<SchemaId, IdError> {
        u32::try_from(id)
            .ok()
            .and_then(SchemaId::new)
            .ok_or_else(|| IdError::SchemaId(id.to_string()))
    }
}

impl TryFrom<u32> for SchemaId {
    type Error = IdError;

    fn try_from(id: u32) -> Result<SchemaId, IdError> {
        SchemaId::new(id).ok_or_else(|| IdError::SchemaId(id.to_string()))
    }
}

impl From<SchemaId> for i32 {
    fn from(id: SchemaId) -> i32 {
        id.to_i32()
    }
}

impl fmt::Display for SchemaId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(&self.0, f)
    }
}

impl FromStr for SchemaId {
    type Err = IdError;

    fn from_str(s: &str) -> Result<SchemaId, IdError> {
        s.trim()
            .parse::<u32>()
            .ok()
            .and_then(SchemaId::new)
            .ok_or_else(|| IdError::SchemaId(s.to_string()))
    }
}

impl Serialize for SchemaId {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_u32(self.0)
    }
}

impl<'de> Deserialize<'de> for SchemaId {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<SchemaId, D::Error> {
        let id = i64::deserialize(deserializer)?;
        u32::try_from(id)
            .ok()
            .and_then(SchemaId::new)
            .ok_or_else(|| D::Error::custom(IdError::SchemaId(id.to_string())))
    }
}

/// A version selector: a version number in `1..=i32::MAX`, or "latest" (Confluent's `latest` or `-1`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Version(i32);

impl Version {
    /// The newest live version of a subject; written `latest` in paths and `-1` in references.
    pub const LATEST: Version = Version(-1);

    /// Version `n`, or `None` when `n` is not in `1..=i32::MAX`.
    pub const fn new(n: u32) -> Option<Version> {
        if n >= 1 && n <= i32::MAX as u32 {
            Some(Version(n as i32))
        } else {
            None
        }
    }

    /// Whether this is [`Version::LATEST`].
    pub const fn is_latest(self) -> bool {
        self.0 == -1
    }

    /// The version number, or `None` for [`Version::LATEST`].
    pub const fn number(self) -> Option<u32> {
        if self.0 > 0 {
            Some(self.0 as u32)
        } else {
            None
        }
    }

    /// The `i32` of Confluent's JSON: the number, or `-1` for latest.
    pub const fn to_i32(self) -> i32 {
        self.0
    }
}

impl TryFrom<i32> for Version {
    type Error = IdError;

    fn try_from(v: i32) -> Result<Version, IdError> {
        if v == -1 || v >= 1 {
            Ok(Version(v))
        } else {
            Err(IdError::Version(v.to_string()))
        }
    }
}

impl fmt::Display for Version {
    /// `latest` or the number, as in a URL path.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.is_latest() {
            f.write_str("latest")
        } else {
            fmt::Display::fmt(&self.0, f)
        }
    }
}

impl FromStr for Version {
    type Err = IdError;

    /// Confluent's rules: `latest` in any case (trimmed), `-1`, or a number in `1..=i32::MAX`.
    fn from_str(s: &str) -> Result<Version, IdError> {
        let trimmed = s.trim();
        if trimmed.eq_ignore_ascii_case("latest") {
            return Ok(Version::LATEST);
        }
        trimmed
            .parse::<i32>()
            .ok()
            .and_then(|v| Version::try_from(v).ok())
            .ok_or_else(|| IdError::Version(s.to_string()))
    }
}

impl Serialize for Version {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_i32(self.0)
    }
}

impl<'de> Deserialize<'de> for Version {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Version, D::Error> {
        let v = i32::deserialize(deserializer)?;
        Version::try_from(v).map_err(D::Error::custom)
    }
}

/// A subject name, possibly context-qualified (`:.staging:orders-value`), or a context name (`:.staging:`).
///
/// Valid means what Confluent accepts on every route: not empty, not the reserved `__GLOBAL` or
/// `__EMPTY`, and free of control characters.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Subject(String);

impl Subject {
    /// `name` as a subject, if Confluent accepts it.
    pub fn new(name: impl Into<String>) -> Result<Subject, IdError> {
        let name = name.into();
        let valid = !name.is_empty()
            && name != "__GLOBAL"
            && name != "__EMPTY"
            && !name.chars().any(char::is_control);
        if valid {
            Ok(Subject(name))
        } else {
            Err(IdError::Subject(name))
        }
    }

    /// The name.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The name, owned.
    pub fn into_string(self) -> String {
        self.0
    }
}

impl AsRef<str> for Subject {
    fn as_ref(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Subject {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl FromStr for Subject {
    type Err = IdError;

    fn from_str(s: &str) -> Result<Subject, IdError> {
        Subject::new(s)
    }
}

impl TryFrom<&str> for Subject {
    type Error = IdError;

    fn try_from(s: &str) -> Result<Subject, IdError> {
        Subject::new(s)
    }
}

impl TryFrom<String> for Subject {
    type Error = IdError;

    fn try_from(s: String) -> Result<Subject, IdError> {
        Subject::new(s)
    }
}

impl Serialize for Subject {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.0)
    }
}

impl<'de> Deserialize<'de> for Subject {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Subject, D::Error> {
        Subject::new(String::deserialize(deserializer)?).map_err(D::Error::custom)
    }
}

/// A schema GUID: the MD5 of a schema's identity, the same in every context and registry.
///
/// Bytes are in UUID order (Java's most significant long first), which is also the order of the
/// 16 bytes after the `0x01` wire magic. Shown as lowercase UUID text; parsed from UUID text or
/// 32 hex digits in either case, as `/schemas/guids/{guid}` accepts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct SchemaGuid(pub [u8; 16]);

impl SchemaGuid {
    /// The 16 bytes.
    pub const fn as_bytes(&self) -> &[u8; 16] {
        &self.0
    }
}

impl fmt::Display for SchemaGuid {
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

impl FromStr for SchemaGuid {
    type Err = IdError;

    fn from_str(s: &str) -> Result<SchemaGuid, IdError> {
        let invalid = || IdError::Guid(s.to_string());
        let bytes = s.as_bytes();
        // Either 32 bare hex digits, or 36 characters with hyphens exactly at UUID positions.
        let hyphenated = match bytes.len() {
            32 => false,
            36 => true,
            _ => return Err(invalid()),
        };
        let mut digits = [0u8; 32];
        let mut n = 0;
        for (i, &c) in bytes.iter().enumerate() {
            if hyphenated && matches!(i, 8 | 13 | 18 | 23) {
                if c != b'-' {
                    return Err(invalid());
                }
                continue;
            }
            let digit = (c as char).to_digit(16).ok_or_else(invalid)?;
            // At most 32 non-hyphen positions exist in a 36-byte hyphenated string, and 32 in the bare form.
            *digits.get_mut(n).ok_or_else(invalid)? = digit as u8;
            n += 1;
        }
        let mut out = [0u8; 16];
        for (i, byte) in out.iter_mut().enumerate() {
            *byte = (digits[2 * i] << 4) | digits[2 * i + 1];
        }
        Ok(SchemaGuid(out))
    }
}

impl Serialize for SchemaGuid {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for SchemaGuid {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<SchemaGuid, D::Error> {
        let text = String::deserialize(deserializer)?;
        text.parse().map_err(D::Error::custom)
    }
}
