//! Confluent's printer (`ProtobufSchemaUtils.toString`): the canonical text, and with
//! `normalize` the normalized text (sorted imports, options, fields, oneofs, reserved ranges and
//! enum constants; fully qualified type names; map-entry messages folded back into `map<K, V>`).
//!
//! Confluent normalizes a schema rebuilt from its descriptor; the two effects of that round trip
//! visible in text are reproduced here: `syntax = "proto2"` disappears, and a one-element list in
//! an aggregate option value prints as the element.

use super::ast::{
    Aggregate, EnumConstant, EnumElement, ExtendElement, FieldElement, MessageElement,
    OneOfElement, OptionElement, OptionValue, ProtoFile, Reserved, RpcElement, ServiceElement,
    TypeElement,
};
use super::types::{Types, is_scalar, map_parts};

pub(crate) struct Printer<'t, 'a> {
    normalize: bool,
    /// `format=ignore_extensions`: custom options (except Confluent's own), `extend` blocks and
    /// extension ranges are left out.
    ignore_extensions: bool,
    types: Option<&'t Types<'a>>,
    scope: Vec<String>,
}

/// The canonical text.
pub(crate) fn canonical(file: &ProtoFile) -> String {
    Printer {
        normalize: false,
        ignore_extensions: false,
        types: None,
        scope: Vec::new(),
    }
    .file(file)
}

/// The text Confluent answers for `format=ignore_extensions`.
pub(crate) fn ignoring_extensions(file: &ProtoFile) -> String {
    Printer {
        normalize: false,
        ignore_extensions: true,
        types: None,
        scope: Vec::new(),
    }
    .file(file)
}

/// The normalized text; `types` holds the schema's and its dependencies' types.
pub(crate) fn normalized(file: &ProtoFile, types: &Types<'_>) -> String {
    Printer {
        normalize: true,
        ignore_extensions: false,
        types: Some(types),
        scope: Vec::new(),
    }
    .file(file)
}

/// Java's `StringBuilder` habit of the printer: each line of `value` indented by two spaces.
fn append_indented(sb: &mut String, value: &str) {
    let mut lines: Vec<&str> = value.split('\n').collect();
    while lines.len() > 1 && lines.last() == Some(&"") {
        lines.pop();
    }
    for line in lines {
        sb.push_str("  ");
        sb.push_str(line);
        sb.push('\n');
    }
}

/// `FormatContext.filterOptions` without normalization: custom options dropped for
/// `ignore_extensions`.
fn sorted_options(
    options: &[OptionElement],
    normalize: bool,
    ignore_extensions: bool,
) -> Vec<&OptionElement> {
    let mut options: Vec<&OptionElement> = options
        .iter()
        .filter(|o| !ignore_extensions || !o.parenthesized || o.name.starts_with("confluent."))
        .collect();
    if normalize {
        options.sort_by(|a, b| a.name.cmp(&b.name));
    }
    options
}

/// `ProtobufSchema.transform`: `(ext).a.b = v` as `(ext) = { a: { b: v } }`.
fn transform(option: &OptionElement) -> OptionElement {
    fn to_aggregate(value: &OptionValue) -> Aggregate {
        match value {
            OptionValue::String(s) => Aggregate::String(s.clone()),
            OptionValue::Raw(r) => Aggregate::Raw(r.clone()),
            OptionValue::Option(inner) => {
                Aggregate::Map(vec![(inner.name.clone(), to_aggregate(&inner.value))])
            }
            OptionValue::Map(entries) => Aggregate::Map(entries.clone()),
            OptionValue::List(items) => {
                Aggregate::List(items.iter().map(|i| to_aggregate(&i.value)).collect())
            }
        }
    }
    match &option.value {
        OptionValue::Option(inner) => OptionElement {
            name: option.name.clone(),
            parenthesized: option.parenthesized,
            value: OptionValue::Map(vec![(inner.name.clone(), to_aggregate(&inner.value))]),
        },
        _ => option.clone(),
    }
}

