//! A `.proto` parser producing the Wire-shaped tree of `ast`: comments dropped, everything else
//! kept as written. Errors read like Confluent's: `Syntax error in :line:col: reason`.
//!
//! Recursion is bounded by `max_depth`, and every loop consumes input, so hostile text can
//! neither overflow the stack nor hang.

use super::ast::{
    Aggregate, EnumConstant, EnumElement, ExtendElement, FieldElement, Label, MessageElement,
    OneOfElement, OptionElement, OptionValue, Position, ProtoFile, Reserved, RpcElement,
    ServiceElement, TypeElement,
};
use crate::SchemaError;

/// The largest field number protobuf allows; `max` in ranges.
pub(crate) const MAX_TAG: i64 = 536_870_911;

#[derive(Debug, Clone, PartialEq)]
enum Tok {
    Word(String),
    Str(String),
    Punct(char),
}

#[derive(Debug)]
struct Token {
    tok: Tok,
    line: usize,
    col: usize,
}

fn lex(text: &str) -> Result<Vec<Token>, SchemaError> {
    let chars: Vec<char> = text.chars().collect();
    let mut tokens = Vec::new();
    let (mut i, mut line, mut col) = (0usize, 1usize, 1usize);
    let advance = |i: &mut usize, line: &mut usize, col: &mut usize, c: char| {
        *i += 1;
        if c == '\n' {
            *line += 1;
            *col = 1;
        } else {
            *col += 1;
        }
    };
    while i < chars.len() {
        let c = chars[i];
        if c.is_whitespace() {
            advance(&mut i, &mut line, &mut col, c);
        } else if c == '/' && chars.get(i + 1) == Some(&'/') {
            while i < chars.len() && chars[i] != '\n' {
                let here = chars[i];
                advance(&mut i, &mut line, &mut col, here);
            }
        } else if c == '/' && chars.get(i + 1) == Some(&'*') {
            let (start_line, start_col) = (line, col);
            advance(&mut i, &mut line, &mut col, '/');
            advance(&mut i, &mut line, &mut col, '*');
            loop {
                if i >= chars.len() {
                    return Err(syntax(start_line, start_col, "unterminated comment"));
                }
                if chars[i] == '*' && chars.get(i + 1) == Some(&'/') {
                    advance(&mut i, &mut line, &mut col, '*');
                    advance(&mut i, &mut line, &mut col, '/');
                    break;
                }
                let here = chars[i];
                advance(&mut i, &mut line, &mut col, here);
            }
        } else if c == '"' || c == '\'' {
            let (start_line, start_col) = (line, col);
            advance(&mut i, &mut line, &mut col, c);
            let mut value = String::new();
            loop {
                let Some(&d) = chars.get(i) else {
                    return Err(syntax(start_line, start_col, "unterminated string"));
                };
                advance(&mut i, &mut line, &mut col, d);
                if d == c {
                    break;
                }
                if d == '\n' {
                    return Err(syntax(start_line, start_col, "unterminated string"));
                }
                if d == '\\' {
                    let Some(&e) = chars.get(i) else {
                        return Err(syntax(start_line, start_col, "unterminated string"));
                    };
                    advance(&mut i, &mut line, &mut col, e);
                    match e {
                        'a' => value.push('\u{7}'),
                        'b' => value.push('\u{8}'),
                        'f' => value.push('\u{c}'),
                        'n' => value.push('\n'),
                        'r' => value.push('\r'),
                        't' => value.push('\t'),
                        'v' => value.push('\u{b}'),
                        'x' | 'X' | 'u' | 'U' => {
                            let width = match e {
                                'u' => 4,
                                'U' => 8,
                                _ => 2,
                            };
                            let mut code = 0u32;
                            let mut digits = 0;
                            while digits < width {
                                match chars.get(i).and_then(|h| h.to_digit(16)) {
                                    Some(v) => {
                                        code = code.saturating_mul(16).saturating_add(v);
                                        let here = chars[i];
                                        advance(&mut i, &mut line, &mut col, here);
                                        digits += 1;
                                    }
                                    None => break,
                                }
                            }
                            value.push(char::from_u32(code).unwrap_or('\u{fffd}'));
                        }
                        '0'..='7' => {
                            let mut code = e.to_digit(8).unwrap_or(0);
                            let mut digits = 1;
                            while digits < 3 {
                                match chars.get(i).and_then(|h| h.to_digit(8)) {
                                    Some(v) => {
                                        code = code * 8 + v;
                                        let here = chars[i];
                                        advance(&mut i, &mut line, &mut col, here);
                                        digits += 1;
                                    }
                                    None => break,
                                }
                            }
                            value.push(char::from_u32(code).unwrap_or('\u{fffd}'));
                        }
                        other => value.push(other),
                    }
                } else {
                    value.push(d);
                }
            }
            // Adjacent string literals concatenate.
            if let Some(Token {
                tok: Tok::Str(previous),
                ..
            }) = tokens.last_mut()
            {
                previous.push_str(&value);
            } else {
                tokens.push(Token {
                    tok: Tok::Str(value),
                    line: start_line,
                    col: start_col,
                });
            }
        } else if c.is_alphanumeric() || c == '_' || c == '.' || c == '-' || c == '+' {
            let (start_line, start_col) = (line, col);
            let mut word = String::new();
            word.push(c);
            advance(&mut i, &mut line, &mut col, c);
            while let Some(&d) = chars.get(i) {
                let exponent_sign = (d == '-' || d == '+')
                    && word.starts_with(|f: char| f.is_ascii_digit() || f == '.' || f == '-')
                    && word.ends_with(['e', 'E']);
                if d.is_alphanumeric() || d == '_' || d == '.' || exponent_sign {
                    word.push(d);
                    advance(&mut i, &mut line, &mut col, d);
                } else {
                    break;
                }
            }
            tokens.push(Token {
                tok: Tok::Word(word),
                line: start_line,
                col: start_col,
            });
        } else {
            tokens.push(Token {
                tok: Tok::Punct(c),
                line,
                col,
            });
            advance(&mut i, &mut line, &mut col, c);
        }
    }
    Ok(tokens)
}

