//! Base64 `FileDescriptorProto` ↔ parse tree, shaped like Confluent's own conversion: serializers
//! (confluent-kafka-python, @confluentinc/schemaregistry) register descriptors, and
//! `format=serialized` answers one.
//!
//! The descriptor is laid out as Confluent's `DynamicSchema` builds it: file name `default`, type
//! names as written, oneof members before the other fields, map-entry types named
//! `<field>Entry`, empty `OneofOptions`. Built-in options are converted through a table; custom
//! (extension) options travel as `uninterpreted_option`, so Accord's own round trip keeps them,
//! while interpreted extension options in a descriptor compiled by protoc are dropped when read.

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use prost::Message;
use prost_types::{
    DescriptorProto, EnumDescriptorProto, EnumValueDescriptorProto, FieldDescriptorProto,
    FileDescriptorProto, MethodDescriptorProto, OneofDescriptorProto, OneofOptions,
    ServiceDescriptorProto, UninterpretedOption, descriptor_proto, enum_descriptor_proto,
    field_descriptor_proto::Label as PbLabel, field_descriptor_proto::Type as PbType,
    uninterpreted_option,
};

use super::ast::{
    Aggregate, EnumConstant, EnumElement, ExtendElement, FieldElement, Label, MessageElement,
    OneOfElement, OptionElement, OptionValue, ProtoFile, Reserved, RpcElement, ServiceElement,
    TypeElement,
};
use super::parse::{MAX_TAG, parse_aggregate};
use super::print::escape;
use super::types::{Types, map_parts};
use crate::SchemaError;

/// Descriptors larger than this are refused before decoding (a registered schema is far smaller).
const MAX_DESCRIPTOR_BYTES: usize = 16 * 1024 * 1024;

#[derive(Clone, Copy)]
enum OptionKind {
    Bool,
    String,
    Enum(&'static [(&'static str, u64)]),
}

type OptionTable = &'static [(&'static str, u32, OptionKind)];

const OPTIMIZE_MODE: &[(&str, u64)] = &[("SPEED", 1), ("CODE_SIZE", 2), ("LITE_RUNTIME", 3)];
const CTYPE: &[(&str, u64)] = &[("STRING", 0), ("CORD", 1), ("STRING_PIECE", 2)];
const JSTYPE: &[(&str, u64)] = &[("JS_NORMAL", 0), ("JS_STRING", 1), ("JS_NUMBER", 2)];
const IDEMPOTENCY: &[(&str, u64)] = &[
    ("IDEMPOTENCY_UNKNOWN", 0),
    ("NO_SIDE_EFFECTS", 1),
    ("IDEMPOTENT", 2),
];

const FILE_OPTIONS: OptionTable = &[
    ("java_package", 1, OptionKind::String),
    ("java_outer_classname", 8, OptionKind::String),
    ("optimize_for", 9, OptionKind::Enum(OPTIMIZE_MODE)),
    ("java_multiple_files", 10, OptionKind::Bool),
    ("go_package", 11, OptionKind::String),
    ("cc_generic_services", 16, OptionKind::Bool),
    ("java_generic_services", 17, OptionKind::Bool),
    ("py_generic_services", 18, OptionKind::Bool),
    ("java_generate_equals_and_hash", 20, OptionKind::Bool),
    ("deprecated", 23, OptionKind::Bool),
    ("java_string_check_utf8", 27, OptionKind::Bool),
    ("cc_enable_arenas", 31, OptionKind::Bool),
    ("objc_class_prefix", 36, OptionKind::String),
    ("csharp_namespace", 37, OptionKind::String),
    ("swift_prefix", 39, OptionKind::String),
    ("php_class_prefix", 40, OptionKind::String),
    ("php_namespace", 41, OptionKind::String),
    ("php_generic_services", 42, OptionKind::Bool),
    ("php_metadata_namespace", 44, OptionKind::String),
    ("ruby_package", 45, OptionKind::String),
];
const MESSAGE_OPTIONS: OptionTable = &[
    ("message_set_wire_format", 1, OptionKind::Bool),
    ("no_standard_descriptor_accessor", 2, OptionKind::Bool),
    ("deprecated", 3, OptionKind::Bool),
    ("map_entry", 7, OptionKind::Bool),
];
const FIELD_OPTIONS: OptionTable = &[
    ("ctype", 1, OptionKind::Enum(CTYPE)),
    ("packed", 2, OptionKind::Bool),
    ("deprecated", 3, OptionKind::Bool),
    ("lazy", 5, OptionKind::Bool),
    ("jstype", 6, OptionKind::Enum(JSTYPE)),
    ("weak", 10, OptionKind::Bool),
    ("unverified_lazy", 15, OptionKind::Bool),
    ("debug_redact", 16, OptionKind::Bool),
];
const ENUM_OPTIONS: OptionTable = &[
    ("allow_alias", 2, OptionKind::Bool),
    ("deprecated", 3, OptionKind::Bool),
];
const ENUM_VALUE_OPTIONS: OptionTable = &[
    ("deprecated", 1, OptionKind::Bool),
    ("debug_redact", 3, OptionKind::Bool),
];
const SERVICE_OPTIONS: OptionTable = &[("deprecated", 33, OptionKind::Bool)];
const METHOD_OPTIONS: OptionTable = &[
    ("deprecated", 33, OptionKind::Bool),
    ("idempotency_level", 34, OptionKind::Enum(IDEMPOTENCY)),
];