/// `ProtobufSchema.merge` of two aggregate maps: keys merged recursively, clashing values
/// collected into a list.
fn merge_maps(into: &mut Vec<(String, Aggregate)>, from: &[(String, Aggregate)]) {
    for (key, value) in from {
        match into.iter_mut().find(|(k, _)| k == key) {
            Some((_, Aggregate::Map(existing))) if matches!(value, Aggregate::Map(_)) => {
                if let Aggregate::Map(entries) = value {
                    merge_maps(existing, entries);
                }
            }
            Some((_, Aggregate::List(items))) => items.push(value.clone()),
            Some((_, existing)) => {
                let first = std::mem::replace(existing, Aggregate::List(Vec::new()));
                *existing = Aggregate::List(vec![first, value.clone()]);
            }
            None => into.push((key.clone(), value.clone())),
        }
    }
}

/// `reserved` and `extensions` values; `max` for the largest field number, and with `normalize`
/// a one-number range as the number.
fn range_text(value: &Reserved, normalize: bool) -> String {
    match value {
        Reserved::Tag(t) => t.to_string(),
        Reserved::Range(s, e) if normalize && s == e => s.to_string(),
        Reserved::Range(s, e) if *e >= super::parse::MAX_TAG => format!("{s} to max"),
        Reserved::Range(s, e) => format!("{s} to {e}"),
        Reserved::Name(n) => format!("\"{n}\""),
    }
}

/// Flattened and sorted as Confluent normalizes `reserved` (`by_text` breaks ties by text, as
/// for `reserved`; `extensions` sort by start only).
fn flattened(groups: &[Vec<Reserved>], by_text: bool) -> Vec<Vec<Reserved>> {
    let mut values: Vec<&Reserved> = groups.iter().flatten().collect();
    let key = |r: &Reserved| match r {
        Reserved::Tag(t) => (
            *t,
            if by_text {
                t.to_string()
            } else {
                String::new()
            },
        ),
        Reserved::Range(s, e) => (
            *s,
            if by_text {
                format!("{s}..{e}")
            } else {
                String::new()
            },
        ),
        Reserved::Name(n) => (
            i64::from(i32::MAX),
            if by_text { n.clone() } else { String::new() },
        ),
    };
    values.sort_by_key(|r| key(r));
    values.into_iter().map(|r| vec![r.clone()]).collect()
}

/// `formatNumber`: with `normalize`, a number as Java's `DecimalFormat` prints it (no grouping,
/// at most three fraction digits); anything else unchanged.
fn format_number(value: &str, normalize: bool) -> String {
    if !normalize {
        return value.to_owned();
    }
    if let Some(n) = super::parse::parse_int(value) {
        return n.to_string();
    }
    let looks_numeric = value
        .trim_start_matches(['-', '+'])
        .starts_with(|c: char| c.is_ascii_digit() || c == '.');
    match value.parse::<f64>() {
        Ok(f) if looks_numeric && f.is_finite() => {
            let text = format!("{f:.3}");
            let text = text.trim_end_matches('0').trim_end_matches('.');
            if text == "-0" {
                "-0".to_owned()
            } else {
                text.to_owned()
            }
        }
        _ => value.to_owned(),
    }
}

/// Wire's option kinds: a value starting like a number is a NUMBER.
fn is_number_literal(value: &str) -> bool {
    value.starts_with(|c: char| c.is_ascii_digit() || c == '-' || c == '.' || c == '+')
}