fn syntax(line: usize, col: usize, reason: &str) -> SchemaError {
    SchemaError::Invalid(format!(
        "Could not parse Protobuf - Syntax error in :{line}:{col}: {reason}"
    ))
}

struct Parser {
    tokens: Vec<Token>,
    pos: usize,
    depth: usize,
    max_depth: usize,
    proto3: bool,
}

/// The deepest nesting of messages and aggregate option values accepted whatever the configured
/// limit: printing and diffing recurse once per level, and this keeps them well inside a thread's
/// stack even in debug builds.
pub(crate) const MAX_NESTING: usize = 100;

/// Parses `.proto` text into the Wire-shaped tree.
pub(crate) fn parse(text: &str, max_depth: usize) -> Result<ProtoFile, SchemaError> {
    let mut parser = Parser {
        tokens: lex(text)?,
        pos: 0,
        depth: 0,
        max_depth: max_depth.min(MAX_NESTING),
        proto3: false,
    };
    parser.file()
}

impl Parser {
    fn peek(&self) -> Option<&Tok> {
        self.tokens.get(self.pos).map(|t| &t.tok)
    }

    fn error(&self, reason: &str) -> SchemaError {
        match self.tokens.get(self.pos).or(self.tokens.last()) {
            Some(t) => syntax(t.line, t.col, reason),
            None => syntax(1, 1, reason),
        }
    }

    /// Where the next token starts.
    fn position(&self) -> Option<Position> {
        self.tokens.get(self.pos).map(|t| Position {
            line: t.line,
            column: t.col,
        })
    }

    fn next(&mut self) -> Option<Tok> {
        let tok = self.tokens.get(self.pos).map(|t| t.tok.clone());
        if tok.is_some() {
            self.pos += 1;
        }
        tok
    }

    fn is_punct(&self, c: char) -> bool {
        self.peek() == Some(&Tok::Punct(c))
    }

    fn eat(&mut self, c: char) -> bool {
        if self.is_punct(c) {
            self.pos += 1;
            true
        } else {
            false
        }
    }

    fn expect(&mut self, c: char) -> Result<(), SchemaError> {
        if self.eat(c) {
            Ok(())
        } else {
            Err(self.error(&format!("expected '{c}'")))
        }
    }

    fn word(&mut self) -> Result<String, SchemaError> {
        match self.peek() {
            Some(Tok::Word(w)) => {
                let w = w.clone();
                self.pos += 1;
                Ok(w)
            }
            _ => Err(self.error("expected a word")),
        }
    }