fn put_varint(out: &mut Vec<u8>, mut value: u64) {
    while value >= 0x80 {
        out.push((value as u8) | 0x80);
        value >>= 7;
    }
    out.push(value as u8);
}

/// Encodes the built-in options of `options` found in `table` and decodes them as `T`; `None`
/// when none applies.
fn encode_options<T: Message + Default>(
    options: &[OptionElement],
    table: OptionTable,
) -> Option<T> {
    let mut bytes = Vec::new();
    let mut fields: Vec<(u32, &OptionElement, OptionKind)> = options
        .iter()
        .filter(|o| !o.parenthesized)
        .filter_map(|o| {
            table
                .iter()
                .find(|(name, _, _)| *name == o.name)
                .map(|(_, number, kind)| (*number, o, *kind))
        })
        .collect();
    fields.sort_by_key(|(number, _, _)| *number);
    for (number, option, kind) in fields {
        let number = u64::from(number);
        match (kind, &option.value) {
            (OptionKind::Bool, OptionValue::Raw(v)) if v == "true" || v == "false" => {
                put_varint(&mut bytes, number << 3);
                put_varint(&mut bytes, u64::from(v == "true"));
            }
            (OptionKind::String, OptionValue::String(v)) => {
                put_varint(&mut bytes, (number << 3) | 2);
                put_varint(&mut bytes, v.len() as u64);
                bytes.extend_from_slice(v.as_bytes());
            }
            (OptionKind::Enum(values), OptionValue::Raw(v)) => {
                if let Some((_, value)) = values.iter().find(|(name, _)| name == v) {
                    put_varint(&mut bytes, number << 3);
                    put_varint(&mut bytes, *value);
                }
            }
            _ => {}
        }
    }
    // Custom options travel as `uninterpreted_option` (field 999), as protoc writes them before
    // interpretation: no extension definitions are needed to write or read them back.
    for option in options.iter().filter(|o| o.parenthesized) {
        let encoded = uninterpreted(option).encode_to_vec();
        put_varint(&mut bytes, (999 << 3) | 2);
        put_varint(&mut bytes, encoded.len() as u64);
        bytes.extend_from_slice(&encoded);
    }
    if bytes.is_empty() {
        return None;
    }
    T::decode(bytes.as_slice()).ok()
}

fn uninterpreted(option: &OptionElement) -> UninterpretedOption {
    let mut result = UninterpretedOption::default();
    let mut current = option;
    loop {
        result.name.push(uninterpreted_option::NamePart {
            name_part: current.name.clone(),
            is_extension: current.parenthesized,
        });
        match &current.value {
            OptionValue::Option(inner) => current = inner,
            OptionValue::String(v) => {
                result.string_value = Some(v.clone().into_bytes());
                break;
            }
            OptionValue::Raw(v) => {
                if let Ok(n) = v.parse::<u64>() {
                    result.positive_int_value = Some(n);
                } else if let Ok(n) = v.parse::<i64>() {
                    result.negative_int_value = Some(n);
                } else if v.starts_with(|c: char| c.is_ascii_digit() || c == '-' || c == '.') {
                    result.double_value = v.parse::<f64>().ok();
                    if result.double_value.is_none() {
                        result.identifier_value = Some(v.clone());
                    }
                } else {
                    result.identifier_value = Some(v.clone());
                }
                break;
            }
            OptionValue::Map(entries) => {
                result.aggregate_value = Some(aggregate_text(entries));
                break;
            }
            OptionValue::List(_) => break,
        }
    }
    result
}