impl Printer<'_, '_> {
    /// `FormatContext.filterOptions`: with `normalize`, extension options that resolve are
    /// named in full, written as one aggregate, sorted by name, and merged when not repeated.
    fn options(&self, options: &[OptionElement]) -> Vec<OptionElement> {
        let filtered = sorted_options(options, false, self.ignore_extensions);
        let Some(types) = self.types.filter(|_| self.normalize) else {
            return filtered.into_iter().cloned().collect();
        };
        let mut options: Vec<OptionElement> = filtered
            .into_iter()
            .map(|o| {
                let resolved = o
                    .parenthesized
                    .then(|| types.resolve_extension(&o.name, &self.scope()))
                    .flatten();
                match resolved {
                    Some(name) => transform(&OptionElement {
                        name,
                        parenthesized: o.parenthesized,
                        value: o.value.clone(),
                    }),
                    None => o.clone(),
                }
            })
            .collect();
        options.sort_by(|a, b| a.name.cmp(&b.name));
        let mut merged: Vec<OptionElement> = Vec::with_capacity(options.len());
        for option in options {
            let repeated = types.extensions.get(&option.name).copied();
            match merged.last_mut() {
                Some(last)
                    if repeated == Some(false)
                        && last.name == option.name
                        && last.parenthesized == option.parenthesized =>
                {
                    if let (OptionValue::Map(into), OptionValue::Map(from)) =
                        (&mut last.value, &option.value)
                    {
                        merge_maps(into, from);
                    } else {
                        merged.push(option);
                    }
                }
                _ => merged.push(option),
            }
        }
        merged
    }

    fn scope(&self) -> Vec<&str> {
        self.scope.iter().map(String::as_str).collect()
    }

    fn is_map_entry(&self, name: &str) -> bool {
        self.types
            .and_then(|t| t.get(name, &self.scope()))
            .is_some_and(|info| info.is_map)
    }

    /// `.full.Name`, or the name as written when it does not resolve.
    fn resolve(&self, name: &str) -> String {
        match self.types.and_then(|t| t.resolve(name, &self.scope())) {
            Some(full) => format!(".{full}"),
            None => name.to_owned(),
        }
    }

    fn file(&mut self, file: &ProtoFile) -> String {
        let mut sb = String::new();
        if let Some(syntax) = &file.syntax {
            if !(self.normalize && syntax == "proto2") {
                sb.push_str(&format!("syntax = \"{syntax}\";\n"));
            }
        }
        if let Some(package) = &file.package {
            sb.push_str(&format!("package {package};\n"));
        }
        if !file.imports.is_empty() || !file.public_imports.is_empty() {
            sb.push('\n');
            for (imports, prefix) in [(&file.imports, ""), (&file.public_imports, "public ")] {
                let mut imports: Vec<&String> = imports.iter().collect();
                if self.normalize {
                    imports.sort();
                    imports.dedup();
                }
                for import in imports {
                    sb.push_str(&format!("import {prefix}\"{import}\";\n"));
                }
            }
        }
        let options = self.options(&file.options);
        if !options.is_empty() {
            sb.push('\n');
            for option in options {
                sb.push_str(&self.option_statement(&option));
            }
        }
        if !file.types.is_empty() {
            sb.push('\n');
            self.types_into(&mut sb, &file.types, false);
        }
        if !self.ignore_extensions && !file.extends.is_empty() {
            sb.push('\n');
            for text in self.extends(&file.extends) {
                sb.push_str(&text);
            }
        }
        if !file.services.is_empty() {
            sb.push('\n');
            for service in &file.services {
                let text = self.service(service);
                sb.push_str(&text);
            }
        }
        sb
    }

    /// Messages first, then enums, each group in declaration order.
    fn types_into(&mut self, sb: &mut String, types: &[TypeElement], indent: bool) {
        for element in types {
            if let TypeElement::Message(message) = element {
                if self.normalize && self.is_map_entry(&message.name) {
                    continue;
                }
                self.scope.push(message.name.clone());
                let text = self.message(message);
                self.scope.pop();
                if indent {
                    append_indented(sb, &text);
                } else {
                    sb.push_str(&text);
                }
            }
        }
        for element in types {
            if let TypeElement::Enum(enumeration) = element {
                let text = self.enumeration(enumeration);
                if indent {
                    append_indented(sb, &text);
                } else {
                    sb.push_str(&text);
                }
            }
        }
    }

