//! The typed model: one shape for AsyncAPI 2.x and 3.x, built from the resolved tree.
//!
//! 2.x channels carry `publish`/`subscribe` operations; 3.x has top-level operations with an
//! action. Both become [`Operation`]s with an [`Action`] from the point of view of the
//! application the document describes: in 2.x, `publish` means other applications publish to
//! the channel, so the application *receives*; `subscribe` means they subscribe, so the
//! application *sends*. Traits are applied with each major version's precedence: in 2.x each
//! trait is merged over the object with JSON Merge Patch (the trait's values win), in 3.x the
//! object's own values win over its traits.

use accord_compat::SchemaType;
use serde_json::{Map, Value};

use crate::link::{self, SchemaLink};
use crate::pointer;

/// An AsyncAPI version this crate understands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct SpecVersion {
    /// 2 or 3.
    pub major: u8,
    /// The minor version (2.0–2.6, 3.0–3.1).
    pub minor: u8,
    /// The patch version.
    pub patch: u8,
}

impl SpecVersion {
    /// Parses `2.6.0`-style version strings this crate supports.
    pub fn parse(text: &str) -> Option<SpecVersion> {
        let mut parts = text.split('.');
        let major = parts.next()?.parse::<u8>().ok()?;
        let minor = parts.next()?.parse::<u8>().ok()?;
        let patch = parts.next()?.parse::<u8>().ok()?;
        if parts.next().is_some() {
            return None;
        }
        let supported = matches!((major, minor), (2, 0..=6) | (3, 0..=1)) && patch == 0;
        supported.then_some(SpecVersion {
            major,
            minor,
            patch,
        })
    }
}

impl std::fmt::Display for SpecVersion {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}.{}.{}", self.major, self.minor, self.patch)
    }
}

/// What the application described by the document does with a channel's messages.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Action {
    /// The application sends (3.x `send`, 2.x `subscribe`).
    Send,
    /// The application receives (3.x `receive`, 2.x `publish`).
    Receive,
}

/// The document's `info` object.
#[derive(Debug, Clone, PartialEq)]
pub struct Info {
    /// `info.title`.
    pub title: String,
    /// `info.version` (the API's version, not the specification's).
    pub version: String,
    /// `info.description`.
    pub description: Option<String>,
    /// `info.contact`, as written.
    pub contact: Option<Value>,
    /// `info.license`, as written.
    pub license: Option<Value>,
    /// Tag names (`info.tags` in 3.x, root `tags` in 2.x).
    pub tags: Vec<String>,
}

/// A server (broker) the application connects to.
#[derive(Debug, Clone, PartialEq)]
pub struct Server {
    /// The key in `servers`.
    pub name: String,
    /// 3.x `host`; in 2.x the `url` with any scheme and path removed.
    pub host: String,
    /// 3.x `pathname`; in 2.x the path of `url`, if any.
    pub pathname: Option<String>,
    /// `protocol`, for example `kafka`.
    pub protocol: String,
    /// `protocolVersion`.
    pub protocol_version: Option<String>,
    /// `description`.
    pub description: Option<String>,
    /// Names of the server variables.
    pub variables: Vec<String>,
    /// `bindings`, resolved, as written (`Null` when absent).
    pub bindings: Value,
    /// Pointer in the resolved document.
    pub pointer: String,
}

/// A channel parameter.
#[derive(Debug, Clone, PartialEq)]
pub struct Parameter {
    /// The parameter name.
    pub name: String,
    /// `description`.
    pub description: Option<String>,
    /// The parameter as written, resolved.
    pub value: Value,
}

/// A channel (topic, queue, routing key…).
#[derive(Debug, Clone, PartialEq)]
pub struct Channel {
    /// The key in `channels` (in 2.x also the address).
    pub name: String,
    /// The address: 3.x `address` (`None` when null or absent), 2.x the channel name.
    pub address: Option<String>,
    /// `description`.
    pub description: Option<String>,
    /// Declared parameters.
    pub parameters: Vec<Parameter>,
    /// Names of the servers the channel is available on (empty = all).
    pub servers: Vec<String>,
    /// Ids (see [`Message::id`]) of the messages the channel carries.
    pub messages: Vec<String>,
    /// `bindings`, resolved (`Null` when absent).
    pub bindings: Value,
    /// Pointer in the resolved document.
    pub pointer: String,
}

