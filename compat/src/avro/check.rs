//! Reader/writer compatibility: Java Avro 1.11's `SchemaCompatibility`, rendered the way Confluent's `Difference` does.
//!
//! The walk, its memoization on (reader node, writer node) pairs, the places where Java restarts
//! the location from the root (inside unions) and the order in which incompatibilities are
//! collected all follow Java, because Confluent's messages expose every one of those details.
//! Confluent's trailer entries (`{oldSchemaVersion: N}`, `{oldSchema: '...'}`) are the caller's.

use std::collections::HashMap;

use super::AvroSchema;
use super::json::java_cmp;
use super::print;
use super::schema::{Arena, Field, Kind, Name, NodeId, Prim, Type};
use crate::{CompatibilityLevel, Violation};

/// Upper bound on incompatibilities kept per result. Java keeps every repetition, which grows
/// exponentially when an incompatible named type is shared along a chain; the cap bounds memory.
const MAX_INCOMPATIBILITIES: usize = 1000;

/// Checks `new` against `previous` in the direction(s) of `level`. For FULL levels the forward
/// messages (old schema reading new data) come first, as in Confluent's `mutualReadStrategy`.
pub(crate) fn check(level: CompatibilityLevel, new: &AvroSchema, previous: &AvroSchema) -> Vec<Violation> {
    let mut violations = Vec::new();
    if level == CompatibilityLevel::None {
        return violations;
    }
    if level.checks_forward() {
        violations.extend(direction(previous, new, "old", "new"));
    }
    if level.checks_backward() {
        violations.extend(direction(new, previous, "new", "old"));
    }
    violations
}

/// Confluent's `isBackwardCompatible` called on `reader` with `writer`, with `%s` filled in.
fn direction(reader: &AvroSchema, writer: &AvroSchema, reader_label: &str, writer_label: &str) -> Vec<Violation> {
    let mut checker = Checker {
        r: &reader.arena,
        w: &writer.arena,
        memo: HashMap::new(),
    };
    match checker.fresh(reader.root, writer.root) {
        Ok(outcome) => outcome
            .items
            .iter()
            .map(|item| render(item, reader_label, writer_label))
            .collect(),
        // Java throws out of the whole check; Confluent reports the exception message instead.
        Err(message) => vec![Violation {
            rule: "UNEXPECTED_EXCEPTION".to_owned(),
            path: "/".to_owned(),
            message: format!("Unexpected exception during compatibility check: {message}"),
        }],
    }
}

/// Java's `SchemaIncompatibilityType`.
#[derive(Debug, Clone, Copy)]
enum Rule {
    NameMismatch,
    FixedSizeMismatch,
    MissingEnumSymbols,
    ReaderFieldMissingDefaultValue,
    TypeMismatch,
    MissingUnionBranch,
}

impl Rule {
    fn constant(self) -> &'static str {
        match self {
            Rule::NameMismatch => "NAME_MISMATCH",
            Rule::FixedSizeMismatch => "FIXED_SIZE_MISMATCH",
            Rule::MissingEnumSymbols => "MISSING_ENUM_SYMBOLS",
            Rule::ReaderFieldMissingDefaultValue => "READER_FIELD_MISSING_DEFAULT_VALUE",
            Rule::TypeMismatch => "TYPE_MISMATCH",
            Rule::MissingUnionBranch => "MISSING_UNION_BRANCH",
        }
    }
}

/// One of Java's `Incompatibility` values: the location includes the root token.
#[derive(Debug, Clone)]
struct Incompatibility {
    rule: Rule,
    message: String,
    location: Vec<String>,
}

impl Incompatibility {
    /// `Incompatibility.getLocation()`: a JSON pointer without the root token.
    fn path(&self) -> String {
        let tokens: Vec<String> = self
            .location
            .iter()
            .skip(1)
            .map(|t| t.replace('~', "~0").replace('/', "~1"))
            .collect();
        format!("/{}", tokens.join("/"))
    }
}

/// Java's `SchemaCompatibilityResult`.
#[derive(Debug, Clone, Default)]
struct Outcome {
    incompatible: bool,
    items: Vec<Incompatibility>,
}

impl Outcome {
    fn merge(&mut self, other: Outcome) {
        self.incompatible |= other.incompatible;
        let room = MAX_INCOMPATIBILITIES.saturating_sub(self.items.len());
        self.items.extend(other.items.into_iter().take(room));
    }

    fn add(&mut self, rule: Rule, message: String, location: &[String]) {
        self.merge(Outcome {
            incompatible: true,
            items: vec![Incompatibility {
                rule,
                message,
                location: location.to_vec(),
            }],
        });
    }
}

enum Memo {
    InProgress,
    Done(Outcome),
}