    /// `extend` blocks; normalized, grouped by resolved name and with fields by tag.
    fn extends(&self, extends: &[ExtendElement]) -> Vec<String> {
        let mut groups: Vec<(String, Vec<&FieldElement>)> = Vec::new();
        for extend in extends {
            let name = if self.normalize {
                self.resolve(&extend.name)
            } else {
                extend.name.clone()
            };
            match groups
                .iter_mut()
                .find(|(n, _)| self.normalize && *n == name)
            {
                Some((_, fields)) => fields.extend(&extend.fields),
                None => groups.push((name, extend.fields.iter().collect())),
            }
        }
        groups
            .into_iter()
            .map(|(name, mut fields)| {
                if self.normalize {
                    fields.sort_by_key(|f| f.tag);
                }
                let mut sb = format!("extend {name} {{");
                if !fields.is_empty() {
                    sb.push('\n');
                    for field in fields {
                        append_indented(&mut sb, &self.field(field));
                    }
                }
                sb.push_str("}\n");
                sb
            })
            .collect()
    }

    fn service(&self, service: &ServiceElement) -> String {
        let mut sb = format!("service {} {{", service.name);
        let options = self.options(&service.options);
        if !options.is_empty() {
            sb.push('\n');
            for option in options {
                append_indented(&mut sb, &self.option_statement(&option));
            }
        }
        if !service.rpcs.is_empty() {
            sb.push('\n');
            for rpc in &service.rpcs {
                append_indented(&mut sb, &self.rpc(rpc));
            }
        }
        sb.push_str("}\n");
        sb
    }

    fn rpc(&self, rpc: &RpcElement) -> String {
        let mut sb = format!("rpc {} (", rpc.name);
        if rpc.request_streaming {
            sb.push_str("stream ");
        }
        if self.normalize {
            sb.push_str(&self.resolve(&rpc.request_type));
        } else {
            sb.push_str(&rpc.request_type);
        }
        sb.push_str(") returns (");
        if rpc.response_streaming {
            sb.push_str("stream ");
        }
        if self.normalize {
            sb.push_str(&self.resolve(&rpc.response_type));
        } else {
            sb.push_str(&rpc.response_type);
        }
        sb.push(')');
        let options = self.options(&rpc.options);
        if !options.is_empty() {
            sb.push_str(" {\n");
            for option in options {
                append_indented(&mut sb, &self.option_statement(&option));
            }
            sb.push('}');
        }
        sb.push_str(";\n");
        sb
    }

    fn enumeration(&self, element: &EnumElement) -> String {
        let mut sb = format!("enum {} {{", element.name);
        if !element.reserveds.is_empty() {
            sb.push('\n');
            let reserveds = if self.normalize {
                flattened(&element.reserveds, true)
            } else {
                element.reserveds.clone()
            };
            for reserved in &reserveds {
                append_indented(&mut sb, &reserved_line(reserved, self.normalize));
            }
        } else if !element.options.is_empty() || !element.constants.is_empty() {
            sb.push('\n');
        }
        for option in self.options(&element.options) {
            append_indented(&mut sb, &self.option_statement(&option));
        }
        let mut constants: Vec<&EnumConstant> = element.constants.iter().collect();
        if self.normalize {
            constants.sort_by(|a, b| a.tag.cmp(&b.tag).then_with(|| a.name.cmp(&b.name)));
        }
        for constant in constants {
            let mut line = format!("{} = {}", constant.name, constant.tag);
            let options = self.options(&constant.options);
            if !options.is_empty() {
                line.push(' ');
                self.append_options(&mut line, &options);
            }
            line.push_str(";\n");
            append_indented(&mut sb, &line);
        }
        sb.push_str("}\n");
        sb
    }

