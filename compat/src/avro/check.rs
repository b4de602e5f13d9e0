//! Reader/writer compatibility: Java Avro 1.11's `SchemaCompatibility`, rendered the way Confluent's `Difference` does.
//!
//! The walk, its memoization on (reader node, writer node) pairs, the places where Java restarts
//! the location from the root (inside unions) and the order in which incompatibilities are
//! collected all follow Java, because Confluent's messages expose every one of those details.
//! Confluent's trailer entries (`{oldSchemaVersion: N}`, `{oldSchema: '...'}`) are the caller's.

use std::collections::{HashMap, HashSet};

use super::AvroSchema;
use super::java::java_cmp;
use super::print;
use super::schema::{Arena, Field, Kind, Name, NodeId, Prim, Type};
use crate::{CompatibilityLevel, Violation};

/// Work budget for one direction of a check: pair comparisons plus incompatibilities copied.
/// Union against union is quadratic in Java's algorithm (each writer branch is tried against
/// reader branches in order), so a hostile schema could otherwise keep a request busy for hours;
/// realistic schemas need a few thousand units.
const MAX_WORK: usize = 1_000_000;

/// Upper bound on incompatibilities kept per result. Java keeps every repetition, which grows
/// exponentially when an incompatible named type is shared along a chain; the cap bounds memory.
const MAX_INCOMPATIBILITIES: usize = 1000;

/// Checks `new` against `previous` in the direction(s) of `level`. For FULL levels the forward
/// messages (old schema reading new data) come first, as in Confluent's `mutualReadStrategy`.
pub(crate) fn check(
    level: CompatibilityLevel,
    new: &AvroSchema,
    previous: &AvroSchema,
) -> Vec<Violation> {
    crate::in_directions(level, new, previous, direction)
}

/// Confluent's `isBackwardCompatible` called on `reader` with `writer`, with `%s` filled in.
fn direction(
    reader: &AvroSchema,
    writer: &AvroSchema,
    reader_label: &str,
    writer_label: &str,
) -> Vec<Violation> {
    let mut checker = Checker {
        r: &reader.arena,
        w: &writer.arena,
        memo: HashMap::new(),
        work: 0,
    };
    match checker.fresh(reader.root, writer.root) {
        Ok(outcome) => outcome
            .items
            .iter()
            .map(|item| render(item, reader_label, writer_label))
            .collect(),
        // Java throws out of the whole check; Confluent reports the exception message instead.
        Err(Abort::Exception(message)) => vec![Violation {
            rule: "UNEXPECTED_EXCEPTION".to_owned(),
            path: "/".to_owned(),
            message: format!("Unexpected exception during compatibility check: {message}"),
        }],
        Err(Abort::TooComplex) => vec![Violation {
            rule: "CHECK_TOO_COMPLEX".to_owned(),
            path: "/".to_owned(),
            message: format!(
                "compatibility check abandoned after {MAX_WORK} comparisons: the schemas are too complex to compare"
            ),
        }],
    }
}

/// Why a check stopped before its end.
#[derive(Debug)]
enum Abort {
    /// An exception in Java, reported by Confluent as its message.
    Exception(String),
    /// The work budget ran out (Accord's own limit; Java would keep going).
    TooComplex,
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

/// Java's `ReaderWriterCompatibilityChecker`; `Err` ends the check early.
struct Checker<'a> {
    r: &'a Arena,
    w: &'a Arena,
    memo: HashMap<(NodeId, NodeId), Memo>,
    /// Work done so far, against `MAX_WORK`.
    work: usize,
}