    fn string(&mut self) -> Result<String, SchemaError> {
        match self.peek() {
            Some(Tok::Str(s)) => {
                let s = s.clone();
                self.pos += 1;
                Ok(s)
            }
            _ => Err(self.error("expected a string")),
        }
    }

    fn int(&mut self) -> Result<i64, SchemaError> {
        let word = self.word()?;
        parse_int(&word).ok_or_else(|| {
            self.pos -= 1;
            self.error(&format!("expected an integer but was {word}"))
        })
    }

    fn enter(&mut self) -> Result<(), SchemaError> {
        self.depth += 1;
        if self.depth > self.max_depth {
            return Err(SchemaError::TooDeep {
                limit: self.max_depth,
            });
        }
        Ok(())
    }

    fn file(&mut self) -> Result<ProtoFile, SchemaError> {
        let mut file = ProtoFile::default();
        while let Some(tok) = self.peek().cloned() {
            match tok {
                Tok::Punct(';') => self.pos += 1,
                Tok::Word(w) => {
                    self.pos += 1;
                    match w.as_str() {
                        "syntax" => {
                            self.expect('=')?;
                            let value = self.string()?;
                            if value != "proto2" && value != "proto3" {
                                self.pos -= 1;
                                return Err(self.error(&format!("unexpected syntax: {value}")));
                            }
                            self.proto3 = value == "proto3";
                            file.syntax = Some(value);
                            self.expect(';')?;
                        }
                        "package" => {
                            file.package = Some(self.word()?);
                            self.expect(';')?;
                        }
                        "import" => {
                            let mut public = false;
                            if let Some(Tok::Word(m)) = self.peek() {
                                public = m == "public";
                                if m == "public" || m == "weak" {
                                    self.pos += 1;
                                }
                            }
                            let path = self.string()?;
                            if public {
                                file.public_imports.push(path);
                            } else {
                                file.imports.push(path);
                            }
                            self.expect(';')?;
                        }
                        "option" => {
                            file.options.push(self.option()?);
                            self.expect(';')?;
                        }
                        "message" => file.types.push(TypeElement::Message(self.message()?)),
                        "enum" => file.types.push(TypeElement::Enum(self.enumeration()?)),
                        "service" => file.services.push(self.service()?),
                        "extend" => file.extends.push(self.extend()?),
                        other => {
                            self.pos -= 1;
                            return Err(self.error(&format!("unexpected label: {other}")));
                        }
                    }
                }
                _ => return Err(self.error("expected a word")),
            }
        }
        Ok(file)
    }

    fn message(&mut self) -> Result<MessageElement, SchemaError> {
        self.enter()?;
        let mut message = MessageElement {
            position: self.position(),
            name: self.word()?,
            ..MessageElement::default()
        };
        self.expect('{')?;
        loop {
            if self.eat('}') {
                break;
            }
            if self.eat(';') {
                continue;
            }
            let Some(Tok::Word(w)) = self.peek().cloned() else {
                return Err(self.error("expected a word"));
            };
            match w.as_str() {
                "message" => {
                    self.pos += 1;
                    message.nested.push(TypeElement::Message(self.message()?));
                }
                "enum" => {
                    self.pos += 1;
                    message.nested.push(TypeElement::Enum(self.enumeration()?));
                }
                "extend" => {
                    self.pos += 1;
                    message.extends.push(self.extend()?);
                }
                "option" => {
                    self.pos += 1;
                    message.options.push(self.option()?);
                    self.expect(';')?;
                }
                "oneof" => {
                    self.pos += 1;
                    message.oneofs.push(self.oneof()?);
                }
                "reserved" => {
                    self.pos += 1;
                    message.reserveds.push(self.ranges(true)?);
                }
                "extensions" => {
                    self.pos += 1;
                    message.extensions.push(self.ranges(false)?);
                    if self.is_punct('[') {
                        self.field_options()?;
                    }
                    self.expect(';')?;
                }
                _ => message.fields.push(self.field(true)?),
            }
        }
        self.depth -= 1;
        Ok(message)
    }