/// An aggregate in text format, written so that [`parse_aggregate`] reads back the same tree.
fn aggregate_text(entries: &[(String, Aggregate)]) -> String {
    fn value(v: &Aggregate) -> String {
        match v {
            Aggregate::String(s) => format!("\"{}\"", escape(s)),
            Aggregate::Raw(r) => r.clone(),
            Aggregate::Map(entries) => format!("{{ {} }}", aggregate_text(entries)),
            Aggregate::List(items) => {
                let items: Vec<String> = items.iter().map(value).collect();
                format!("[ {} ]", items.join(", "))
            }
        }
    }
    entries
        .iter()
        .map(|(k, v)| format!("{k}: {}", value(v)))
        .collect::<Vec<_>>()
        .join(" ")
}

fn from_uninterpreted(option: &UninterpretedOption) -> Option<OptionElement> {
    let value = if let Some(aggregate) = &option.aggregate_value {
        OptionValue::Map(parse_aggregate(aggregate).ok()?)
    } else if let Some(s) = &option.string_value {
        OptionValue::String(String::from_utf8_lossy(s).into_owned())
    } else if let Some(n) = option.positive_int_value {
        OptionValue::Raw(n.to_string())
    } else if let Some(n) = option.negative_int_value {
        OptionValue::Raw(n.to_string())
    } else if let Some(d) = option.double_value {
        OptionValue::Raw(d.to_string())
    } else {
        OptionValue::Raw(option.identifier_value.clone()?)
    };
    let mut element: Option<OptionElement> = None;
    for part in option.name.iter().rev() {
        let value = match element.take() {
            Some(inner) => OptionValue::Option(Box::new(inner)),
            None => value.clone(),
        };
        element = Some(OptionElement {
            name: part.name_part.clone(),
            parenthesized: part.is_extension,
            value,
        });
    }
    element
}

/// The options set in `options`: built-in ones in field-number order, then custom ones.
fn decode_options<T: Message>(options: Option<&T>, table: OptionTable) -> Vec<OptionElement> {
    let Some(options) = options else {
        return Vec::new();
    };
    let bytes = options.encode_to_vec();
    let mut result = Vec::new();
    let mut custom = Vec::new();
    let mut i = 0;
    let varint = |i: &mut usize| -> Option<u64> {
        let mut value = 0u64;
        for shift in (0..64).step_by(7) {
            let byte = *bytes.get(*i)?;
            *i += 1;
            value |= u64::from(byte & 0x7f) << shift;
            if byte < 0x80 {
                return Some(value);
            }
        }
        None
    };
    while i < bytes.len() {
        let Some(key) = varint(&mut i) else { break };
        let (number, wire) = (key >> 3, key & 7);
        let (mut number_value, mut raw) = (None, None);
        match wire {
            0 => number_value = varint(&mut i),
            2 => {
                let Some(len) = varint(&mut i).and_then(|l| usize::try_from(l).ok()) else {
                    break;
                };
                let Some(end) = i.checked_add(len).filter(|e| *e <= bytes.len()) else {
                    break;
                };
                raw = Some(&bytes[i..end]);
                i = end;
            }
            1 => i += 8,
            5 => i += 4,
            _ => break,
        }
        if number == 999 {
            if let Some(option) = raw
                .and_then(|r| UninterpretedOption::decode(r).ok())
                .as_ref()
                .and_then(from_uninterpreted)
            {
                custom.push(option);
            }
            continue;
        }
        let Some((name, _, kind)) = table.iter().find(|(_, n, _)| u64::from(*n) == number) else {
            continue;
        };
        let value = match (kind, number_value, raw) {
            (OptionKind::Bool, Some(v), _) => OptionValue::Raw((v != 0).to_string()),
            (OptionKind::String, _, Some(r)) => {
                OptionValue::String(String::from_utf8_lossy(r).into_owned())
            }
            (OptionKind::Enum(values), Some(v), _) => match values.iter().find(|(_, x)| *x == v) {
                Some((name, _)) => OptionValue::Raw((*name).to_owned()),
                None => continue,
            },
            _ => continue,
        };
        result.push(OptionElement {
            name: (*name).to_owned(),
            parenthesized: false,
            value,
        });
    }
    result.extend(custom);
    result
}