impl Checker<'_> {
    /// The public two-argument `getCompatibility`: a fresh location starting at the root.
    fn fresh(&mut self, reader: NodeId, writer: NodeId) -> Result<Outcome, Abort> {
        let mut location = Vec::new();
        self.get("", reader, writer, &mut location)
    }

    /// Whether a pair is incompatible, from a fresh location (only the verdict is used).
    fn fresh_incompatible(&mut self, reader: NodeId, writer: NodeId) -> Result<bool, Abort> {
        let mut location = Vec::new();
        self.get("", reader, writer, &mut location)
            .map(|outcome| outcome.incompatible)
    }

    /// `getCompatibility(token, reader, writer, location)` with memoization; a pair met again while
    /// it is being computed (recursion) counts as compatible.
    fn get(
        &mut self,
        token: &str,
        reader: NodeId,
        writer: NodeId,
        location: &mut Vec<String>,
    ) -> Result<Outcome, Abort> {
        location.push(token.to_owned());
        let outcome = match self.remembered(reader, writer) {
            Some(outcome) => Ok(outcome),
            None => self.compute(reader, writer, location),
        };
        location.pop();
        self.charge(outcome)
    }

    /// Counts one comparison and the incompatibilities it hands up against the work budget.
    fn charge(&mut self, outcome: Result<Outcome, Abort>) -> Result<Outcome, Abort> {
        let outcome = outcome?;
        self.work += 1 + outcome.items.len();
        if self.work > MAX_WORK {
            return Err(Abort::TooComplex);
        }
        Ok(outcome)
    }

    /// The memoized outcome of a pair, if any; a pair not seen before is marked in progress.
    fn remembered(&mut self, reader: NodeId, writer: NodeId) -> Option<Outcome> {
        match self.memo.get(&(reader, writer)) {
            Some(Memo::InProgress) => Some(Outcome::default()),
            Some(Memo::Done(outcome)) => Some(outcome.clone()),
            None => {
                self.memo.insert((reader, writer), Memo::InProgress);
                None
            }
        }
    }

    fn compute(
        &mut self,
        reader: NodeId,
        writer: NodeId,
        location: &mut Vec<String>,
    ) -> Result<Outcome, Abort> {
        let outcome = self.calculate(reader, writer, location);
        if let Ok(done) = &outcome {
            self.store(reader, writer, done);
        }
        outcome
    }

    fn store(&mut self, reader: NodeId, writer: NodeId, outcome: &Outcome) {
        self.memo
            .insert((reader, writer), Memo::Done(outcome.clone()));
    }

    // `get` -> `calculate` -> `same_type` -> `get` is the recursive path, one round per nesting
    // level; those functions stay small and leave checks and messages to non-recursive helpers.

    fn calculate(
        &mut self,
        reader: NodeId,
        writer: NodeId,
        location: &mut Vec<String>,
    ) -> Result<Outcome, Abort> {
        let rt = self.r.node(reader).ty();
        let wt = self.w.node(writer).ty();
        if rt == wt {
            return self.same_type(reader, writer, location);
        }
        if wt == Type::Union {
            return self.writer_union(reader, writer);
        }
        if rt == Type::Union {
            return self.reader_union(reader, writer, location);
        }
        Ok(promotion_or_mismatch(rt, wt, location))
    }

    fn same_type(
        &mut self,
        reader: NodeId,
        writer: NodeId,
        location: &mut Vec<String>,
    ) -> Result<Outcome, Abort> {
        let (r_arena, w_arena) = (self.r, self.w);
        match r_arena.node(reader).ty() {
            Type::Array | Type::Map => {
                let (token, r_inner, w_inner) = children(r_arena, reader, w_arena, writer);
                self.get(token, r_inner, w_inner, location)
            }
            Type::Record => self.record_fields(reader, writer, location),
            Type::Union => self.union_branches(reader, writer, location),
            Type::Fixed => Ok(check_fixed(r_arena, reader, w_arena, writer, location)),
            Type::Enum => Ok(check_enum(r_arena, reader, w_arena, writer, location)),
            Type::Prim(_) => Ok(Outcome::default()),
        }
    }

    /// Both unions: every writer branch must be readable by the whole reader union.
    fn union_branches(
        &mut self,
        reader: NodeId,
        writer: NodeId,
        location: &mut Vec<String>,
    ) -> Result<Outcome, Abort> {
        let w_arena = self.w;
        let mut result = Outcome::default();
        for (i, &branch) in union_of(w_arena, writer).iter().enumerate() {
            if self.fresh_incompatible(reader, branch)? {
                location.push(i.to_string());
                add_missing_branch(&mut result, w_arena, branch, location);
                location.pop();
            }
        }
        Ok(result)
    }

    /// A writer union is readable when every branch is; each branch restarts the location.
    fn writer_union(&mut self, reader: NodeId, writer: NodeId) -> Result<Outcome, Abort> {
        let w_arena = self.w;
        let mut result = Outcome::default();
        if let Kind::Union(w_branches) = &w_arena.node(writer).kind {
            for &branch in w_branches {
                result.merge(self.fresh(reader, branch)?);
            }
        }
        Ok(result)
    }

    /// A reader union reads a non-union writer when any branch does.
    fn reader_union(
        &mut self,
        reader: NodeId,
        writer: NodeId,
        location: &[String],
    ) -> Result<Outcome, Abort> {
        for &branch in union_of(self.r, reader) {
            if !self.fresh_incompatible(branch, writer)? {
                return Ok(Outcome::default());
            }
        }
        let mut result = Outcome::default();
        add_missing_branch(&mut result, self.w, writer, location);
        Ok(result)
    }

    /// Names, then `checkReaderWriterRecordFields`: every reader field must be found in the writer
    /// (by name or reader alias) or have a default.
    fn record_fields(
        &mut self,
        reader: NodeId,
        writer: NodeId,
        location: &mut Vec<String>,
    ) -> Result<Outcome, Abort> {
        let (r_arena, w_arena) = (self.r, self.w);
        let mut result = check_names(r_arena, reader, w_arena, writer, location);
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
                        Kind::Enum {
                            default: Some(_),
                            ..
                        }
                    );
                    if enum_with_default {
                        // Java compares the reader's enum with the writer's whole record here.
                        result.merge(self.get("type", field.ty, writer, location)?);
                    } else {
                        result.add(
                            Rule::ReaderFieldMissingDefaultValue,
                            field.name.clone(),
                            location,
                        );
                    }
                }
            }
            location.pop();
        }
        location.pop();
        Ok(result)
    }
}