/// An operation: the application sends or receives messages on a channel.
#[derive(Debug, Clone, PartialEq)]
pub struct Operation {
    /// Stable identity: the 3.x key in `operations`; in 2.x the `operationId`, else
    /// `{channel}/{publish|subscribe}`.
    pub id: String,
    /// `operationId` (2.x) or the key (3.x).
    pub operation_id: Option<String>,
    /// Send or receive, normalized across versions.
    pub action: Action,
    /// The name of the channel (key in `channels`).
    pub channel: String,
    /// Ids of the messages (see [`Message::id`]).
    pub messages: Vec<String>,
    /// `summary`, after traits.
    pub summary: Option<String>,
    /// `description`, after traits.
    pub description: Option<String>,
    /// Tag names, after traits.
    pub tags: Vec<String>,
    /// `bindings`, after traits (`Null` when absent).
    pub bindings: Value,
    /// 3.x `reply`, as written, resolved.
    pub reply: Option<Value>,
    /// Pointer in the resolved document.
    pub pointer: String,
}

/// A message, after traits.
#[derive(Debug, Clone, PartialEq)]
pub struct Message {
    /// Stable identity within the document. 3.x: `{channel}/{key}` for a channel's message,
    /// `components/{key}` for a component not used by any channel. 2.x: the `messageId`, else
    /// `{channel}/{publish|subscribe}[/{index in oneOf}]`, else `components/{key}`.
    pub id: String,
    /// `name`.
    pub name: Option<String>,
    /// 2.x `messageId`.
    pub message_id: Option<String>,
    /// `title`.
    pub title: Option<String>,
    /// `summary`.
    pub summary: Option<String>,
    /// `description`.
    pub description: Option<String>,
    /// `contentType`, or the document's `defaultContentType`.
    pub content_type: Option<String>,
    /// The payload schema.
    pub payload: Option<Payload>,
    /// The headers schema.
    pub headers: Option<Payload>,
    /// `correlationId`, resolved.
    pub correlation_id: Option<Value>,
    /// `bindings` (`Null` when absent).
    pub bindings: Value,
    /// Tag names.
    pub tags: Vec<String>,
    /// `examples`, as written.
    pub examples: Vec<Value>,
    /// Pointer in the resolved document.
    pub pointer: String,
    /// Where the message is defined when it was reached through `$ref`s (the final target,
    /// for example `#/components/messages/UserSignedUp`); messages with the same origin are
    /// the same definition.
    pub origin: Option<String>,
}

/// The format of a payload or headers schema, from `schemaFormat`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum PayloadFormat {
    /// The AsyncAPI Schema object (the default).
    AsyncApi,
    /// JSON Schema (`application/schema+json`, `+yaml`).
    JsonSchema,
    /// Apache Avro.
    Avro,
    /// Protocol Buffers (`.proto` text).
    Protobuf,
    /// OpenAPI 3.0 schema object.
    OpenApi,
    /// RAML 1.0 data type.
    Raml,
    /// Anything else.
    Other,
}

impl PayloadFormat {
    /// Classifies a `schemaFormat` media type (`None` = the AsyncAPI default).
    pub fn from_schema_format(schema_format: Option<&str>) -> PayloadFormat {
        let Some(f) = schema_format else {
            return PayloadFormat::AsyncApi;
        };
        let media = f.split(';').next().unwrap_or_default().trim();
        match media {
            "application/vnd.aai.asyncapi"
            | "application/vnd.aai.asyncapi+json"
            | "application/vnd.aai.asyncapi+yaml" => PayloadFormat::AsyncApi,
            "application/schema+json" | "application/schema+yaml" => PayloadFormat::JsonSchema,
            "application/vnd.apache.avro"
            | "application/vnd.apache.avro+json"
            | "application/vnd.apache.avro+yaml" => PayloadFormat::Avro,
            "application/vnd.google.protobuf" => PayloadFormat::Protobuf,
            "application/vnd.oai.openapi"
            | "application/vnd.oai.openapi+json"
            | "application/vnd.oai.openapi+yaml" => PayloadFormat::OpenApi,
            "application/raml+yaml" => PayloadFormat::Raml,
            _ => PayloadFormat::Other,
        }
    }