fn scalar_type(name: &str) -> Option<PbType> {
    Some(match name {
        "double" => PbType::Double,
        "float" => PbType::Float,
        "int64" => PbType::Int64,
        "uint64" => PbType::Uint64,
        "int32" => PbType::Int32,
        "fixed64" => PbType::Fixed64,
        "fixed32" => PbType::Fixed32,
        "bool" => PbType::Bool,
        "string" => PbType::String,
        "bytes" => PbType::Bytes,
        "uint32" => PbType::Uint32,
        "sfixed32" => PbType::Sfixed32,
        "sfixed64" => PbType::Sfixed64,
        "sint32" => PbType::Sint32,
        "sint64" => PbType::Sint64,
        _ => return None,
    })
}

fn scalar_name(t: PbType) -> Option<&'static str> {
    Some(match t {
        PbType::Double => "double",
        PbType::Float => "float",
        PbType::Int64 => "int64",
        PbType::Uint64 => "uint64",
        PbType::Int32 => "int32",
        PbType::Fixed64 => "fixed64",
        PbType::Fixed32 => "fixed32",
        PbType::Bool => "bool",
        PbType::String => "string",
        PbType::Bytes => "bytes",
        PbType::Uint32 => "uint32",
        PbType::Sfixed32 => "sfixed32",
        PbType::Sfixed64 => "sfixed64",
        PbType::Sint32 => "sint32",
        PbType::Sint64 => "sint64",
        PbType::Group | PbType::Message | PbType::Enum => return None,
    })
}

/// Confluent's map-entry type name: `<field>Entry`, snake_case turned into UpperCamel.
fn map_entry_name(field: &str) -> String {
    if field.contains('_') {
        let camel: String = field
            .split('_')
            .map(|part| {
                let mut chars = part.chars();
                match chars.next() {
                    Some(first) => {
                        first.to_uppercase().collect::<String>() + &chars.as_str().to_lowercase()
                    }
                    None => String::new(),
                }
            })
            .collect();
        format!("{camel}Entry")
    } else {
        format!("{field}Entry")
    }
}

struct Encoder<'t, 'a> {
    types: &'t Types<'a>,
    proto3: bool,
    scope: Vec<String>,
}

/// The schema as base64 `FileDescriptorProto` (`format=serialized`).
pub(crate) fn to_base64(file: &ProtoFile, types: &Types<'_>) -> String {
    let mut encoder = Encoder {
        types,
        proto3: file.syntax.as_deref() == Some("proto3"),
        scope: Vec::new(),
    };
    let mut dependency: Vec<String> = file.imports.clone();
    let mut public_dependency = Vec::new();
    for import in &file.public_imports {
        public_dependency.push(i32::try_from(dependency.len()).unwrap_or(i32::MAX));
        dependency.push(import.clone());
    }
    let (message_type, enum_type) = encoder.types_of(&file.types);
    let mut extension = Vec::new();
    for extend in &file.extends {
        for field in &extend.fields {
            let mut proto = encoder.field(field, None);
            proto.extendee = Some(extend.name.clone());
            extension.push(proto);
        }
    }
    let descriptor = FileDescriptorProto {
        name: Some("default".to_owned()),
        package: file.package.clone(),
        dependency,
        public_dependency,
        message_type,
        enum_type,
        service: file.services.iter().map(service).collect(),
        extension,
        options: encode_options(&file.options, FILE_OPTIONS),
        syntax: file.syntax.clone(),
        ..FileDescriptorProto::default()
    };
    STANDARD.encode(descriptor.encode_to_vec())
}

fn service(service: &ServiceElement) -> ServiceDescriptorProto {
    ServiceDescriptorProto {
        name: Some(service.name.clone()),
        method: service
            .rpcs
            .iter()
            .map(|rpc| MethodDescriptorProto {
                name: Some(rpc.name.clone()),
                input_type: Some(rpc.request_type.clone()),
                output_type: Some(rpc.response_type.clone()),
                options: encode_options(&rpc.options, METHOD_OPTIONS),
                client_streaming: Some(rpc.request_streaming),
                server_streaming: Some(rpc.response_streaming),
            })
            .collect(),
        options: encode_options(&service.options, SERVICE_OPTIONS),
    }
}