/// The branches of a union node.
fn union_of(arena: &Arena, id: NodeId) -> &[NodeId] {
    match &arena.node(id).kind {
        Kind::Union(branches) => branches,
        _ => &[],
    }
}

/// `MISSING_UNION_BRANCH` for a writer type no reader branch can read.
fn add_missing_branch(result: &mut Outcome, w_arena: &Arena, writer: NodeId, location: &[String]) {
    let message = format!(
        "reader union lacking writer type: {}",
        w_arena.node(writer).ty().constant()
    );
    result.add(Rule::MissingUnionBranch, message, location);
}

/// The element or value types of two arrays or two maps, with the location token.
fn children(
    r_arena: &Arena,
    reader: NodeId,
    w_arena: &Arena,
    writer: NodeId,
) -> (&'static str, NodeId, NodeId) {
    match (&r_arena.node(reader).kind, &w_arena.node(writer).kind) {
        (Kind::Array(r), Kind::Array(w)) => ("items", *r, *w),
        (Kind::Map(r), Kind::Map(w)) => ("values", *r, *w),
        _ => ("", reader, writer),
    }
}

/// `checkSchemaNames`: unqualified names equal, or a reader alias equal to the writer's full name.
fn check_names(
    r_arena: &Arena,
    reader: NodeId,
    w_arena: &Arena,
    writer: NodeId,
    location: &mut Vec<String>,
) -> Outcome {
    let mut result = Outcome::default();
    let (Some(r_name), Some(w_name)) = (r_arena.node(reader).name(), w_arena.node(writer).name())
    else {
        return result;
    };
    let aliases: &[Name] = r_arena.node(reader).aliases();
    if r_name.name != w_name.name && !aliases.iter().any(|a| a.full == w_name.full) {
        location.push("name".to_owned());
        result.add(
            Rule::NameMismatch,
            format!("expected: {}", w_name.full),
            location,
        );
        location.pop();
    }
    result
}

