//! Text to tree: YAML or JSON into a `serde_json::Value` plus a map from JSON pointer to line
//! and column.
//!
//! Both syntaxes go through the YAML 1.2 event parser of `serde-saphyr` (`granit_parser`;
//! JSON is YAML flow syntax), and the tree is built by a loop with an explicit stack, never by
//! recursion: `serde-saphyr`'s serde layer recurses once per nesting level with frames large
//! enough (tens of KiB in debug builds) that a document near any useful depth limit would
//! overflow a 2 MiB thread stack. The loop enforces the budgets as events stream: size before
//! anything is read, then depth, node count and the nodes copied by alias expansion, so an
//! alias bomb or 10,000-level nesting stops early. Scalars follow the YAML 1.2 core schema
//! (`on`/`off`/`yes`/`no` stay strings), and a duplicate key is an error.

use std::collections::HashMap;

use serde_json::{Map, Number, Value};
use serde_saphyr::granit_parser::{self, Event, Parser, ScalarStyle, Span, StrInput};

use crate::ParseOptions;
use crate::error::ParseError;
use crate::pointer;

/// The syntax a document was written in, detected from its content.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Syntax {
    /// The first non-blank character is `{` or `[`.
    Json,
    /// Anything else.
    Yaml,
}

/// Where each node of a parsed document starts in its text (1-based line and column).
#[derive(Debug, Clone)]
pub struct SourceMap {
    root: LocNode,
}

#[derive(Debug, Clone)]
struct LocNode {
    line: u32,
    column: u32,
    children: Children,
}

#[derive(Debug, Clone)]
enum Children {
    Leaf,
    Map(Vec<(String, LocNode)>),
    Seq(Vec<LocNode>),
}

impl SourceMap {
    /// The line and column of the node at `pointer` (an RFC 6901 JSON pointer), or of its
    /// deepest ancestor present in the text when the node itself is not.
    pub fn locate(&self, pointer: &str) -> Option<(u32, u32)> {
        let mut node = &self.root;
        for token in pointer::tokens(pointer) {
            let next = match &node.children {
                Children::Map(entries) => entries.iter().find(|(k, _)| *k == token).map(|e| &e.1),
                Children::Seq(items) => token.parse::<usize>().ok().and_then(|i| items.get(i)),
                Children::Leaf => None,
            };
            match next {
                Some(n) => node = n,
                None => break,
            }
        }
        (node.line > 0).then_some((node.line, node.column))
    }
}

/// Detects the syntax: JSON when the text starts (after blanks and a BOM) with `{` or `[`.
pub(crate) fn detect(text: &str) -> Syntax {
    match text
        .trim_start_matches('\u{feff}')
        .trim_start()
        .chars()
        .next()
    {
        Some('{') | Some('[') => Syntax::Json,
        _ => Syntax::Yaml,
    }
}

/// Parses `text` into a tree and its source map under the limits of `options`.
pub(crate) fn load(text: &str, options: &ParseOptions) -> Result<(Value, SourceMap), ParseError> {
    if text.len() > options.max_bytes {
        return Err(ParseError::TooLarge {
            size: text.len(),
            limit: options.max_bytes,
        });
    }
    let mut parser_options = granit_parser::Options::default();
    // One more than the limit, so the builder reports the depth rather than the scanner.
    parser_options.flow_nesting_limit = options.max_depth.saturating_add(1);
    parser_options.block_nesting_limit = options.max_depth.saturating_add(1);
    let parser = Parser::with_options(StrInput::new(text), parser_options);
    let mut builder = Builder {
        options,
        stack: Vec::new(),
        anchors: HashMap::new(),
        root: None,
        nodes: 0,
        copied: 0,
        documents: 0,
    };
    for item in parser {
        let (event, span) = item.map_err(|e| scan_error(&e, options))?;
        builder.event(event, span)?;
    }
    match builder.root {
        Some((value, node)) => Ok((value, SourceMap { root: node })),
        None => Ok((
            Value::Null,
            SourceMap {
                root: LocNode {
                    line: 0,
                    column: 0,
                    children: Children::Leaf,
                },
            },
        )),
    }
}