/// Java's `ReaderWriterCompatibilityChecker`; `Err` is an exception that aborts the check.
struct Checker<'a> {
    r: &'a Arena,
    w: &'a Arena,
    memo: HashMap<(NodeId, NodeId), Memo>,
}

impl Checker<'_> {
    /// The public two-argument `getCompatibility`: a fresh location starting at the root.
    fn fresh(&mut self, reader: NodeId, writer: NodeId) -> Result<Outcome, String> {
        let mut location = Vec::new();
        self.get("", reader, writer, &mut location)
    }

    /// `getCompatibility(token, reader, writer, location)` with memoization; a pair met again while
    /// it is being computed (recursion) counts as compatible.
    fn get(&mut self, token: &str, reader: NodeId, writer: NodeId, location: &mut Vec<String>) -> Result<Outcome, String> {
        location.push(token.to_owned());
        let outcome = match self.memo.get(&(reader, writer)) {
            Some(Memo::InProgress) => Outcome::default(),
            Some(Memo::Done(outcome)) => outcome.clone(),
            None => {
                self.memo.insert((reader, writer), Memo::InProgress);
                let outcome = self.calculate(reader, writer, location)?;
                self.memo.insert((reader, writer), Memo::Done(outcome.clone()));
                outcome
            }
        };
        location.pop();
        Ok(outcome)
    }

    fn calculate(&mut self, reader: NodeId, writer: NodeId, location: &mut Vec<String>) -> Result<Outcome, String> {
        let (r_arena, w_arena) = (self.r, self.w);
        let (r, w) = (r_arena.node(reader), w_arena.node(writer));
        let (rt, wt) = (r.ty(), w.ty());
        let mut result = Outcome::default();
        if rt == wt {
            match (&r.kind, &w.kind) {
                (Kind::Array(ri), Kind::Array(wi)) => result.merge(self.get("items", *ri, *wi, location)?),
                (Kind::Map(rv), Kind::Map(wv)) => result.merge(self.get("values", *rv, *wv, location)?),
                (Kind::Fixed { size: rs, .. }, Kind::Fixed { size: ws, .. }) => {
                    check_names(&mut result, r_arena, reader, w_arena, writer, location);
                    if rs != ws {
                        location.push("size".to_owned());
                        result.add(Rule::FixedSizeMismatch, format!("expected: {ws}, found: {rs}"), location);
                        location.pop();
                    }
                }
                (
                    Kind::Enum {
                        symbols: r_symbols,
                        default,
                        ..
                    },
                    Kind::Enum { symbols: w_symbols, .. },
                ) => {
                    check_names(&mut result, r_arena, reader, w_arena, writer, location);
                    let mut missing: Vec<&str> = w_symbols
                        .iter()
                        .filter(|s| !r_symbols.contains(s))
                        .map(String::as_str)
                        .collect();
                    missing.sort_by(|a, b| java_cmp(a, b));
                    missing.dedup();
                    let tolerated = default.as_ref().is_some_and(|d| r_symbols.contains(d));
                    if !missing.is_empty() && !tolerated {
                        location.push("symbols".to_owned());
                        result.add(Rule::MissingEnumSymbols, format!("[{}]", missing.join(", ")), location);
                        location.pop();
                    }
                }
                (Kind::Record { .. }, Kind::Record { .. }) => {
                    check_names(&mut result, r_arena, reader, w_arena, writer, location);
                    let fields = self.record_fields(reader, writer, location)?;
                    result.merge(fields);
                }
                (Kind::Union(_), Kind::Union(w_branches)) => {
                    for (i, &branch) in w_branches.iter().enumerate() {
                        location.push(i.to_string());
                        if self.fresh(reader, branch)?.incompatible {
                            let message = format!(
                                "reader union lacking writer type: {}",
                                w_arena.node(branch).ty().constant()
                            );
                            result.add(Rule::MissingUnionBranch, message, location);
                        }
                        location.pop();
                    }
                }
                _ => {}
            }
            return Ok(result);
        }
        // A writer union is readable when every branch is; each branch restarts the location.
        if let Kind::Union(w_branches) = &w.kind {
            for &branch in w_branches {
                result.merge(self.fresh(reader, branch)?);
            }
            return Ok(result);
        }
        let promoted = match rt {
            Type::Prim(Prim::Long) => wt == Type::Prim(Prim::Int),
            Type::Prim(Prim::Float) => matches!(wt, Type::Prim(Prim::Int | Prim::Long)),
            Type::Prim(Prim::Double) => matches!(wt, Type::Prim(Prim::Int | Prim::Long | Prim::Float)),
            Type::Prim(Prim::Bytes) => wt == Type::Prim(Prim::String),
            Type::Prim(Prim::String) => wt == Type::Prim(Prim::Bytes),
            _ => false,
        };
        if promoted {
            return Ok(result);
        }
        if let Kind::Union(r_branches) = &r.kind {
            for &branch in r_branches {
                if !self.fresh(branch, writer)?.incompatible {
                    return Ok(result);
                }
            }
            let message = format!("reader union lacking writer type: {}", wt.constant());
            result.add(Rule::MissingUnionBranch, message, location);
            return Ok(result);
        }
        let message = format!(
            "reader type: {} not compatible with writer type: {}",
            rt.constant(),
            wt.constant()
        );
        result.add(Rule::TypeMismatch, message, location);
        Ok(result)
    }

    /// `checkReaderWriterRecordFields`: every reader field must be found in the writer (by name
    /// or reader alias) or have a default.
    fn record_fields(&mut self, reader: NodeId, writer: NodeId, location: &mut Vec<String>) -> Result<Outcome, String> {
        let (r_arena, w_arena) = (self.r, self.w);
        let mut result = Outcome::default();
        location.push("fields".to_owned());
        for (pos, field) in r_arena.fields(reader).iter().enumerate() {
            location.push(pos.to_string());
            match lookup_writer_field(r_arena, w_arena, writer, field, pos)? {
                Some(writer_field) => {
                    result.merge(self.get("type", field.ty, writer_field.ty, location)?);
                }
                None if field.default.is_some() => {}
                None => {
                    let enum_with_default = matches!(
                        r_arena.node(field.ty).kind,
                        Kind::Enum { default: Some(_), .. }
                    );
                    if enum_with_default {
                        // Java compares the reader's enum with the writer's whole record here.
                        result.merge(self.get("type", field.ty, writer, location)?);
                    } else {
                        result.add(Rule::ReaderFieldMissingDefaultValue, field.name.clone(), location);
                    }
                }
            }
            location.pop();
        }
        location.pop();
        Ok(result)
    }
}