fn enumeration(element: &EnumElement) -> EnumDescriptorProto {
    EnumDescriptorProto {
        name: Some(element.name.clone()),
        value: element
            .constants
            .iter()
            .map(|c| EnumValueDescriptorProto {
                name: Some(c.name.clone()),
                number: i32::try_from(c.tag).ok(),
                options: encode_options(&c.options, ENUM_VALUE_OPTIONS),
            })
            .collect(),
        options: encode_options(&element.options, ENUM_OPTIONS),
        reserved_range: element
            .reserveds
            .iter()
            .flatten()
            .filter_map(|r| {
                let (start, end) = match r {
                    Reserved::Tag(t) => (*t, *t),
                    Reserved::Range(s, e) => (*s, *e),
                    Reserved::Name(_) => return None,
                };
                Some(enum_descriptor_proto::EnumReservedRange {
                    start: i32::try_from(start).ok(),
                    end: i32::try_from(end).ok(),
                })
            })
            .collect(),
        reserved_name: element
            .reserveds
            .iter()
            .flatten()
            .filter_map(|r| match r {
                Reserved::Name(n) => Some(n.clone()),
                _ => None,
            })
            .collect(),
    }
}

fn range_end(end: i64) -> Option<i32> {
    i32::try_from(end.saturating_add(1)).ok()
}

impl Encoder<'_, '_> {
    fn types_of(
        &mut self,
        elements: &[TypeElement],
    ) -> (Vec<DescriptorProto>, Vec<EnumDescriptorProto>) {
        let mut messages = Vec::new();
        let mut enums = Vec::new();
        for element in elements {
            match element {
                TypeElement::Message(m) => {
                    self.scope.push(m.name.clone());
                    messages.push(self.message(m));
                    self.scope.pop();
                }
                TypeElement::Enum(e) => enums.push(enumeration(e)),
            }
        }
        (messages, enums)
    }

    fn message(&mut self, message: &MessageElement) -> DescriptorProto {
        let mut proto = DescriptorProto {
            name: Some(message.name.clone()),
            options: encode_options(&message.options, MESSAGE_OPTIONS),
            ..DescriptorProto::default()
        };
        for (index, oneof) in message.oneofs.iter().enumerate() {
            proto.oneof_decl.push(OneofDescriptorProto {
                name: Some(oneof.name.clone()),
                options: Some(OneofOptions::default()),
            });
            for field in &oneof.fields {
                let field = self.field(field, i32::try_from(index).ok());
                proto.field.push(field);
            }
        }
        for field in &message.fields {
            if let Some((key, value)) = map_parts(&field.type_name) {
                let entry = map_entry_name(&field.name);
                let entry_field = |name: &str, number: i32, type_name: &str| {
                    let mut f = FieldDescriptorProto {
                        name: Some(name.to_owned()),
                        number: Some(number),
                        ..FieldDescriptorProto::default()
                    };
                    self.set_type(&mut f, type_name);
                    f
                };
                let key_field = entry_field("key", 1, key);
                let value_field = entry_field("value", 2, value);
                proto.nested_type.push(DescriptorProto {
                    name: Some(entry.clone()),
                    field: vec![key_field, value_field],
                    options: Some(prost_types::MessageOptions {
                        map_entry: Some(true),
                        ..prost_types::MessageOptions::default()
                    }),
                    ..DescriptorProto::default()
                });
                let mut f = FieldDescriptorProto {
                    name: Some(field.name.clone()),
                    number: i32::try_from(field.tag).ok(),
                    label: Some(PbLabel::Repeated as i32),
                    type_name: Some(entry),
                    json_name: field.json_name.clone(),
                    options: encode_options(&field.options, FIELD_OPTIONS),
                    ..FieldDescriptorProto::default()
                };
                if field.default_value.is_some() {
                    f.default_value = field.default_value.clone();
                }
                proto.field.push(f);
            } else {
                let f = self.field(field, None);
                if f.proto3_optional == Some(true) {
                    let index = i32::try_from(proto.oneof_decl.len()).ok();
                    proto.oneof_decl.push(OneofDescriptorProto {
                        name: Some(format!("_{}", field.name)),
                        options: None,
                    });
                    proto.field.push(FieldDescriptorProto {
                        oneof_index: index,
                        ..f
                    });
                } else {
                    proto.field.push(f);
                }
            }
        }
        for extend in &message.extends {
            for field in &extend.fields {
                let mut f = self.field(field, None);
                f.extendee = Some(extend.name.clone());
                proto.extension.push(f);
            }
        }
        let (nested, enums) = self.types_of(&message.nested);
        proto.nested_type.extend(nested);
        proto.enum_type = enums;
        for range in message.extensions.iter().flatten() {
            let (start, end) = match range {
                Reserved::Tag(t) => (*t, *t),
                Reserved::Range(s, e) => (*s, *e),
                Reserved::Name(_) => continue,
            };
            proto
                .extension_range
                .push(descriptor_proto::ExtensionRange {
                    start: i32::try_from(start).ok(),
                    end: range_end(end),
                    options: None,
                });
        }
        for reserved in message.reserveds.iter().flatten() {
            match reserved {
                Reserved::Tag(t) => proto.reserved_range.push(descriptor_proto::ReservedRange {
                    start: i32::try_from(*t).ok(),
                    end: range_end(*t),
                }),
                Reserved::Range(s, e) => {
                    proto.reserved_range.push(descriptor_proto::ReservedRange {
                        start: i32::try_from(*s).ok(),
                        end: range_end(*e),
                    })
                }
                Reserved::Name(n) => proto.reserved_name.push(n.clone()),
            }
        }
        proto
    }