fn clamp(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

fn position(span: &Span) -> (u32, u32) {
    (
        clamp(span.start.line()),
        clamp(span.start.col().saturating_add(1)),
    )
}

fn scan_error(error: &granit_parser::ScanError, options: &ParseOptions) -> ParseError {
    let marker = error.marker();
    let (line, column) = (clamp(marker.line()), clamp(marker.col().saturating_add(1)));
    let message = error.info().to_lowercase();
    if message.contains("nesting") || message.contains("depth") || message.contains("recursion") {
        ParseError::TooDeep {
            limit: options.max_depth,
            line,
            column,
        }
    } else {
        ParseError::Syntax {
            message,
            line,
            column,
        }
    }
}

/// A mapping or sequence under construction.
struct Frame {
    anchor: usize,
    line: u32,
    column: u32,
    kind: FrameKind,
}

enum FrameKind {
    Seq(Vec<Value>, Vec<LocNode>),
    Map {
        values: Map<String, Value>,
        nodes: Vec<(String, LocNode)>,
        key: Option<String>,
    },
}

struct Builder<'a> {
    options: &'a ParseOptions,
    stack: Vec<Frame>,
    /// Anchored nodes by anchor id, with their node count (what an alias would copy).
    anchors: HashMap<usize, (Value, LocNode, usize)>,
    root: Option<(Value, LocNode)>,
    nodes: usize,
    copied: usize,
    documents: usize,
}