    /// The registry schema type that judges this format, if any. AsyncAPI Schema objects
    /// are JSON Schema draft-07 supersets and map to JSON.
    pub fn schema_type(self) -> Option<SchemaType> {
        match self {
            PayloadFormat::AsyncApi | PayloadFormat::JsonSchema => Some(SchemaType::Json),
            PayloadFormat::Avro => Some(SchemaType::Avro),
            PayloadFormat::Protobuf => Some(SchemaType::Protobuf),
            PayloadFormat::OpenApi | PayloadFormat::Raml | PayloadFormat::Other => None,
        }
    }
}

/// A payload or headers schema.
#[derive(Debug, Clone, PartialEq)]
pub struct Payload {
    /// The format.
    pub format: PayloadFormat,
    /// `schemaFormat` as written (`None` = the AsyncAPI default).
    pub schema_format: Option<String>,
    /// The schema, resolved (a string for Protobuf; a `{"$ref": …}` object for a link).
    pub schema: Value,
    /// The registry subject version the schema links to, if it is a registry link.
    pub link: Option<SchemaLink>,
    /// Pointer of the schema in the resolved document.
    pub pointer: String,
}

impl Payload {
    /// The schema as text for `accord_compat::parse`: Protobuf's string as is, anything else
    /// as JSON. `None` for a registry link (its text comes from the registry).
    pub fn schema_text(&self) -> Option<String> {
        if self.link.is_some() {
            return None;
        }
        match (&self.schema, self.format) {
            (Value::String(s), PayloadFormat::Protobuf) => Some(s.clone()),
            (v, _) => serde_json::to_string(v).ok(),
        }
    }
}

/// The model of a document, resolved, with traits applied.
#[derive(Debug, Clone, PartialEq)]
pub struct Model {
    /// The specification version.
    pub version: SpecVersion,
    /// 3.x `id` / 2.x `id`.
    pub id: Option<String>,
    /// `info`.
    pub info: Info,
    /// `defaultContentType`.
    pub default_content_type: Option<String>,
    /// Servers, in document order.
    pub servers: Vec<Server>,
    /// Channels, in document order.
    pub channels: Vec<Channel>,
    /// Operations, in document order.
    pub operations: Vec<Operation>,
    /// Every distinct message, in document order.
    pub messages: Vec<Message>,
    /// `components`, resolved, as written (`Null` when absent).
    pub components: Value,
}

impl Model {
    /// The channel with this name.
    pub fn channel(&self, name: &str) -> Option<&Channel> {
        self.channels.iter().find(|c| c.name == name)
    }

    /// The message with this id.
    pub fn message(&self, id: &str) -> Option<&Message> {
        self.messages.iter().find(|m| m.id == id)
    }

    /// The operation with this id.
    pub fn operation(&self, id: &str) -> Option<&Operation> {
        self.operations.iter().find(|o| o.id == id)
    }
}

/// Builds the model from the raw and the resolved trees.
pub(crate) fn build(
    version: SpecVersion,
    raw: &Value,
    resolved: &Value,
    registry_base_urls: &[String],
) -> Model {
    let mut b = Builder {
        raw,
        resolved,
        bases: registry_base_urls,
        default_content_type: str_at(resolved, "defaultContentType"),
        messages: Vec::new(),
    };
    let info_v = resolved.get("info").unwrap_or(&Value::Null);
    let mut tags = tag_names(info_v.get("tags"));
    tags.extend(tag_names(resolved.get("tags")));
    let info = Info {
        title: str_at(info_v, "title").unwrap_or_default(),
        version: str_at(info_v, "version").unwrap_or_default(),
        description: str_at(info_v, "description"),
        contact: info_v.get("contact").cloned(),
        license: info_v.get("license").cloned(),
        tags,
    };
    let servers = entries(resolved.get("servers"))
        .map(|(name, s)| server(version, name, s))
        .collect();
    let (channels, operations) = if version.major == 2 { b.v2() } else { b.v3() };
    Model {
        version,
        id: str_at(resolved, "id"),
        info,
        default_content_type: b.default_content_type.clone(),
        servers,
        channels,
        operations,
        messages: b.messages,
        components: resolved.get("components").cloned().unwrap_or(Value::Null),
    }
}

struct Builder<'a> {
    raw: &'a Value,
    resolved: &'a Value,
    bases: &'a [String],
    default_content_type: Option<String>,
    messages: Vec<Message>,
}