    fn set_type(&self, proto: &mut FieldDescriptorProto, type_name: &str) {
        if let Some(t) = scalar_type(type_name) {
            proto.r#type = Some(t as i32);
            return;
        }
        let scope: Vec<&str> = self.scope.iter().map(String::as_str).collect();
        let is_enum = self
            .types
            .get(type_name, &scope)
            .is_some_and(|t| matches!(t.element, TypeElement::Enum(_)));
        proto.r#type = Some(if is_enum {
            PbType::Enum
        } else {
            PbType::Message
        } as i32);
        proto.type_name = Some(type_name.to_owned());
    }

    fn field(&self, field: &FieldElement, oneof_index: Option<i32>) -> FieldDescriptorProto {
        let label = match (field.label, oneof_index) {
            (_, Some(_)) => Some(PbLabel::Optional),
            (Some(Label::Optional), None) => Some(PbLabel::Optional),
            (Some(Label::Required), None) => Some(PbLabel::Required),
            (Some(Label::Repeated), None) => Some(PbLabel::Repeated),
            (None, None) => None,
        };
        let mut proto = FieldDescriptorProto {
            name: Some(field.name.clone()),
            number: i32::try_from(field.tag).ok(),
            label: label.map(|l| l as i32),
            default_value: field.default_value.clone(),
            oneof_index,
            json_name: field.json_name.clone(),
            options: encode_options(&field.options, FIELD_OPTIONS),
            ..FieldDescriptorProto::default()
        };
        if self.proto3 && oneof_index.is_none() && field.label == Some(Label::Optional) {
            proto.proto3_optional = Some(true);
        }
        self.set_type(&mut proto, &field.type_name);
        proto
    }
}

/// Decodes base64 `FileDescriptorProto` into the parse tree, as Confluent converts a descriptor
/// to a schema; `None` when `text` is not base64 of a descriptor.
pub(crate) fn from_base64(text: &str) -> Option<Result<ProtoFile, SchemaError>> {
    let trimmed = text.trim();
    if trimmed.is_empty() || trimmed.len() > MAX_DESCRIPTOR_BYTES / 3 * 4 + 4 {
        return None;
    }
    let bytes = STANDARD.decode(trimmed).ok()?;
    let descriptor = FileDescriptorProto::decode(bytes.as_slice()).ok()?;
    // Every serializer names its file; this keeps a short word that happens to be base64 from
    // decoding as an empty descriptor.
    descriptor.name.as_deref().filter(|n| !n.is_empty())?;
    Some(file_from(&descriptor))
}