    fn message(&mut self, message: &MessageElement) -> String {
        let mut sb = format!("message {} {{", message.name);
        if !message.reserveds.is_empty() {
            sb.push('\n');
            let reserveds = if self.normalize {
                flattened(&message.reserveds, true)
            } else {
                message.reserveds.clone()
            };
            for reserved in &reserveds {
                append_indented(&mut sb, &reserved_line(reserved, self.normalize));
            }
        }
        let options = self.options(&message.options);
        if !options.is_empty() {
            sb.push('\n');
            for option in options {
                append_indented(&mut sb, &self.option_statement(&option));
            }
        }
        if !message.fields.is_empty() {
            sb.push('\n');
            let mut fields: Vec<&FieldElement> = message.fields.iter().collect();
            if self.normalize {
                fields.sort_by_key(|f| f.tag);
            }
            for field in fields {
                append_indented(&mut sb, &self.field(field));
            }
        }
        if !message.oneofs.is_empty() {
            let mut oneofs: Vec<(&OneOfElement, Vec<&FieldElement>)> = message
                .oneofs
                .iter()
                .map(|o| (o, o.fields.iter().collect()))
                .collect();
            if self.normalize {
                oneofs.retain(|(_, fields)| !fields.is_empty());
                for (_, fields) in &mut oneofs {
                    fields.sort_by_key(|f| f.tag);
                }
                oneofs.sort_by_key(|(_, fields)| fields.first().map(|f| f.tag));
            }
            sb.push('\n');
            for (oneof, fields) in oneofs {
                let mut text = format!("oneof {} {{", oneof.name);
                let options = self.options(&oneof.options);
                if !options.is_empty() {
                    text.push('\n');
                    for option in options {
                        append_indented(&mut text, &self.option_statement(&option));
                    }
                }
                if !fields.is_empty() {
                    text.push('\n');
                    for field in fields {
                        append_indented(&mut text, &self.field(field));
                    }
                }
                text.push_str("}\n");
                append_indented(&mut sb, &text);
            }
        }
        if !self.ignore_extensions && !message.extensions.is_empty() {
            sb.push('\n');
            let extensions = if self.normalize {
                flattened(&message.extensions, false)
            } else {
                message.extensions.clone()
            };
            for values in &extensions {
                let values: Vec<String> = values
                    .iter()
                    .map(|r| range_text(r, self.normalize))
                    .collect();
                append_indented(&mut sb, &format!("extensions {};\n", values.join(", ")));
            }
        }
        if !self.ignore_extensions && !message.extends.is_empty() {
            sb.push('\n');
            for text in self.extends(&message.extends) {
                append_indented(&mut sb, &text);
            }
        }
        let printed_nested = message.nested.iter().any(|t| match t {
            TypeElement::Message(m) => !(self.normalize && self.is_map_entry(&m.name)),
            TypeElement::Enum(_) => true,
        });
        if printed_nested {
            sb.push('\n');
            self.types_into(&mut sb, &message.nested, true);
        }
        sb.push_str("}\n");
        sb
    }

    fn field(&self, field: &FieldElement) -> String {
        let mut label = field.label;
        let mut type_name = field.type_name.clone();
        if self.normalize {
            if !is_scalar(&type_name) && map_parts(&type_name).is_none() {
                let info = self.types.and_then(|t| t.get(&type_name, &self.scope()));
                match info.and_then(|i| i.map_type()) {
                    Some(map) => type_name = map,
                    None => type_name = self.resolve(&type_name),
                }
            }
            if let Some((key, value)) = map_parts(&type_name) {
                let value = match self.types.and_then(|t| t.resolve(value, &self.scope())) {
                    Some(full) => format!(".{full}"),
                    None => value.to_owned(),
                };
                type_name = format!("map<{key}, {value}>");
                label = None;
            }
        }
        let mut sb = String::new();
        if let Some(label) = label {
            sb.push_str(label.as_str());
            sb.push(' ');
        }
        sb.push_str(&format!("{type_name} {} = {}", field.name, field.tag));
        let mut options: Vec<OptionElement> = field.options.clone();
        if let Some(default) = &field.default_value {
            let value = match field.type_name.as_str() {
                "string" => OptionValue::String(default.clone()),
                "bool" => OptionValue::Raw(default.clone()),
                t if is_scalar(t) => OptionValue::Raw(format_number(default, self.normalize)),
                _ => OptionValue::Raw(default.clone()),
            };
            options.push(OptionElement {
                name: "default".into(),
                parenthesized: false,
                value,
            });
        }
        if let Some(json_name) = &field.json_name {
            options.push(OptionElement {
                name: "json_name".into(),
                parenthesized: false,
                value: OptionValue::String(json_name.clone()),
            });
        }
        let options = self.options(&options);
        if !options.is_empty() {
            sb.push(' ');
            self.append_options(&mut sb, &options);
        }
        sb.push_str(";\n");
        sb
    }