impl Builder<'_> {
    fn v2(&mut self) -> (Vec<Channel>, Vec<Operation>) {
        let mut channels = Vec::new();
        let mut operations = Vec::new();
        for (name, ch) in entries(self.resolved.get("channels")) {
            let ch_ptr = pointer::push("/channels", name);
            let mut ch_messages = Vec::new();
            for (verb, action) in [("publish", Action::Receive), ("subscribe", Action::Send)] {
                let Some(op) = ch.get(verb) else { continue };
                let op_ptr = pointer::push(&ch_ptr, verb);
                let op = apply_traits_v2(op);
                let operation_id = str_at(&op, "operationId");
                let id = operation_id
                    .clone()
                    .unwrap_or_else(|| format!("{name}/{verb}"));
                let mut msg_ids = Vec::new();
                if let Some(m) = op.get("message") {
                    let m_ptr = format!("{op_ptr}/message");
                    match m.get("oneOf").and_then(Value::as_array) {
                        Some(list) => {
                            for (i, item) in list.iter().enumerate() {
                                let fallback = format!("{name}/{verb}/{i}");
                                let p = format!("{m_ptr}/oneOf/{i}");
                                msg_ids.push(self.message_v2(item, &p, fallback));
                            }
                        }
                        None => msg_ids.push(self.message_v2(m, &m_ptr, format!("{name}/{verb}"))),
                    }
                }
                ch_messages.extend(msg_ids.iter().cloned());
                operations.push(Operation {
                    id,
                    operation_id,
                    action,
                    channel: name.to_string(),
                    messages: msg_ids,
                    summary: str_at(&op, "summary"),
                    description: str_at(&op, "description"),
                    tags: tag_names(op.get("tags")),
                    bindings: op.get("bindings").cloned().unwrap_or(Value::Null),
                    reply: None,
                    pointer: op_ptr,
                });
            }
            ch_messages.dedup();
            channels.push(Channel {
                name: name.to_string(),
                address: Some(name.to_string()),
                description: str_at(ch, "description"),
                parameters: parameters(ch.get("parameters")),
                servers: string_list(ch.get("servers")),
                messages: ch_messages,
                bindings: ch.get("bindings").cloned().unwrap_or(Value::Null),
                pointer: ch_ptr,
            });
        }
        for (key, m) in entries(
            self.resolved
                .get("components")
                .and_then(|c| c.get("messages")),
        ) {
            let p = pointer::push("/components/messages", key);
            let origin = format!("#{p}");
            if self
                .messages
                .iter()
                .any(|x| x.origin.as_deref() == Some(&origin))
            {
                continue;
            }
            self.message_v2(m, &p, format!("components/{key}"));
        }
        (channels, operations)
    }

    /// Adds a 2.x message unless the same definition is already known; returns its id.
    fn message_v2(&mut self, m: &Value, ptr: &str, fallback: String) -> String {
        let origin = origin(self.raw, ptr);
        if let Some(existing) = self
            .messages
            .iter()
            .find(|x| origin.is_some() && x.origin == origin)
        {
            return existing.id.clone();
        }
        let m = apply_traits_v2(m);
        let id = str_at(&m, "messageId").unwrap_or(fallback);
        let message = self.message(&m, ptr, id.clone(), origin, str_at(&m, "schemaFormat"));
        self.messages.push(message);
        id
    }

    fn v3(&mut self) -> (Vec<Channel>, Vec<Operation>) {
        let mut channels = Vec::new();
        for (name, ch) in entries(self.resolved.get("channels")) {
            let ch_ptr = pointer::push("/channels", name);
            let mut ids = Vec::new();
            for (key, m) in entries(ch.get("messages")) {
                let p = pointer::push(&format!("{ch_ptr}/messages"), key);
                let id = format!("{name}/{key}");
                let m = apply_traits_v3(m);
                let origin = origin(self.raw, &p);
                let message = self.message(&m, &p, id.clone(), origin, None);
                self.messages.push(message);
                ids.push(id);
            }
            channels.push(Channel {
                name: name.to_string(),
                address: str_at(ch, "address"),
                description: str_at(ch, "description"),
                parameters: parameters(ch.get("parameters")),
                servers: self.ref_names(&format!("{ch_ptr}/servers"), "/servers/"),
                messages: ids,
                bindings: ch.get("bindings").cloned().unwrap_or(Value::Null),
                pointer: ch_ptr,
            });
        }
        for (key, m) in entries(
            self.resolved
                .get("components")
                .and_then(|c| c.get("messages")),
        ) {
            let p = pointer::push("/components/messages", key);
            let origin = format!("#{p}");
            if self
                .messages
                .iter()
                .any(|x| x.origin.as_deref() == Some(&origin))
            {
                continue;
            }
            let m = apply_traits_v3(m);
            let message = self.message(&m, &p, format!("components/{key}"), Some(origin), None);
            self.messages.push(message);
        }
        let mut operations = Vec::new();
        for (key, op) in entries(self.resolved.get("operations")) {
            let op_ptr = pointer::push("/operations", key);
            let op = apply_traits_v3(op);
            let action = match op.get("action").and_then(Value::as_str) {
                Some("send") => Action::Send,
                _ => Action::Receive,
            };
            let channel = self
                .ref_names(&op_ptr, "/channels/")
                .into_iter()
                .next()
                .unwrap_or_default();
            let messages = entries_array(raw_at(self.raw, &format!("{op_ptr}/messages")))
                .iter()
                .enumerate()
                .filter_map(|(i, _)| {
                    let target = origin(self.raw, &format!("{op_ptr}/messages/{i}"))?;
                    self.message_id_for(&target, &channel)
                })
                .collect();
            operations.push(Operation {
                id: key.to_string(),
                operation_id: Some(key.to_string()),
                action,
                channel,
                messages,
                summary: str_at(&op, "summary"),
                description: str_at(&op, "description"),
                tags: tag_names(op.get("tags")),
                bindings: op.get("bindings").cloned().unwrap_or(Value::Null),
                reply: op.get("reply").cloned(),
                pointer: op_ptr,
            });
        }
        (channels, operations)
    }

    /// The message id for an operation's message reference target.
    fn message_id_for(&self, target: &str, channel: &str) -> Option<String> {
        let prefix = format!("#{}/messages/", pointer::push("/channels", channel));
        if let Some(key) = target.strip_prefix(&prefix) {
            let key = pointer::tokens(&format!("/{key}")).next()?;
            return Some(format!("{channel}/{key}"));
        }
        self.messages
            .iter()
            .find(|m| {
                m.origin.as_deref() == Some(target) && m.id.starts_with(&format!("{channel}/"))
            })
            .or_else(|| {
                self.messages
                    .iter()
                    .find(|m| m.origin.as_deref() == Some(target))
            })
            .map(|m| m.id.clone())
    }

    /// For a 3.x list of references (or a single one) at `ptr` in the raw tree: the names
    /// under `prefix` (`/servers/`, `/channels/`) they point to.
    fn ref_names(&self, ptr: &str, prefix: &str) -> Vec<String> {
        let Some(node) = raw_at(self.raw, ptr) else {
            return Vec::new();
        };
        let one = |v: &Value| {
            let r = v.get("$ref")?.as_str()?;
            let rest = r.strip_prefix('#')?.strip_prefix(prefix)?;
            pointer::tokens(&format!("/{rest}")).next()
        };
        match node {
            Value::Array(items) => items.iter().filter_map(one).collect(),
            Value::Object(_) if prefix == "/channels/" => {
                node.get("channel").and_then(one).into_iter().collect()
            }
            _ => Vec::new(),
        }
    }

    fn message(
        &self,
        m: &Value,
        ptr: &str,
        id: String,
        origin: Option<String>,
        schema_format_v2: Option<String>,
    ) -> Message {
        Message {
            id,
            name: str_at(m, "name"),
            message_id: str_at(m, "messageId"),
            title: str_at(m, "title"),
            summary: str_at(m, "summary"),
            description: str_at(m, "description"),
            content_type: str_at(m, "contentType").or_else(|| self.default_content_type.clone()),
            payload: m
                .get("payload")
                .map(|p| self.payload(p, &format!("{ptr}/payload"), schema_format_v2)),
            headers: m
                .get("headers")
                .map(|h| self.payload(h, &format!("{ptr}/headers"), None)),
            correlation_id: m.get("correlationId").cloned(),
            bindings: m.get("bindings").cloned().unwrap_or(Value::Null),
            tags: tag_names(m.get("tags")),
            examples: m
                .get("examples")
                .and_then(Value::as_array)
                .cloned()
                .unwrap_or_default(),
            pointer: ptr.to_string(),
            origin,
        }
    }

    fn payload(&self, p: &Value, ptr: &str, schema_format_v2: Option<String>) -> Payload {
        payload(p, ptr, schema_format_v2, self.bases)
    }
}