fn file_from(descriptor: &FileDescriptorProto) -> Result<ProtoFile, SchemaError> {
    let syntax = descriptor.syntax.clone().filter(|s| !s.is_empty());
    if let Some(syntax) = &syntax {
        if syntax != "proto2" && syntax != "proto3" {
            return Err(SchemaError::Invalid(format!(
                "unsupported descriptor syntax: {syntax}"
            )));
        }
    }
    let proto3 = syntax.as_deref() == Some("proto3");
    let mut file = ProtoFile {
        syntax,
        package: descriptor.package.clone().filter(|p| !p.is_empty()),
        options: decode_options(descriptor.options.as_ref(), FILE_OPTIONS),
        ..ProtoFile::default()
    };
    for (i, dependency) in descriptor.dependency.iter().enumerate() {
        let public = descriptor
            .public_dependency
            .iter()
            .any(|p| usize::try_from(*p).ok() == Some(i));
        if public {
            file.public_imports.push(dependency.clone());
        } else {
            file.imports.push(dependency.clone());
        }
    }
    for message in &descriptor.message_type {
        file.types
            .push(TypeElement::Message(message_from(message, proto3, 0)?));
    }
    for element in &descriptor.enum_type {
        file.types.push(TypeElement::Enum(enum_from(element)));
    }
    for field in &descriptor.extension {
        let extendee = field.extendee.clone().unwrap_or_default();
        let element = field_from(field, proto3, false, &[])?;
        match file.extends.last_mut() {
            Some(last) if last.name == extendee => last.fields.push(element),
            _ => file.extends.push(ExtendElement {
                name: extendee,
                fields: vec![element],
            }),
        }
    }
    for service in &descriptor.service {
        file.services.push(ServiceElement {
            name: service.name.clone().unwrap_or_default(),
            options: decode_options(service.options.as_ref(), SERVICE_OPTIONS),
            rpcs: service
                .method
                .iter()
                .map(|m| RpcElement {
                    name: m.name.clone().unwrap_or_default(),
                    position: None,
                    request_type: m.input_type.clone().unwrap_or_default(),
                    request_streaming: m.client_streaming.unwrap_or(false),
                    response_type: m.output_type.clone().unwrap_or_default(),
                    response_streaming: m.server_streaming.unwrap_or(false),
                    options: decode_options(m.options.as_ref(), METHOD_OPTIONS),
                })
                .collect(),
        });
    }
    Ok(file)
}

fn enum_from(element: &EnumDescriptorProto) -> EnumElement {
    let mut reserveds: Vec<Vec<Reserved>> = element
        .reserved_range
        .iter()
        .map(|r| {
            let (start, end) = (
                i64::from(r.start.unwrap_or(0)),
                i64::from(r.end.unwrap_or(0)),
            );
            vec![if start == end {
                Reserved::Tag(start)
            } else {
                Reserved::Range(start, end)
            }]
        })
        .collect();
    reserveds.extend(
        element
            .reserved_name
            .iter()
            .map(|n| vec![Reserved::Name(n.clone())]),
    );
    EnumElement {
        name: element.name.clone().unwrap_or_default(),
        position: None,
        reserveds,
        options: decode_options(element.options.as_ref(), ENUM_OPTIONS),
        constants: element
            .value
            .iter()
            .map(|v| EnumConstant {
                name: v.name.clone().unwrap_or_default(),
                tag: i64::from(v.number.unwrap_or(0)),
                options: decode_options(v.options.as_ref(), ENUM_VALUE_OPTIONS),
            })
            .collect(),
    }
}

/// A map-entry nested type: `(name, key type, value type)`.
fn map_entries(message: &DescriptorProto) -> Vec<(String, String, String)> {
    message
        .nested_type
        .iter()
        .filter(|n| n.options.as_ref().and_then(|o| o.map_entry) == Some(true))
        .map(|n| {
            let type_of = |number: i32| {
                n.field
                    .iter()
                    .find(|f| f.number == Some(number))
                    .map(type_name_of)
                    .unwrap_or_default()
            };
            (n.name.clone().unwrap_or_default(), type_of(1), type_of(2))
        })
        .collect()
}

