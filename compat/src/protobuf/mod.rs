//! Protobuf: parsing, canonical and normalized text, and Confluent's compatibility rules.
//!
//! The schema is parsed into a tree shaped like Square Wire's, which is what Confluent prints and
//! diffs (`parse`, `ast`); imports resolve through the references given as data and the built-in
//! well-known types (`builtin`); `print` renders the canonical, normalized and
//! `ignore_extensions` texts; `diff` is Confluent's `SchemaDiff`; `descriptor` converts to and
//! from base64 `FileDescriptorProto`; `index` maps message indexes to names. Nothing here does IO.
//!
//! Acceptance follows Confluent where it is more lenient than protoc (unknown custom options, an
//! unused import that cannot be found are accepted); a syntax error, a type that does not resolve
//! and an import cycle are rejected, and so are the descriptor errors no serializer could load
//! (`validate`: duplicate field numbers or names, invalid field numbers, duplicate type names).

mod ast;
mod builtin;
mod descriptor;
mod diff;
mod index;
mod parse;
mod print;
#[cfg(test)]
mod tests;
mod types;
mod validate;

use std::collections::HashSet;

use crate::{CheckOptions, CompatibilityLevel, ParseOptions, Reference, SchemaError, Violation};
use ast::ProtoFile;
use types::{Dependency, Types};

pub(crate) use index::{message_full_name, message_index_path};

/// A parsed Protobuf schema.
#[derive(Debug, Clone)]
pub(crate) struct ProtobufSchema {
    file: ProtoFile,
    dependencies: Vec<Dependency>,
    canonical: String,
}

impl ProtobufSchema {
    pub(crate) fn parse(
        text: &str,
        references: &[Reference],
        options: &ParseOptions,
    ) -> Result<ProtobufSchema, SchemaError> {
        // Like Confluent, text that is not `.proto` may be a base64 `FileDescriptorProto`.
        let file = match parse::parse(text, options.max_depth) {
            Ok(file) => file,
            Err(error) => match descriptor::from_base64(text) {
                Some(converted) => converted?,
                None => return Err(error),
            },
        };
        let mut dependencies = Vec::new();
        let mut loaded = HashSet::new();
        let mut stack = Vec::new();
        for import in file.imports.iter().chain(&file.public_imports) {
            load(
                import,
                references,
                options,
                &mut loaded,
                &mut stack,
                &mut dependencies,
            )?;
        }
        let types = Types::collect(&file, &dependencies);
        validate::validate(&file, &types)?;
        let canonical = print::canonical(&file);
        Ok(ProtobufSchema {
            file,
            dependencies,
            canonical,
        })
    }

    pub(crate) fn canonical(&self) -> String {
        self.canonical.clone()
    }

    pub(crate) fn normalized(&self) -> String {
        let types = Types::collect(&self.file, &self.dependencies);
        print::normalized(&self.file, &types)
    }

    /// The text Confluent answers for `format=ignore_extensions`: the canonical text without
    /// custom options (Confluent's own `confluent.*` ones kept), `extend` blocks and extension
    /// ranges.
    pub(crate) fn ignoring_extensions(&self) -> String {
        print::ignoring_extensions(&self.file)
    }

    /// The schema as base64 `FileDescriptorProto`, as Confluent answers `format=serialized`.
    pub(crate) fn serialized(&self) -> String {
        let types = Types::collect(&self.file, &self.dependencies);
        descriptor::to_base64(&self.file, &types)
    }

    /// Confluent's `SchemaDiff.compare(self, update)`: every difference, compatible or not.
    fn differences(&self, update: &ProtobufSchema) -> Vec<diff::Difference> {
        let original_types = Types::collect(&self.file, &self.dependencies);
        let update_types = Types::collect(&update.file, &update.dependencies);
        diff::compare(&self.file, &original_types, &update.file, &update_types)
    }
}

/// The canonical `.proto` text of a base64 `FileDescriptorProto` (what Confluent stores for a
/// schema registered as a descriptor). `Err` when `base64` is not a descriptor.
pub(crate) fn descriptor_to_text(base64: &str) -> Result<String, SchemaError> {
    match descriptor::from_base64(base64) {
        Some(file) => Ok(print::canonical(&file?)),
        None => Err(SchemaError::Invalid(
            "not a base64-encoded FileDescriptorProto".to_owned(),
        )),
    }
}

/// Loads the import `name` and, first, its own imports (depth first, each file once), so that
/// `dependencies` ends in dependency order. An import that is neither a reference nor built in is
/// skipped, as Confluent does; only an unresolvable type is an error. A cycle is an error.
fn load(
    name: &str,
    references: &[Reference],
    options: &ParseOptions,
    loaded: &mut HashSet<String>,
    stack: &mut Vec<String>,
    dependencies: &mut Vec<Dependency>,
) -> Result<(), SchemaError> {
    if stack.iter().any(|s| s == name) {
        stack.push(name.to_owned());
        return Err(SchemaError::Invalid(format!(
            "import cycle: {}",
            stack.join(" -> ")
        )));
    }
    if loaded.contains(name) {
        return Ok(());
    }
    let (text, referenced) = match references.iter().rev().find(|r| r.name == name) {
        Some(reference) => (reference.text.as_str(), true),
        None => match builtin::builtin(name) {
            Some(text) => (text, false),
            None => return Ok(()),
        },
    };
    let limit = options.max_depth.min(parse::MAX_NESTING);
    if stack.len() >= limit {
        return Err(SchemaError::TooDeep { limit });
    }
    let file = parse::parse(text, options.max_depth).map_err(|e| match e {
        SchemaError::Invalid(reason) => {
            SchemaError::Invalid(format!("in imported file {name}: {reason}"))
        }
        other => other,
    })?;
    stack.push(name.to_owned());
    for import in file.imports.iter().chain(&file.public_imports) {
        load(import, references, options, loaded, stack, dependencies)?;
    }
    stack.pop();
    loaded.insert(name.to_owned());
    dependencies.push(Dependency {
        text: referenced.then(|| text.to_owned()),
        file,
    });
    Ok(())
}

/// Checks `new` against `previous` in the direction(s) of `level`: Confluent's
/// `isBackwardCompatible` diffs `original = writer` against `update = reader` and reports the
/// differences outside the compatible set.
pub(crate) fn check(
    level: CompatibilityLevel,
    new: &ProtobufSchema,
    previous: &ProtobufSchema,
    _options: &CheckOptions,
) -> Vec<Violation> {
    crate::in_directions(level, new, previous, direction)
}

fn direction(
    reader: &ProtobufSchema,
    writer: &ProtobufSchema,
    reader_label: &str,
    writer_label: &str,
) -> Vec<Violation> {
    writer
        .differences(reader)
        .into_iter()
        .filter(|d| !diff::is_compatible_change(d.kind))
        .map(|d| Violation {
            rule: d.kind.to_owned(),
            message: diff::message(&d, reader_label, writer_label),
            path: d.path,
        })
        .collect()
}

/// Every difference Confluent's `SchemaDiff.compare(original, update)` reports, as
/// `"<TYPE> <path>"`, and whether they are all compatible (for tests).
#[cfg(test)]
pub(crate) fn describe_differences(
    original: &ProtobufSchema,
    update: &ProtobufSchema,
) -> (Vec<String>, bool) {
    let differences = original.differences(update);
    let compatible = differences
        .iter()
        .all(|d| diff::is_compatible_change(d.kind));
    (
        differences
            .iter()
            .map(|d| format!("{} {}", d.kind, d.path))
            .collect(),
        compatible,
    )
}