/// `checkSchemaNames`: unqualified names equal, or a reader alias equal to the writer's full name.
fn check_names(result: &mut Outcome, r_arena: &Arena, reader: NodeId, w_arena: &Arena, writer: NodeId, location: &mut Vec<String>) {
    let (Some(r_name), Some(w_name)) = (r_arena.node(reader).name(), w_arena.node(writer).name()) else {
        return;
    };
    let aliases: &[Name] = r_arena.node(reader).aliases();
    if r_name.name != w_name.name && !aliases.iter().any(|a| a.full == w_name.full) {
        location.push("name".to_owned());
        result.add(Rule::NameMismatch, format!("expected: {}", w_name.full), location);
        location.pop();
    }
}

/// `lookupWriterField`: more than one match (name plus aliases) is an exception in Java.
fn lookup_writer_field<'w>(
    r_arena: &Arena,
    w_arena: &'w Arena,
    writer: NodeId,
    field: &Field,
    pos: usize,
) -> Result<Option<&'w Field>, String> {
    let writer_fields = w_arena.fields(writer);
    let find = |name: &str| writer_fields.iter().find(|f| f.name == name);
    let matches: Vec<&Field> = std::iter::once(field.name.as_str())
        .chain(field.aliases.iter().map(String::as_str))
        .filter_map(find)
        .collect();
    match matches.as_slice() {
        [] => Ok(None),
        [only] => Ok(Some(only)),
        _ => Err(format!(
            "Reader record field {} type:{} pos:{pos} matches multiple fields in writer record schema {}",
            field.name,
            r_arena.node(field.ty).ty().constant(),
            print::to_string(w_arena, writer)
        )),
    }
}

/// Confluent's `Difference.error()` with the reader and writer labels substituted.
fn render(item: &Incompatibility, reader: &str, writer: &str) -> Violation {
    let path = item.path();
    let description = match item.rule {
        Rule::FixedSizeMismatch => format!(
            "The size of FIXED type field at path '{path}' in the {reader} schema does not match with the {writer} schema"
        ),
        Rule::TypeMismatch => format!(
            "The type (path '{path}') of a field in the {reader} schema does not match with the {writer} schema"
        ),
        Rule::NameMismatch => format!("The name of the schema has changed (path '{path}')"),
        Rule::MissingEnumSymbols => format!(
            "The {reader} schema is missing enum symbols '{}' at path '{path}' in the {writer} schema",
            item.message
        ),
        Rule::MissingUnionBranch => format!(
            "The {reader} schema is missing a type inside a union field at path '{path}' in the {writer} schema"
        ),
        Rule::ReaderFieldMissingDefaultValue => format!(
            "The field '{}' at path '{path}' in the {reader} schema has no default value and is missing in the {writer} schema",
            item.message
        ),
    };
    Violation {
        rule: item.rule.constant().to_owned(),
        message: format!(
            "{{errorType:'{}', description:'{description}', additionalInfo:'{}'}}",
            item.rule.constant(),
            item.message
        ),
        path,
    }
}