/// Names, then `checkFixedSize`.
fn check_fixed(
    r_arena: &Arena,
    reader: NodeId,
    w_arena: &Arena,
    writer: NodeId,
    location: &mut Vec<String>,
) -> Outcome {
    let mut result = check_names(r_arena, reader, w_arena, writer, location);
    if let (Kind::Fixed { size: rs, .. }, Kind::Fixed { size: ws, .. }) =
        (&r_arena.node(reader).kind, &w_arena.node(writer).kind)
    {
        if rs != ws {
            location.push("size".to_owned());
            result.add(
                Rule::FixedSizeMismatch,
                format!("expected: {ws}, found: {rs}"),
                location,
            );
            location.pop();
        }
    }
    result
}

/// Names, then `checkReaderEnumContainsAllWriterEnumSymbols`: missing symbols are tolerated when
/// the reader has a default symbol.
fn check_enum(
    r_arena: &Arena,
    reader: NodeId,
    w_arena: &Arena,
    writer: NodeId,
    location: &mut Vec<String>,
) -> Outcome {
    let mut result = check_names(r_arena, reader, w_arena, writer, location);
    let (
        Kind::Enum {
            symbols: r_symbols,
            default,
            ..
        },
        Kind::Enum {
            symbols: w_symbols, ..
        },
    ) = (&r_arena.node(reader).kind, &w_arena.node(writer).kind)
    else {
        return result;
    };
    let readable: HashSet<&str> = r_symbols.iter().map(String::as_str).collect();
    let mut missing: Vec<&str> = w_symbols
        .iter()
        .map(String::as_str)
        .filter(|s| !readable.contains(s))
        .collect();
    missing.sort_by(|a, b| java_cmp(a, b));
    missing.dedup();
    let tolerated = default.as_deref().is_some_and(|d| readable.contains(d));
    if !missing.is_empty() && !tolerated {
        location.push("symbols".to_owned());
        result.add(
            Rule::MissingEnumSymbols,
            format!("[{}]", missing.join(", ")),
            location,
        );
        location.pop();
    }
    result
}

/// Different non-union types: Avro's promotions are compatible, anything else is a mismatch.
fn promotion_or_mismatch(rt: Type, wt: Type, location: &[String]) -> Outcome {
    let promoted = match rt {
        Type::Prim(Prim::Long) => wt == Type::Prim(Prim::Int),
        Type::Prim(Prim::Float) => matches!(wt, Type::Prim(Prim::Int | Prim::Long)),
        Type::Prim(Prim::Double) => matches!(wt, Type::Prim(Prim::Int | Prim::Long | Prim::Float)),
        Type::Prim(Prim::Bytes) => wt == Type::Prim(Prim::String),
        Type::Prim(Prim::String) => wt == Type::Prim(Prim::Bytes),
        _ => false,
    };
    let mut result = Outcome::default();
    if !promoted {
        let message = format!(
            "reader type: {} not compatible with writer type: {}",
            rt.constant(),
            wt.constant()
        );
        result.add(Rule::TypeMismatch, message, location);
    }
    result
}

/// `lookupWriterField`: more than one match (name plus aliases) is an exception in Java.
fn lookup_writer_field<'w>(
    r_arena: &Arena,
    w_arena: &'w Arena,
    writer: NodeId,
    field: &Field,
    pos: usize,
) -> Result<Option<&'w Field>, Abort> {
    let matches: Vec<&Field> = std::iter::once(field.name.as_str())
        .chain(field.aliases.iter().map(String::as_str))
        .filter_map(|name| w_arena.field(writer, name))
        .collect();
    match matches.as_slice() {
        [] => Ok(None),
        [only] => Ok(Some(only)),
        _ => Err(Abort::Exception(format!(
            "Reader record field {} type:{} pos:{pos} matches multiple fields in writer record schema {}",
            field.name,
            r_arena.node(field.ty).ty().constant(),
            print::to_string(w_arena, writer)
        ))),
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