fn type_name_of(field: &FieldDescriptorProto) -> String {
    match field.type_name.as_deref().filter(|t| !t.is_empty()) {
        Some(name) => name.to_owned(),
        None => scalar_name(field.r#type()).unwrap_or("bytes").to_owned(),
    }
}

fn message_from(
    message: &DescriptorProto,
    proto3: bool,
    depth: usize,
) -> Result<MessageElement, SchemaError> {
    if depth > 1000 {
        return Err(SchemaError::TooDeep { limit: 1000 });
    }
    let entries = map_entries(message);
    let synthetic: Vec<bool> = (0..message.oneof_decl.len())
        .map(|i| {
            let members: Vec<&FieldDescriptorProto> = message
                .field
                .iter()
                .filter(|f| f.oneof_index.and_then(|x| usize::try_from(x).ok()) == Some(i))
                .collect();
            !members.is_empty() && members.iter().all(|f| f.proto3_optional == Some(true))
        })
        .collect();
    let mut element = MessageElement {
        name: message.name.clone().unwrap_or_default(),
        options: decode_options(message.options.as_ref(), MESSAGE_OPTIONS),
        ..MessageElement::default()
    };
    element.oneofs = message
        .oneof_decl
        .iter()
        .zip(&synthetic)
        .filter(|(_, s)| !**s)
        .map(|(o, _)| OneOfElement {
            name: o.name.clone().unwrap_or_default(),
            options: Vec::new(),
            fields: Vec::new(),
        })
        .collect();
    for field in &message.field {
        let oneof = field
            .oneof_index
            .and_then(|i| usize::try_from(i).ok())
            .filter(|i| !synthetic.get(*i).copied().unwrap_or(true));
        let converted = field_from(field, proto3, oneof.is_some(), &entries)?;
        match oneof {
            Some(i) => {
                let position = synthetic[..i].iter().filter(|s| !**s).count();
                if let Some(target) = element.oneofs.get_mut(position) {
                    target.fields.push(converted);
                }
            }
            None => element.fields.push(converted),
        }
    }
    for nested in &message.nested_type {
        if nested.options.as_ref().and_then(|o| o.map_entry) == Some(true) {
            continue;
        }
        element.nested.push(TypeElement::Message(message_from(
            nested,
            proto3,
            depth + 1,
        )?));
    }
    for nested in &message.enum_type {
        element.nested.push(TypeElement::Enum(enum_from(nested)));
    }
    for field in &message.extension {
        let extendee = field.extendee.clone().unwrap_or_default();
        let converted = field_from(field, proto3, false, &[])?;
        match element.extends.last_mut() {
            Some(last) if last.name == extendee => last.fields.push(converted),
            _ => element.extends.push(ExtendElement {
                name: extendee,
                fields: vec![converted],
            }),
        }
    }
    // Confluent prints each range and each name of a descriptor as its own statement.
    let range = |start: Option<i32>, end: Option<i32>, cap: i64| {
        let (start, end) = (
            i64::from(start.unwrap_or(0)),
            i64::from(end.unwrap_or(0)) - 1,
        );
        if start == end {
            Reserved::Tag(start)
        } else {
            Reserved::Range(start, end.min(cap))
        }
    };
    for r in &message.extension_range {
        element
            .extensions
            .push(vec![range(r.start, r.end, MAX_TAG)]);
    }
    for r in &message.reserved_range {
        element
            .reserveds
            .push(vec![range(r.start, r.end, i64::from(i32::MAX))]);
    }
    for name in &message.reserved_name {
        element.reserveds.push(vec![Reserved::Name(name.clone())]);
    }
    Ok(element)
}

fn field_from(
    field: &FieldDescriptorProto,
    proto3: bool,
    in_oneof: bool,
    entries: &[(String, String, String)],
) -> Result<FieldElement, SchemaError> {
    if field.r#type() == PbType::Group {
        return Err(SchemaError::Invalid("groups are not supported".to_owned()));
    }
    let name = field.name.clone().unwrap_or_default();
    let mut type_name = type_name_of(field);
    let mut label = match field.label() {
        PbLabel::Repeated => Some(Label::Repeated),
        PbLabel::Required => Some(Label::Required),
        PbLabel::Optional if field.proto3_optional == Some(true) => Some(Label::Optional),
        PbLabel::Optional if in_oneof || proto3 => None,
        PbLabel::Optional => Some(Label::Optional),
    };
    if field.label() == PbLabel::Repeated {
        let simple = type_name.rsplit('.').next().unwrap_or(&type_name);
        if let Some((_, key, value)) = entries.iter().find(|(n, _, _)| n == simple) {
            type_name = format!("map<{key}, {value}>");
            label = None;
        }
    }
    let json_name = field.json_name.clone();
    Ok(FieldElement {
        position: None,
        label,
        type_name,
        tag: i64::from(field.number.unwrap_or(0)),
        default_value: field.default_value.clone(),
        json_name,
        options: decode_options(field.options.as_ref(), FIELD_OPTIONS),
        name,
    })
}