/// Reads a payload or headers schema; in 3.x a multi-format schema
/// (`{schemaFormat, schema}`) carries its own format.
pub(crate) fn payload(
    p: &Value,
    ptr: &str,
    schema_format_v2: Option<String>,
    bases: &[String],
) -> Payload {
    let (schema_format, schema, pointer) = match (schema_format_v2, p.get("schemaFormat")) {
        (Some(f), _) => (Some(f), p.clone(), ptr.to_string()),
        (None, Some(Value::String(f))) if p.get("schema").is_some() => (
            Some(f.clone()),
            p.get("schema").cloned().unwrap_or(Value::Null),
            format!("{ptr}/schema"),
        ),
        _ => (None, p.clone(), ptr.to_string()),
    };
    let link = schema
        .get("$ref")
        .and_then(Value::as_str)
        .and_then(|r| link::parse(r, bases));
    Payload {
        format: PayloadFormat::from_schema_format(schema_format.as_deref()),
        schema_format,
        schema,
        link,
        pointer,
    }
}

fn server(version: SpecVersion, name: &str, s: &Value) -> Server {
    let (host, pathname) = if version.major == 2 {
        let url = str_at(s, "url").unwrap_or_default();
        let without_scheme = url.split_once("://").map_or(url.as_str(), |(_, r)| r);
        match without_scheme.split_once('/') {
            Some((h, p)) => (h.to_string(), Some(format!("/{p}"))),
            None => (without_scheme.to_string(), None),
        }
    } else {
        (str_at(s, "host").unwrap_or_default(), str_at(s, "pathname"))
    };
    Server {
        name: name.to_string(),
        host,
        pathname,
        protocol: str_at(s, "protocol").unwrap_or_default(),
        protocol_version: str_at(s, "protocolVersion"),
        description: str_at(s, "description"),
        variables: entries(s.get("variables"))
            .map(|(k, _)| k.to_string())
            .collect(),
        bindings: s.get("bindings").cloned().unwrap_or(Value::Null),
        pointer: pointer::push("/servers", name),
    }
}