    fn oneof(&mut self) -> Result<OneOfElement, SchemaError> {
        let mut oneof = OneOfElement {
            name: self.word()?,
            options: Vec::new(),
            fields: Vec::new(),
        };
        self.expect('{')?;
        loop {
            if self.eat('}') {
                break;
            }
            if self.eat(';') {
                continue;
            }
            if self.peek() == Some(&Tok::Word("option".into())) {
                self.pos += 1;
                oneof.options.push(self.option()?);
                self.expect(';')?;
                continue;
            }
            oneof.fields.push(self.field(false)?);
        }
        Ok(oneof)
    }

    fn field(&mut self, labels_allowed: bool) -> Result<FieldElement, SchemaError> {
        let mut label = None;
        if let Some(Tok::Word(w)) = self.peek() {
            label = match w.as_str() {
                "optional" => Some(Label::Optional),
                "required" => Some(Label::Required),
                "repeated" => Some(Label::Repeated),
                _ => None,
            };
        }
        if label.is_some() {
            if !labels_allowed {
                return Err(self.error("labels are not permitted on oneof fields"));
            }
            if self.proto3 && label == Some(Label::Required) {
                return Err(self.error("'required' label forbidden in proto3 field declarations"));
            }
            self.pos += 1;
        }
        let position = self.position();
        let type_name = if self.peek() == Some(&Tok::Word("map".into()))
            && self.tokens.get(self.pos + 1).map(|t| &t.tok) == Some(&Tok::Punct('<'))
        {
            self.pos += 2;
            let key = self.word()?;
            self.expect(',')?;
            let value = self.word()?;
            self.expect('>')?;
            format!("map<{key}, {value}>")
        } else {
            let t = self.word()?;
            if t == "group" {
                self.pos -= 1;
                return Err(self.error("groups are not supported"));
            }
            t
        };
        let name = self.word()?;
        self.expect('=')?;
        let tag = self.int()?;
        let mut field = FieldElement {
            position,
            label,
            type_name,
            name,
            tag,
            default_value: None,
            json_name: None,
            options: Vec::new(),
        };
        if self.is_punct('[') {
            for option in self.field_options()? {
                match (option.name.as_str(), option.parenthesized, &option.value) {
                    ("default", false, OptionValue::String(v) | OptionValue::Raw(v)) => {
                        field.default_value = Some(v.clone());
                    }
                    ("json_name", false, OptionValue::String(v)) => {
                        field.json_name = Some(v.clone());
                    }
                    _ => field.options.push(option),
                }
            }
        }
        self.expect(';')?;
        Ok(field)
    }

    fn field_options(&mut self) -> Result<Vec<OptionElement>, SchemaError> {
        self.expect('[')?;
        let mut options = Vec::new();
        loop {
            options.push(self.option()?);
            if self.eat(']') {
                break;
            }
            self.expect(',')?;
        }
        Ok(options)
    }

    fn ranges(&mut self, names_allowed: bool) -> Result<Vec<Reserved>, SchemaError> {
        let mut values = Vec::new();
        loop {
            if names_allowed && matches!(self.peek(), Some(Tok::Str(_))) {
                values.push(Reserved::Name(self.string()?));
            } else {
                let start = self.int()?;
                if self.peek() == Some(&Tok::Word("to".into())) {
                    self.pos += 1;
                    let end = if self.peek() == Some(&Tok::Word("max".into())) {
                        self.pos += 1;
                        MAX_TAG
                    } else {
                        self.int()?
                    };
                    values.push(Reserved::Range(start, end));
                } else {
                    values.push(Reserved::Tag(start));
                }
            }
            if !self.eat(',') {
                break;
            }
        }
        if names_allowed {
            self.expect(';')?;
        }
        Ok(values)
    }

    fn enumeration(&mut self) -> Result<EnumElement, SchemaError> {
        let mut element = EnumElement {
            position: self.position(),
            name: self.word()?,
            ..EnumElement::default()
        };
        self.expect('{')?;
        loop {
            if self.eat('}') {
                break;
            }
            if self.eat(';') {
                continue;
            }
            let w = self.word()?;
            match w.as_str() {
                "option" => {
                    element.options.push(self.option()?);
                    self.expect(';')?;
                }
                "reserved" => {
                    element.reserveds.push(self.ranges(true)?);
                }
                _ => {
                    self.expect('=')?;
                    let tag = self.int()?;
                    let options = if self.is_punct('[') {
                        self.field_options()?
                    } else {
                        Vec::new()
                    };
                    self.expect(';')?;
                    element.constants.push(EnumConstant {
                        name: w,
                        tag,
                        options,
                    });
                }
            }
        }
        Ok(element)
    }

