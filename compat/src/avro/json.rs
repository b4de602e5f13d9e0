//! JSON as Jackson sees it: a parser and a compact writer that behave like the Java stack under Confluent.
//!
//! Avro's Java parser reads schemas with Jackson (comments allowed, duplicate keys keep their first
//! position and last value, integers split into int/long/BigInteger nodes, decimals as doubles) and
//! writes them back with Jackson's compact generator (upper-case `\u00XX` escapes, Java's
//! `Double.toString`, non-finite numbers quoted). Reproducing both here is what makes canonical text
//! byte-equal. The parser is iterative, so nesting depth costs heap, not stack, and is capped.

use std::collections::HashMap;

use super::java::{java_double, java_float};

/// A JSON value, keeping the distinctions Jackson keeps.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Json {
    Null,
    Bool(bool),
    /// An integer that fits in 64 bits (Jackson `IntNode` or `LongNode`).
    Int(i64),
    /// An integer too large for 64 bits (Jackson `BigIntegerNode`), kept as its digits.
    BigInt(String),
    /// Any number written with a fraction or exponent (Jackson `DoubleNode`).
    Double(f64),
    /// A single-precision number; produced only by normalization, never by the parser.
    Float(f32),
    Str(String),
    Array(Vec<Json>),
    /// Members in first-seen order; a repeated key replaced the earlier value in place.
    Object(Vec<(String, Json)>),
}

impl Json {
    /// The member `key` of an object (Jackson `JsonNode.get`).
    pub(crate) fn get(&self, key: &str) -> Option<&Json> {
        match self {
            Json::Object(members) => members.iter().find(|(k, _)| k == key).map(|(_, v)| v),
            _ => None,
        }
    }

    /// The string value of a textual node (Jackson `textValue`).
    pub(crate) fn text(&self) -> Option<&str> {
        match self {
            Json::Str(s) => Some(s),
            _ => None,
        }
    }

    /// Whether this is an integer that Jackson would hold in an `IntNode`.
    pub(crate) fn is_java_int(&self) -> bool {
        matches!(self, Json::Int(v) if i32::try_from(*v).is_ok())
    }

    /// Compact JSON text, as Jackson's `JsonNode.toString()` renders it.
    pub(crate) fn to_compact(&self) -> String {
        let mut out = String::new();
        write_json(&mut out, self);
        out
    }
}

/// Why text could not be read as JSON.
#[derive(Debug)]
pub(crate) enum JsonError {
    /// Not well-formed JSON; the message says where.
    Syntax(String),
    /// Nesting deeper than the caller's limit.
    TooDeep,
}

/// Reads the first JSON value of `text`, returning it (or `None` for empty input) and the byte
/// offset just after it. Comments (`//`, `/* */`) count as whitespace, as in Avro's Jackson setup.
pub(crate) fn parse_prefix(
    text: &str,
    max_depth: usize,
) -> Result<(Option<Json>, usize), JsonError> {
    let mut reader = Reader {
        bytes: text.as_bytes(),
        text,
        pos: 0,
    };
    reader.skip_ws()?;
    if reader.pos >= reader.bytes.len() {
        return Ok((None, reader.pos));
    }
    let value = reader.value(max_depth)?;
    Ok((Some(value), reader.pos))
}

/// A container being filled while parsing.
enum Frame {
    Array(Vec<Json>),
    Object(ObjectBuilder, String),
}

/// Collects object members with Jackson's duplicate-key rule in linear time.
#[derive(Default)]
struct ObjectBuilder {
    members: Vec<(String, Json)>,
    index: HashMap<String, usize>,
}

impl ObjectBuilder {
    fn insert(&mut self, key: String, value: Json) {
        if let Some(&at) = self.index.get(&key) {
            self.members[at].1 = value;
        } else {
            self.index.insert(key.clone(), self.members.len());
            self.members.push((key, value));
        }
    }
}

struct Reader<'a> {
    bytes: &'a [u8],
    text: &'a str,
    pos: usize,
}

