//! The parse tree of a `.proto` file, shaped like Square Wire's `ProtoFileElement`, which is what
//! Confluent prints and diffs: names and types exactly as written, declaration order kept.

/// Where a declaration starts in the `.proto` text (1-based), for error messages; absent for a
/// file converted from a `FileDescriptorProto`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Position {
    pub(crate) line: usize,
    pub(crate) column: usize,
}

impl std::fmt::Display for Position {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}:{}", self.line, self.column)
    }
}

/// A whole `.proto` file.
#[derive(Debug, Clone, Default)]
pub(crate) struct ProtoFile {
    pub(crate) syntax: Option<String>,
    pub(crate) package: Option<String>,
    pub(crate) imports: Vec<String>,
    pub(crate) public_imports: Vec<String>,
    pub(crate) options: Vec<OptionElement>,
    pub(crate) types: Vec<TypeElement>,
    pub(crate) extends: Vec<ExtendElement>,
    pub(crate) services: Vec<ServiceElement>,
}

/// A message or enum declaration.
#[derive(Debug, Clone)]
pub(crate) enum TypeElement {
    Message(MessageElement),
    Enum(EnumElement),
}

impl TypeElement {
    pub(crate) fn name(&self) -> &str {
        match self {
            TypeElement::Message(m) => &m.name,
            TypeElement::Enum(e) => &e.name,
        }
    }

    pub(crate) fn nested(&self) -> &[TypeElement] {
        match self {
            TypeElement::Message(m) => &m.nested,
            TypeElement::Enum(_) => &[],
        }
    }
}

#[derive(Debug, Clone, Default)]
pub(crate) struct MessageElement {
    pub(crate) name: String,
    pub(crate) position: Option<Position>,
    pub(crate) reserveds: Vec<Vec<Reserved>>,
    pub(crate) options: Vec<OptionElement>,
    pub(crate) fields: Vec<FieldElement>,
    pub(crate) oneofs: Vec<OneOfElement>,
    pub(crate) extensions: Vec<Vec<Reserved>>,
    pub(crate) extends: Vec<ExtendElement>,
    pub(crate) nested: Vec<TypeElement>,
}

/// One value of a `reserved` or `extensions` statement.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Reserved {
    Tag(i64),
    Range(i64, i64),
    Name(String),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Label {
    Optional,
    Required,
    Repeated,
}

impl Label {
    pub(crate) fn as_str(self) -> &'static str {
        match self {
            Label::Optional => "optional",
            Label::Required => "required",
            Label::Repeated => "repeated",
        }
    }
}

#[derive(Debug, Clone)]
pub(crate) struct FieldElement {
    pub(crate) position: Option<Position>,
    pub(crate) label: Option<Label>,
    /// The type as written, `map<K, V>` for map fields.
    pub(crate) type_name: String,
    pub(crate) name: String,
    pub(crate) tag: i64,
    pub(crate) default_value: Option<String>,
    pub(crate) json_name: Option<String>,
    pub(crate) options: Vec<OptionElement>,
}

#[derive(Debug, Clone)]
pub(crate) struct OneOfElement {
    pub(crate) name: String,
    pub(crate) options: Vec<OptionElement>,
    pub(crate) fields: Vec<FieldElement>,
}

#[derive(Debug, Clone, Default)]
pub(crate) struct EnumElement {
    pub(crate) name: String,
    pub(crate) position: Option<Position>,
    pub(crate) reserveds: Vec<Vec<Reserved>>,
    pub(crate) options: Vec<OptionElement>,
    pub(crate) constants: Vec<EnumConstant>,
}

#[derive(Debug, Clone)]
pub(crate) struct EnumConstant {
    pub(crate) name: String,
    pub(crate) tag: i64,
    pub(crate) options: Vec<OptionElement>,
}

#[derive(Debug, Clone)]
pub(crate) struct ExtendElement {
    pub(crate) name: String,
    pub(crate) fields: Vec<FieldElement>,
}

#[derive(Debug, Clone)]
pub(crate) struct ServiceElement {
    pub(crate) name: String,
    pub(crate) options: Vec<OptionElement>,
    pub(crate) rpcs: Vec<RpcElement>,
}

#[derive(Debug, Clone)]
pub(crate) struct RpcElement {
    pub(crate) name: String,
    pub(crate) position: Option<Position>,
    pub(crate) request_type: String,
    pub(crate) request_streaming: bool,
    pub(crate) response_type: String,
    pub(crate) response_streaming: bool,
    pub(crate) options: Vec<OptionElement>,
}

/// An option: `name = value`, `(ext.name) = value` or `(ext).sub = value`.
#[derive(Debug, Clone)]
pub(crate) struct OptionElement {
    pub(crate) name: String,
    pub(crate) parenthesized: bool,
    pub(crate) value: OptionValue,
}

#[derive(Debug, Clone)]
pub(crate) enum OptionValue {
    String(String),
    /// A number, boolean or enum identifier, printed as written.
    Raw(String),
    /// A sub-option of a parenthesized option: `(ext).sub = value`.
    Option(Box<OptionElement>),
    /// A text-format aggregate `{ key: value ... }`, keys in first-seen order.
    Map(Vec<(String, Aggregate)>),
    List(Vec<OptionElement>),
}

/// A value inside an aggregate option.
#[derive(Debug, Clone)]
pub(crate) enum Aggregate {
    String(String),
    Raw(String),
    Map(Vec<(String, Aggregate)>),
    List(Vec<Aggregate>),
}