    fn extend(&mut self) -> Result<ExtendElement, SchemaError> {
        let name = self.word()?;
        self.expect('{')?;
        let mut fields = Vec::new();
        loop {
            if self.eat('}') {
                break;
            }
            if self.eat(';') {
                continue;
            }
            fields.push(self.field(true)?);
        }
        Ok(ExtendElement { name, fields })
    }

    fn service(&mut self) -> Result<ServiceElement, SchemaError> {
        let mut service = ServiceElement {
            name: self.word()?,
            options: Vec::new(),
            rpcs: Vec::new(),
        };
        self.expect('{')?;
        loop {
            if self.eat('}') {
                break;
            }
            if self.eat(';') {
                continue;
            }
            let w = self.word()?;
            match w.as_str() {
                "option" => {
                    service.options.push(self.option()?);
                    self.expect(';')?;
                }
                "rpc" => service.rpcs.push(self.rpc()?),
                other => {
                    self.pos -= 1;
                    return Err(self.error(&format!("unexpected label: {other}")));
                }
            }
        }
        Ok(service)
    }

    fn rpc(&mut self) -> Result<RpcElement, SchemaError> {
        let position = self.position();
        let name = self.word()?;
        let (request_streaming, request_type) = self.rpc_type()?;
        if self.word()? != "returns" {
            self.pos -= 1;
            return Err(self.error("expected 'returns'"));
        }
        let (response_streaming, response_type) = self.rpc_type()?;
        let mut options = Vec::new();
        if self.eat('{') {
            loop {
                if self.eat('}') {
                    break;
                }
                if self.eat(';') {
                    continue;
                }
                if self.word()? != "option" {
                    self.pos -= 1;
                    return Err(self.error("expected 'option'"));
                }
                options.push(self.option()?);
                self.expect(';')?;
            }
            self.eat(';');
        } else {
            self.expect(';')?;
        }
        Ok(RpcElement {
            name,
            position,
            request_type,
            request_streaming,
            response_type,
            response_streaming,
            options,
        })
    }

    fn rpc_type(&mut self) -> Result<(bool, String), SchemaError> {
        self.expect('(')?;
        let mut streaming = false;
        let mut name = self.word()?;
        if name == "stream" && !self.is_punct(')') {
            streaming = true;
            name = self.word()?;
        }
        self.expect(')')?;
        Ok((streaming, name))
    }

    /// `name = value` after the `option` keyword (or inside `[...]`).
    fn option(&mut self) -> Result<OptionElement, SchemaError> {
        let mut parts: Vec<(String, bool)> = Vec::new();
        loop {
            if self.eat('(') {
                let name = self.word()?;
                self.expect(')')?;
                parts.push((name, true));
                // `(ext).sub` lexes as `(ext)` then a word starting with a dot.
                if let Some(Tok::Word(w)) = self.peek().cloned() {
                    if let Some(rest) = w.strip_prefix('.') {
                        self.pos += 1;
                        for sub in rest.split('.').filter(|s| !s.is_empty()) {
                            parts.push((sub.to_owned(), false));
                        }
                    }
                }
            } else {
                let w = self.word()?;
                parts.push((w, false));
            }
            if !self.eat('.') {
                break;
            }
        }
        self.expect('=')?;
        let value = self.option_value()?;
        let mut element: Option<OptionElement> = None;
        for (name, parenthesized) in parts.into_iter().rev() {
            let value = match element.take() {
                Some(inner) => OptionValue::Option(Box::new(inner)),
                None => value.clone(),
            };
            element = Some(OptionElement {
                name,
                parenthesized,
                value,
            });
        }
        element.ok_or_else(|| self.error("expected an option name"))
    }