impl Reader<'_> {
    fn error(&self, what: &str) -> JsonError {
        let consumed = &self.text.as_bytes()[..self.pos.min(self.bytes.len())];
        let line = consumed.iter().filter(|&&b| b == b'\n').count() + 1;
        let column = consumed.iter().rev().take_while(|&&b| b != b'\n').count() + 1;
        JsonError::Syntax(format!(
            "invalid json at line {line}, column {column}: {what}"
        ))
    }

    fn peek(&self) -> Option<u8> {
        self.bytes.get(self.pos).copied()
    }

    fn skip_ws(&mut self) -> Result<(), JsonError> {
        loop {
            match self.peek() {
                Some(b' ' | b'\t' | b'\n' | b'\r') => self.pos += 1,
                Some(b'/') => match self.bytes.get(self.pos + 1) {
                    Some(b'/') => {
                        while let Some(b) = self.peek() {
                            if b == b'\n' || b == b'\r' {
                                break;
                            }
                            self.pos += 1;
                        }
                    }
                    Some(b'*') => {
                        let start = self.pos;
                        self.pos += 2;
                        loop {
                            match self.peek() {
                                None => {
                                    self.pos = start;
                                    return Err(self.error("unterminated comment"));
                                }
                                Some(b'*') if self.bytes.get(self.pos + 1) == Some(&b'/') => {
                                    self.pos += 2;
                                    break;
                                }
                                Some(_) => self.pos += 1,
                            }
                        }
                    }
                    _ => return Err(self.error("unexpected character '/'")),
                },
                _ => return Ok(()),
            }
        }
    }

    fn expect_byte(&mut self, wanted: u8, what: &str) -> Result<(), JsonError> {
        self.skip_ws()?;
        if self.peek() == Some(wanted) {
            self.pos += 1;
            Ok(())
        } else {
            Err(self.unexpected(what))
        }
    }

    fn unexpected(&self, expected: &str) -> JsonError {
        match self
            .text
            .get(self.pos..)
            .and_then(|rest| rest.chars().next())
        {
            None => self.error(&format!("unexpected end of input, expected {expected}")),
            Some(c) => self.error(&format!("unexpected character {c:?}, expected {expected}")),
        }
    }

    fn key(&mut self) -> Result<String, JsonError> {
        self.skip_ws()?;
        if self.peek() != Some(b'"') {
            return Err(self.unexpected("a field name"));
        }
        let key = self.string()?;
        self.expect_byte(b':', "':'")?;
        Ok(key)
    }

    /// Parses one value; containers are tracked on an explicit stack.
    fn value(&mut self, max_depth: usize) -> Result<Json, JsonError> {
        let mut stack: Vec<Frame> = Vec::new();
        loop {
            self.skip_ws()?;
            let mut value = match self.peek() {
                Some(b'{') => {
                    if stack.len() >= max_depth {
                        return Err(JsonError::TooDeep);
                    }
                    self.pos += 1;
                    self.skip_ws()?;
                    if self.peek() == Some(b'}') {
                        self.pos += 1;
                        Json::Object(Vec::new())
                    } else {
                        let key = self.key()?;
                        stack.push(Frame::Object(ObjectBuilder::default(), key));
                        continue;
                    }
                }
                Some(b'[') => {
                    if stack.len() >= max_depth {
                        return Err(JsonError::TooDeep);
                    }
                    self.pos += 1;
                    self.skip_ws()?;
                    if self.peek() == Some(b']') {
                        self.pos += 1;
                        Json::Array(Vec::new())
                    } else {
                        stack.push(Frame::Array(Vec::new()));
                        continue;
                    }
                }
                Some(b'"') => Json::Str(self.string()?),
                Some(b'-' | b'0'..=b'9') => self.number()?,
                Some(b't') => self.literal("true", Json::Bool(true))?,
                Some(b'f') => self.literal("false", Json::Bool(false))?,
                Some(b'n') => self.literal("null", Json::Null)?,
                _ => return Err(self.unexpected("a value")),
            };
            // Attach the finished value to its parent, closing every container that ends here.
            loop {
                match stack.last_mut() {
                    None => return Ok(value),
                    Some(Frame::Array(items)) => {
                        items.push(value);
                        self.skip_ws()?;
                        match self.peek() {
                            Some(b',') => {
                                self.pos += 1;
                                break;
                            }
                            Some(b']') => {
                                self.pos += 1;
                                match stack.pop() {
                                    Some(Frame::Array(items)) => value = Json::Array(items),
                                    _ => return Err(self.error("internal parser state")),
                                }
                            }
                            _ => return Err(self.unexpected("',' or ']'")),
                        }
                    }
                    Some(Frame::Object(builder, key)) => {
                        builder.insert(std::mem::take(key), value);
                        self.skip_ws()?;
                        match self.peek() {
                            Some(b',') => {
                                self.pos += 1;
                                *key = self.key()?;
                                break;
                            }
                            Some(b'}') => {
                                self.pos += 1;
                                match stack.pop() {
                                    Some(Frame::Object(builder, _)) => {
                                        value = Json::Object(builder.members)
                                    }
                                    _ => return Err(self.error("internal parser state")),
                                }
                            }
                            _ => return Err(self.unexpected("',' or '}'")),
                        }
                    }
                }
            }
        }
    }

    fn literal(&mut self, word: &str, value: Json) -> Result<Json, JsonError> {
        if self.bytes[self.pos..].starts_with(word.as_bytes()) {
            self.pos += word.len();
            Ok(value)
        } else {
            Err(self.unexpected("a value"))
        }
    }

    fn digits(&mut self) -> usize {
        let start = self.pos;
        while matches!(self.peek(), Some(b'0'..=b'9')) {
            self.pos += 1;
        }
        self.pos - start
    }

    fn number(&mut self) -> Result<Json, JsonError> {
        let start = self.pos;
        if self.peek() == Some(b'-') {
            self.pos += 1;
        }
        let int_start = self.pos;
        let int_digits = self.digits();
        if int_digits == 0 {
            return Err(self.unexpected("a digit"));
        }
        if int_digits > 1 && self.bytes[int_start] == b'0' {
            self.pos = int_start;
            return Err(self.error("leading zeroes not allowed"));
        }
        let mut integral = true;
        if self.peek() == Some(b'.') {
            self.pos += 1;
            integral = false;
            if self.digits() == 0 {
                return Err(self.unexpected("a digit after the decimal point"));
            }
        }
        if matches!(self.peek(), Some(b'e' | b'E')) {
            self.pos += 1;
            integral = false;
            if matches!(self.peek(), Some(b'+' | b'-')) {
                self.pos += 1;
            }
            if self.digits() == 0 {
                return Err(self.unexpected("a digit in the exponent"));
            }
        }
        let literal = &self.text[start..self.pos];
        if integral {
            Ok(match literal.parse::<i64>() {
                Ok(v) => Json::Int(v),
                Err(_) => Json::BigInt(literal.to_owned()),
            })
        } else {
            literal
                .parse::<f64>()
                .map(Json::Double)
                .map_err(|_| self.error("malformed number"))
        }
    }

    fn hex4(&mut self) -> Result<u32, JsonError> {
        let Some(chunk) = self.bytes.get(self.pos..self.pos + 4) else {
            return Err(self.error("truncated unicode escape"));
        };
        let mut value = 0u32;
        for &b in chunk {
            let digit = (b as char)
                .to_digit(16)
                .ok_or_else(|| self.error("invalid unicode escape"))?;
            value = value * 16 + digit;
        }
        self.pos += 4;
        Ok(value)
    }

    /// Reads a string starting at its opening quote.
    fn string(&mut self) -> Result<String, JsonError> {
        self.pos += 1;
        let mut out = String::new();
        loop {
            let run_start = self.pos;
            while let Some(b) = self.peek() {
                if b == b'"' || b == b'\\' || b < 0x20 {
                    break;
                }
                self.pos += 1;
            }
            out.push_str(&self.text[run_start..self.pos]);
            match self.peek() {
                None => return Err(self.error("unexpected end of input in a string")),
                Some(b'"') => {
                    self.pos += 1;
                    return Ok(out);
                }
                Some(b'\\') => {
                    self.pos += 1;
                    let Some(escape) = self.peek() else {
                        return Err(self.error("unexpected end of input in a string"));
                    };
                    self.pos += 1;
                    match escape {
                        b'"' => out.push('"'),
                        b'\\' => out.push('\\'),
                        b'/' => out.push('/'),
                        b'b' => out.push('\u{8}'),
                        b'f' => out.push('\u{c}'),
                        b'n' => out.push('\n'),
                        b'r' => out.push('\r'),
                        b't' => out.push('\t'),
                        b'u' => out.push(self.unicode_escape()?),
                        _ => {
                            self.pos -= 1;
                            return Err(self.error("unrecognized character escape"));
                        }
                    }
                }
                Some(_) => return Err(self.error("illegal unquoted control character in a string")),
            }
        }
    }

    /// Decodes `\uXXXX`, pairing surrogates; a lone surrogate (legal in Java strings, not in Rust
    /// ones) becomes U+FFFD.
    fn unicode_escape(&mut self) -> Result<char, JsonError> {
        let first = self.hex4()?;
        if (0xD800..0xDC00).contains(&first)
            && self.bytes.get(self.pos..self.pos + 2) == Some(b"\\u")
        {
            let saved = self.pos;
            self.pos += 2;
            let second = self.hex4()?;
            if (0xDC00..0xE000).contains(&second) {
                let code = 0x10000 + ((first - 0xD800) << 10) + (second - 0xDC00);
                return Ok(char::from_u32(code).unwrap_or('\u{FFFD}'));
            }
            self.pos = saved;
        }
        Ok(char::from_u32(first).unwrap_or('\u{FFFD}'))
    }
}