fn parameters(v: Option<&Value>) -> Vec<Parameter> {
    entries(v)
        .map(|(k, p)| Parameter {
            name: k.to_string(),
            description: str_at(p, "description"),
            value: p.clone(),
        })
        .collect()
}

pub(crate) fn entries(v: Option<&Value>) -> impl Iterator<Item = (&str, &Value)> {
    v.and_then(Value::as_object)
        .into_iter()
        .flat_map(|m| m.iter().map(|(k, v)| (k.as_str(), v)))
}

fn entries_array(v: Option<&Value>) -> &[Value] {
    v.and_then(Value::as_array)
        .map(Vec::as_slice)
        .unwrap_or(&[])
}

pub(crate) fn str_at(v: &Value, key: &str) -> Option<String> {
    v.get(key).and_then(Value::as_str).map(str::to_string)
}

fn string_list(v: Option<&Value>) -> Vec<String> {
    entries_array(v)
        .iter()
        .filter_map(|s| s.as_str().map(str::to_string))
        .collect()
}

fn tag_names(v: Option<&Value>) -> Vec<String> {
    entries_array(v)
        .iter()
        .filter_map(|t| str_at(t, "name"))
        .collect()
}

/// The raw (unresolved) node at a pointer of the resolved tree, following local references
/// met on the way.
pub(crate) fn raw_at<'a>(raw: &'a Value, resolved_pointer: &str) -> Option<&'a Value> {
    walk_raw(raw, resolved_pointer).map(|(v, _)| v)
}

/// Where a node of the resolved tree is defined when `$ref`s led to it: the final local
/// target (`#/…`) or the last reference string when it leaves the document.
pub(crate) fn origin(raw: &Value, resolved_pointer: &str) -> Option<String> {
    let (node, raw_pointer) = walk_raw(raw, resolved_pointer)?;
    let (last, final_pointer) = follow(raw, node, raw_pointer.clone());
    match final_pointer {
        Some(p) if p != resolved_pointer => Some(format!("#{p}")),
        Some(_) => None,
        None => last.get("$ref").and_then(Value::as_str).map(str::to_string),
    }
}