    fn option_statement(&self, option: &OptionElement) -> String {
        format!("option {};\n", self.option(option))
    }

    fn append_options<O: std::borrow::Borrow<OptionElement>>(
        &self,
        sb: &mut String,
        options: &[O],
    ) {
        if let [only] = options {
            sb.push('[');
            sb.push_str(&self.option(only.borrow()));
            sb.push(']');
            return;
        }
        sb.push_str("[\n");
        for (i, option) in options.iter().enumerate() {
            let end = if i + 1 < options.len() { "," } else { "" };
            append_indented(sb, &format!("{}{end}", self.option(option.borrow())));
        }
        sb.push(']');
    }

    fn option(&self, option: &OptionElement) -> String {
        let mut sb = if option.parenthesized {
            format!("({})", option.name)
        } else {
            option.name.clone()
        };
        match &option.value {
            OptionValue::String(s) => sb.push_str(&format!(" = \"{}\"", escape(s))),
            OptionValue::Raw(v) if is_number_literal(v) => {
                sb.push_str(&format!(" = {}", format_number(v, self.normalize)));
            }
            OptionValue::Raw(v) => sb.push_str(&format!(" = {v}")),
            OptionValue::Option(inner) => {
                sb.push('.');
                sb.push_str(&self.option(inner));
            }
            OptionValue::Map(entries) => {
                sb.push_str(" = {\n");
                self.option_map(&mut sb, entries);
                sb.push('}');
            }
            OptionValue::List(items) => {
                sb.push_str(" = ");
                let items: Vec<&OptionElement> = items.iter().collect();
                self.append_options(&mut sb, &items);
            }
        }
        sb
    }

    fn option_map(&self, sb: &mut String, entries: &[(String, Aggregate)]) {
        let mut entries: Vec<&(String, Aggregate)> = entries.iter().collect();
        if self.normalize {
            entries.retain(|(_, v)| !matches!(v, Aggregate::List(items) if items.is_empty()));
            entries.sort_by(|a, b| a.0.cmp(&b.0));
        }
        for (i, (key, value)) in entries.iter().enumerate() {
            let end = if i + 1 < entries.len() { "," } else { "" };
            append_indented(sb, &format!("{key}: {}{end}", self.aggregate(value)));
        }
    }

    fn aggregate(&self, value: &Aggregate) -> String {
        match value {
            Aggregate::String(s) => format!("\"{}\"", escape(s)),
            Aggregate::Raw(v) if is_number_literal(v) => format_number(v, self.normalize),
            Aggregate::Raw(v) => v.clone(),
            Aggregate::Map(entries) => {
                let mut sb = String::from("{\n");
                self.option_map(&mut sb, entries);
                sb.push('}');
                sb
            }
            Aggregate::List(items) if self.normalize && items.len() == 1 => {
                self.aggregate(&items[0])
            }
            Aggregate::List(items) => {
                let mut sb = String::from("[\n");
                for (i, item) in items.iter().enumerate() {
                    let end = if i + 1 < items.len() { "," } else { "" };
                    append_indented(&mut sb, &format!("{}{end}", self.aggregate(item)));
                }
                sb.push(']');
                sb
            }
        }
    }
}

fn reserved_line(values: &[Reserved], normalize: bool) -> String {
    let values: Vec<String> = values.iter().map(|r| range_text(r, normalize)).collect();
    format!("reserved {};\n", values.join(", "))
}

/// `ProtobufSchemaUtils.escapeChars`.
pub(crate) fn escape(input: &str) -> String {
    let mut out = String::with_capacity(input.len());
    for c in input.chars() {
        match c {
            '\u{7}' => out.push_str("\\a"),
            '\u{8}' => out.push_str("\\b"),
            '\u{c}' => out.push_str("\\f"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\u{b}' => out.push_str("\\v"),
            '\\' => out.push_str("\\\\"),
            '\'' => out.push_str("\\'"),
            '"' => out.push_str("\\\""),
            other => out.push(other),
        }
    }
    out
}