/// Appends `value` as compact JSON, the way Jackson's generator writes a tree.
pub(crate) fn write_json(out: &mut String, value: &Json) {
    match value {
        Json::Array(items) => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                write_json(out, item);
            }
            out.push(']');
        }
        Json::Object(members) => {
            out.push('{');
            for (i, (key, item)) in members.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                write_str(out, key);
                out.push(':');
                write_json(out, item);
            }
            out.push('}');
        }
        scalar => write_scalar(out, scalar),
    }
}

fn write_scalar(out: &mut String, value: &Json) {
    match value {
        Json::Null => out.push_str("null"),
        Json::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        Json::Int(v) => out.push_str(&v.to_string()),
        Json::BigInt(digits) => out.push_str(digits),
        Json::Double(d) => write_non_finite_quoted(out, &java_double(*d), d.is_finite()),
        Json::Float(f) => write_non_finite_quoted(out, &java_float(*f), f.is_finite()),
        Json::Str(s) => write_str(out, s),
        Json::Array(_) | Json::Object(_) => {}
    }
}

/// Jackson quotes `NaN` and the infinities (`QUOTE_NON_NUMERIC_NUMBERS` is on by default).
fn write_non_finite_quoted(out: &mut String, text: &str, finite: bool) {
    if finite {
        out.push_str(text);
    } else {
        out.push('"');
        out.push_str(text);
        out.push('"');
    }
}

/// Appends `s` as a quoted JSON string with Jackson's escaping.
pub(crate) fn write_str(out: &mut String, s: &str) {
    const HEX: &[u8; 16] = b"0123456789ABCDEF";
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\u{8}' => out.push_str("\\b"),
            '\u{c}' => out.push_str("\\f"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if (c as u32) < 0x20 => {
                let code = c as usize;
                out.push_str("\\u00");
                out.push(HEX[code >> 4] as char);
                out.push(HEX[code & 0xF] as char);
            }
            c => out.push(c),
        }
    }
    out.push('"');
}