/// Walks the raw tree along a resolved pointer, jumping through local references; returns
/// the node reached (which may itself be a reference) and its raw pointer.
pub(crate) fn walk_raw<'a>(raw: &'a Value, resolved_pointer: &str) -> Option<(&'a Value, String)> {
    let mut node = raw;
    let mut at = String::new();
    for token in pointer::tokens(resolved_pointer) {
        let (n, p) = follow(raw, node, at);
        node = n;
        at = p?;
        node = match node {
            Value::Object(m) => m.get(&token)?,
            Value::Array(items) => items.get(token.parse::<usize>().ok()?)?,
            _ => return None,
        };
        at = pointer::push(&at, &token);
    }
    Some((node, at))
}

/// Follows a chain of local references from `node` (at raw pointer `at`). Returns the final
/// node and its pointer, or `None` as pointer when a reference leaves the document.
fn follow<'a>(raw: &'a Value, mut node: &'a Value, mut at: String) -> (&'a Value, Option<String>) {
    for _ in 0..64 {
        let Some(r) = node.get("$ref").and_then(Value::as_str) else {
            return (node, Some(at));
        };
        let Some(fragment) = r.strip_prefix('#') else {
            return (node, None);
        };
        let target = pointer::percent_decode(fragment);
        match pointer::get(raw, &target) {
            Some(t) => {
                node = t;
                at = target;
            }
            None => return (node, None),
        }
    }
    (node, None)
}

/// RFC 7386 JSON Merge Patch.
fn merge_patch(target: Value, patch: &Value) -> Value {
    let Value::Object(patch_map) = patch else {
        return patch.clone();
    };
    let mut out = match target {
        Value::Object(m) => m,
        _ => Map::new(),
    };
    for (k, v) in patch_map {
        if v.is_null() {
            out.shift_remove(k);
        } else {
            let current = out.shift_remove(k).unwrap_or(Value::Null);
            out.insert(k.clone(), merge_patch(current, v));
        }
    }
    Value::Object(out)
}

/// 2.x: each trait, in order, is merged over the object (the trait's values win).
pub(crate) fn apply_traits_v2(object: &Value) -> Value {
    let Some(traits) = object.get("traits").and_then(Value::as_array) else {
        return object.clone();
    };
    let mut out = object.clone();
    if let Value::Object(map) = &mut out {
        map.shift_remove("traits");
        for t in traits {
            for (k, v) in t.as_object().into_iter().flatten() {
                let current = map.shift_remove(k).unwrap_or(Value::Null);
                map.insert(k.clone(), merge_patch(current, v));
            }
        }
    }
    out
}

/// 3.x: traits, in order, fill in what the object does not say (the object's values win).
pub(crate) fn apply_traits_v3(object: &Value) -> Value {
    let Some(traits) = object.get("traits").and_then(Value::as_array) else {
        return object.clone();
    };
    let mut own = object.clone();
    if let Value::Object(map) = &mut own {
        map.shift_remove("traits");
    }
    let mut base = Value::Object(Map::new());
    for t in traits {
        base = merge_patch(base, t);
    }
    merge_patch(base, &own)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn traits_precedence_differs_by_major_version() {
        let m = json!({
            "description": "own",
            "traits": [{"description": "trait", "summary": "from trait"}]
        });
        let v2 = apply_traits_v2(&m);
        assert_eq!(v2["description"], "trait");
        assert_eq!(v2["summary"], "from trait");
        assert!(v2.get("traits").is_none());
        let v3 = apply_traits_v3(&m);
        assert_eq!(v3["description"], "own");
        assert_eq!(v3["summary"], "from trait");
    }

    #[test]
    fn versions_outside_2_0_to_3_1_are_unsupported() {
        assert!(SpecVersion::parse("2.6.0").is_some());
        assert!(SpecVersion::parse("3.1.0").is_some());
        assert!(SpecVersion::parse("2.0.0-rc2").is_none());
        assert!(SpecVersion::parse("1.2.0").is_none());
        assert!(SpecVersion::parse("3.2.0").is_none());
    }

    #[test]
    fn formats_map_to_registry_types() {
        let avro =
            PayloadFormat::from_schema_format(Some("application/vnd.apache.avro;version=1.9.0"));
        assert_eq!(avro.schema_type(), Some(SchemaType::Avro));
        let proto =
            PayloadFormat::from_schema_format(Some("application/vnd.google.protobuf;version=3"));
        assert_eq!(proto, PayloadFormat::Protobuf);
        assert_eq!(
            PayloadFormat::from_schema_format(None),
            PayloadFormat::AsyncApi
        );
        let raml = PayloadFormat::from_schema_format(Some("application/raml+yaml;version=1.0"));
        assert_eq!(raml.schema_type(), None);
    }
}