impl Builder<'_> {
    fn event(&mut self, event: Event<'_>, span: Span) -> Result<(), ParseError> {
        let (line, column) = position(&span);
        match event {
            Event::DocumentStart(..) => {
                self.documents += 1;
                if self.documents > 1 {
                    return Err(ParseError::Syntax {
                        message: "more than one yaml document in the stream".to_string(),
                        line,
                        column,
                    });
                }
            }
            Event::Scalar(text, style, anchor, tag) => {
                self.count(line, column)?;
                let value = match tag.as_deref() {
                    Some(t) if t.is_yaml_core_schema_tag("str") => Value::String(text.into_owned()),
                    _ if style != ScalarStyle::Plain => Value::String(text.into_owned()),
                    _ => resolve_plain(&text),
                };
                let node = LocNode {
                    line,
                    column,
                    children: Children::Leaf,
                };
                self.complete(value, node, anchor, line, column)?;
            }
            Event::SequenceStart(_, anchor, _) | Event::MappingStart(_, anchor, _) => {
                self.count(line, column)?;
                if self.stack.len() >= self.options.max_depth {
                    return Err(ParseError::TooDeep {
                        limit: self.options.max_depth,
                        line,
                        column,
                    });
                }
                let kind = if matches!(event, Event::SequenceStart(..)) {
                    FrameKind::Seq(Vec::new(), Vec::new())
                } else {
                    FrameKind::Map {
                        values: Map::new(),
                        nodes: Vec::new(),
                        key: None,
                    }
                };
                self.stack.push(Frame {
                    anchor,
                    line,
                    column,
                    kind,
                });
            }
            Event::SequenceEnd | Event::MappingEnd => {
                let Some(frame) = self.stack.pop() else {
                    return Err(ParseError::Syntax {
                        message: "unbalanced end of a collection".to_string(),
                        line,
                        column,
                    });
                };
                let (value, children) = match frame.kind {
                    FrameKind::Seq(values, nodes) => (Value::Array(values), Children::Seq(nodes)),
                    FrameKind::Map { values, nodes, .. } => {
                        (Value::Object(values), Children::Map(nodes))
                    }
                };
                let node = LocNode {
                    line: frame.line,
                    column: frame.column,
                    children,
                };
                self.complete(value, node, frame.anchor, frame.line, frame.column)?;
            }
            Event::Alias(id) => {
                let Some((value, node, size)) = self.anchors.get(&id) else {
                    return Err(ParseError::Syntax {
                        message: "alias to an unknown anchor".to_string(),
                        line,
                        column,
                    });
                };
                self.copied = self.copied.saturating_add(*size);
                if self.copied > self.options.max_alias_expansions {
                    return Err(ParseError::AliasBudget {
                        limit: self.options.max_alias_expansions,
                        line,
                        column,
                    });
                }
                self.nodes = self.nodes.saturating_add(*size);
                let (value, node) = (value.clone(), node.clone());
                self.count(line, column)?;
                self.complete(value, node, 0, line, column)?;
            }
            _ => {}
        }
        Ok(())
    }

    fn count(&mut self, line: u32, column: u32) -> Result<(), ParseError> {
        self.nodes = self.nodes.saturating_add(1);
        if self.nodes > self.options.max_nodes {
            return Err(ParseError::Budget {
                message: format!("more than {} nodes", self.options.max_nodes),
                line,
                column,
            });
        }
        Ok(())
    }

    /// Places a finished node into its parent (or as the root) and records its anchor.
    fn complete(
        &mut self,
        value: Value,
        node: LocNode,
        anchor: usize,
        line: u32,
        column: u32,
    ) -> Result<(), ParseError> {
        if anchor != 0 {
            let size = size(&value);
            self.anchors
                .insert(anchor, (value.clone(), node.clone(), size));
        }
        let Some(parent) = self.stack.last_mut() else {
            self.root = Some((value, node));
            return Ok(());
        };
        match &mut parent.kind {
            FrameKind::Seq(values, nodes) => {
                values.push(value);
                nodes.push(node);
            }
            FrameKind::Map { values, nodes, key } => match key.take() {
                None => {
                    *key = Some(key_text(value).ok_or_else(|| ParseError::Syntax {
                        message: "mapping keys must be scalars".to_string(),
                        line,
                        column,
                    })?);
                }
                Some(k) => {
                    if values.contains_key(&k) {
                        return Err(ParseError::DuplicateKey {
                            message: format!("key {k} appears twice in one mapping"),
                            line: node.line,
                            column: node.column,
                        });
                    }
                    nodes.push((k.clone(), node));
                    values.insert(k, value);
                }
            },
        }
        Ok(())
    }
}

/// Nodes in a tree, without recursion.
fn size(value: &Value) -> usize {
    let mut count = 0usize;
    let mut pending = vec![value];
    while let Some(v) = pending.pop() {
        count += 1;
        match v {
            Value::Array(items) => pending.extend(items),
            Value::Object(map) => pending.extend(map.values()),
            _ => {}
        }
    }
    count
}

/// A mapping key as JSON spells it.
fn key_text(value: Value) -> Option<String> {
    match value {
        Value::String(s) => Some(s),
        Value::Null => Some("null".to_string()),
        Value::Bool(b) => Some(b.to_string()),
        Value::Number(n) => Some(n.to_string()),
        Value::Array(_) | Value::Object(_) => None,
    }
}

/// The YAML 1.2 core schema for plain scalars: null, booleans (`true`/`false` in three
/// capitalizations only), integers (decimal, `0o` octal, `0x` hex) and floats; anything else
/// is a string. `.inf` and `.nan` have no JSON form and stay strings.
fn resolve_plain(text: &str) -> Value {
    match text {
        "" | "~" | "null" | "Null" | "NULL" => return Value::Null,
        "true" | "True" | "TRUE" => return Value::Bool(true),
        "false" | "False" | "FALSE" => return Value::Bool(false),
        _ => {}
    }
    if let Some(n) = integer(text) {
        return n;
    }
    if is_float(text) {
        if let Some(n) = text.parse::<f64>().ok().and_then(Number::from_f64) {
            return Value::Number(n);
        }
    }
    Value::String(text.to_string())
}