    fn option_value(&mut self) -> Result<OptionValue, SchemaError> {
        match self.peek().cloned() {
            Some(Tok::Str(s)) => {
                self.pos += 1;
                Ok(OptionValue::String(s))
            }
            Some(Tok::Punct('{')) => {
                self.pos += 1;
                Ok(OptionValue::Map(self.aggregate_map()?))
            }
            Some(Tok::Punct('[')) => {
                self.pos += 1;
                let mut items = Vec::new();
                loop {
                    if self.eat(']') {
                        break;
                    }
                    let value = self.option_value()?;
                    items.push(OptionElement {
                        name: String::new(),
                        parenthesized: false,
                        value,
                    });
                    self.eat(',');
                }
                Ok(OptionValue::List(items))
            }
            Some(Tok::Word(w)) => {
                self.pos += 1;
                Ok(OptionValue::Raw(w))
            }
            _ => Err(self.error("expected an option value")),
        }
    }

    fn aggregate_map(&mut self) -> Result<Vec<(String, Aggregate)>, SchemaError> {
        self.enter()?;
        let mut entries: Vec<(String, Aggregate)> = Vec::new();
        loop {
            if self.eat('}') {
                break;
            }
            if self.eat(',') || self.eat(';') {
                continue;
            }
            let key = if self.eat('[') {
                let name = self.word()?;
                self.expect(']')?;
                format!("[{name}]")
            } else {
                self.word()?
            };
            self.eat(':');
            let value = self.aggregate_value()?;
            match entries.iter_mut().find(|(k, _)| *k == key) {
                Some((_, Aggregate::List(items))) => items.push(value),
                Some((_, existing)) => {
                    let first = std::mem::replace(existing, Aggregate::List(Vec::new()));
                    *existing = Aggregate::List(vec![first, value]);
                }
                None => entries.push((key, value)),
            }
        }
        self.depth -= 1;
        Ok(entries)
    }

    fn aggregate_value(&mut self) -> Result<Aggregate, SchemaError> {
        match self.next() {
            Some(Tok::Str(s)) => Ok(Aggregate::String(s)),
            Some(Tok::Word(w)) => Ok(Aggregate::Raw(w)),
            Some(Tok::Punct('{')) => Ok(Aggregate::Map(self.aggregate_map()?)),
            Some(Tok::Punct('<')) => {
                // The text format's alternative map delimiters.
                self.enter()?;
                let mut entries = Vec::new();
                loop {
                    if self.eat('>') {
                        break;
                    }
                    if self.eat(',') || self.eat(';') {
                        continue;
                    }
                    let key = self.word()?;
                    self.eat(':');
                    entries.push((key, self.aggregate_value()?));
                }
                self.depth -= 1;
                Ok(Aggregate::Map(entries))
            }
            Some(Tok::Punct('[')) => {
                self.enter()?;
                let mut items = Vec::new();
                loop {
                    if self.eat(']') {
                        break;
                    }
                    if self.eat(',') {
                        continue;
                    }
                    items.push(self.aggregate_value()?);
                }
                self.depth -= 1;
                Ok(Aggregate::List(items))
            }
            _ => {
                self.pos = self.pos.saturating_sub(1);
                Err(self.error("expected an option value"))
            }
        }
    }
}

/// Parses the body of a text-format aggregate (`key: value ...`, without the outer braces), as
/// carried in a descriptor's `UninterpretedOption.aggregate_value`.
pub(crate) fn parse_aggregate(text: &str) -> Result<Vec<(String, Aggregate)>, SchemaError> {
    let mut parser = Parser {
        tokens: lex(&format!("{text}}}"))?,
        pos: 0,
        depth: 0,
        max_depth: MAX_NESTING,
        proto3: false,
    };
    let entries = parser.aggregate_map()?;
    if parser.pos != parser.tokens.len() {
        return Err(parser.error("unexpected input after the aggregate"));
    }
    Ok(entries)
}

/// Parses a protobuf integer literal: decimal, hex (`0x`) or octal (leading `0`), with sign.
pub(crate) fn parse_int(word: &str) -> Option<i64> {
    let (negative, digits) = match word.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, word.strip_prefix('+').unwrap_or(word)),
    };
    let value = if let Some(hex) = digits
        .strip_prefix("0x")
        .or_else(|| digits.strip_prefix("0X"))
    {
        i64::from_str_radix(hex, 16).ok()?
    } else if digits.len() > 1 && digits.starts_with('0') {
        i64::from_str_radix(&digits[1..], 8).ok()?
    } else {
        digits.parse::<i64>().ok()?
    };
    Some(if negative { -value } else { value })
}