fn integer(text: &str) -> Option<Value> {
    let radix = |digits: &str, radix: u32| {
        (!digits.is_empty())
            .then(|| u64::from_str_radix(digits, radix).ok())
            .flatten()
            .map(|n| Value::Number(n.into()))
    };
    if let Some(octal) = text.strip_prefix("0o") {
        return radix(octal, 8);
    }
    if let Some(hex) = text.strip_prefix("0x") {
        return radix(hex, 16);
    }
    let digits = text.strip_prefix(['-', '+']).unwrap_or(text);
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    if let Ok(n) = text.parse::<i64>() {
        return Some(Value::Number(n.into()));
    }
    if let Ok(n) = digits.parse::<u64>()
        && !text.starts_with('-')
    {
        return Some(Value::Number(n.into()));
    }
    text.parse::<f64>()
        .ok()
        .and_then(Number::from_f64)
        .map(Value::Number)
}

/// `[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?`
fn is_float(text: &str) -> bool {
    let body = text.strip_prefix(['-', '+']).unwrap_or(text);
    let (mantissa, exponent) = match body.find(['e', 'E']) {
        Some(i) => (&body[..i], Some(&body[i + 1..])),
        None => (body, None),
    };
    let (int, frac) = match mantissa.split_once('.') {
        Some((i, f)) => (i, Some(f)),
        None => (mantissa, None),
    };
    let digits = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
    let mantissa_ok = match frac {
        Some(f) => digits(int) && digits(f) && !(int.is_empty() && f.is_empty()),
        None => !int.is_empty() && digits(int),
    };
    let exponent_ok = exponent.is_none_or(|e| {
        let e = e.strip_prefix(['-', '+']).unwrap_or(e);
        !e.is_empty() && digits(e)
    });
    mantissa_ok && exponent_ok
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn parse(text: &str) -> Value {
        load(text, &ParseOptions::recommended()).expect("parses").0
    }

    #[test]
    fn booleans_are_yaml_1_2() {
        let v = parse("enum: [on, off, yes, no, y, n, true, False]\nflag: TRUE\n");
        assert_eq!(
            v,
            json!({"enum": ["on", "off", "yes", "no", "y", "n", true, false], "flag": true})
        );
    }

    #[test]
    fn core_schema_numbers_and_nulls() {
        let v = parse(
            "a: 12\nb: -3\nc: 1.5e3\nd: 0x1F\ne: 0o17\nf: ~\ng: '12'\nh: .inf\ni: 1_000\nj: 012\n",
        );
        assert_eq!(
            v,
            json!({"a": 12, "b": -3, "c": 1500.0, "d": 31, "e": 15, "f": null, "g": "12", "h": ".inf", "i": "1_000", "j": 12})
        );
    }

    #[test]
    fn keys_are_strings_and_positions_are_recorded() {
        let (v, map) = load(
            "200:\n  description: ok\nlist:\n  - x\n  - y\n",
            &ParseOptions::recommended(),
        )
        .expect("parses");
        assert_eq!(v["200"]["description"], "ok");
        assert_eq!(map.locate("/200/description"), Some((2, 16)));
        assert_eq!(map.locate("/list/1"), Some((5, 5)));
        // A missing node reports its deepest present ancestor.
        assert_eq!(map.locate("/list/9"), map.locate("/list"));
    }

    #[test]
    fn json_positions() {
        let (_, map) = load(
            "{\n  \"a\": {\"b\": [1, 2]}\n}",
            &ParseOptions::recommended(),
        )
        .expect("parses");
        assert_eq!(map.locate("/a/b/1"), Some((2, 18)));
    }

    #[test]
    fn anchors_and_aliases_copy_values() {
        let v = parse("a: &x {k: v}\nb: *x\n");
        assert_eq!(v["b"], json!({"k": "v"}));
    }
}
