//! Governance rules (lint): checks a valid document against an organisation's conventions.
//!
//! Every rule has a stable id (the [`Diagnostic::rule`] of what it finds) and a default
//! severity in [`LintConfig::recommended`]:
//!
//! | id | default | finds |
//! |---|---|---|
//! | `channel-naming` | warning | a channel address that does not match the naming pattern |
//! | `info-contact` | warning | no `info.contact` with a `name`, `email` or `url` (the owner) |
//! | `operation-description` | warning | an operation with neither `description` nor `summary` |
//! | `message-description` | warning | a message with neither `description` nor `summary` |
//! | `payload-linked-to-registry` | warning | a message payload that is not a registry link |
//! | `kafka-bindings` | warning | a Kafka document whose channels or messages lack `bindings.kafka`, or Kafka bindings without a Kafka server |
//! | `kafka-schema-id-location` | error | a message's Kafka `schemaIdLocation` (or `schemaIdPayloadEncoding`, `schemaLookupStrategy`) when no Kafka server declares `bindings.kafka.schemaRegistryUrl` |
//!
//! The configuration is JSON ([`LintConfig::from_json`]):
//!
//! ```json
//! {
//!   "extends": "recommended",
//!   "rules": {
//!     "channel-naming": {"severity": "error", "pattern": "^[a-z]+\\.[a-z]+"},
//!     "info-contact": "warning",
//!     "kafka-bindings": "off"
//!   }
//! }
//! ```
//!
//! `extends` is `recommended` (the default: rules not named keep their default severity) or
//! `none` (rules not named are off). A rule is set to a severity (`error`, `warning`, `info`)
//! or `off`, either as a string or as an object with `severity` and the rule's options. The
//! only option is `channel-naming`'s `pattern`, an ECMA-262 regular expression (as in JSON
//! Schema) that each channel address must match; parameters such as `{userId}` are part of
//! the address. Unknown keys, rule ids, severities and options are errors, so a typo never
//! turns a rule off silently.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::{Map, Value, json};

use crate::diagnostic::{Diagnostic, Severity};
use crate::model::Model;
use crate::{Document, pointer};

/// The stable ids of the governance rules.
pub mod lint_rules {
    /// A channel address does not match the naming pattern.
    pub const CHANNEL_NAMING: &str = "channel-naming";
    /// `info.contact` (the owner) is missing or empty.
    pub const INFO_CONTACT: &str = "info-contact";
    /// An operation has no description.
    pub const OPERATION_DESCRIPTION: &str = "operation-description";
    /// A message has no description.
    pub const MESSAGE_DESCRIPTION: &str = "message-description";
    /// A message payload is not linked to a registered schema.
    pub const PAYLOAD_LINKED_TO_REGISTRY: &str = "payload-linked-to-registry";
    /// Kafka bindings are missing, or present without a Kafka server.
    pub const KAFKA_BINDINGS: &str = "kafka-bindings";
    /// A Kafka `schemaIdLocation` without a server `schemaRegistryUrl`.
    pub const KAFKA_SCHEMA_ID_LOCATION: &str = "kafka-schema-id-location";

    /// Every rule id with its default severity, in documentation order.
    pub const ALL: [(&str, crate::Severity); 7] = [
        (CHANNEL_NAMING, crate::Severity::Warning),
        (INFO_CONTACT, crate::Severity::Warning),
        (OPERATION_DESCRIPTION, crate::Severity::Warning),
        (MESSAGE_DESCRIPTION, crate::Severity::Warning),
        (PAYLOAD_LINKED_TO_REGISTRY, crate::Severity::Warning),
        (KAFKA_BINDINGS, crate::Severity::Warning),
        (KAFKA_SCHEMA_ID_LOCATION, crate::Severity::Error),
    ];
}

use lint_rules as ids;

/// The recommended channel naming pattern: lowercase words separated by `.`, `_`, `-` or
/// `/`, and `{parameter}`s.
pub const RECOMMENDED_CHANNEL_PATTERN: &str =
    r"^([a-z0-9]+|\{[A-Za-z0-9_]+\})([._/-]([a-z0-9]+|\{[A-Za-z0-9_]+\}))*$";

/// Governance rule configuration: each rule's severity (or off) and options. See the module
/// documentation for the JSON form.
#[derive(Debug, Clone)]
pub struct LintConfig {
    severities: BTreeMap<&'static str, Option<Severity>>,
    channel_pattern: String,
}

impl LintConfig {
    /// Every rule at its default severity; channel addresses checked against
    /// [`RECOMMENDED_CHANNEL_PATTERN`].
    pub fn recommended() -> LintConfig {
        LintConfig {
            severities: ids::ALL.iter().map(|(id, s)| (*id, Some(*s))).collect(),
            channel_pattern: RECOMMENDED_CHANNEL_PATTERN.to_string(),
        }
    }

    /// Reads a configuration from JSON (see the module documentation); `Err` names what is
    /// wrong.
    pub fn from_json(value: &Value) -> Result<LintConfig, String> {
        let root = value
            .as_object()
            .ok_or("lint configuration must be a json object")?;
        for key in root.keys() {
            if key != "rules" && key != "extends" {
                return Err(format!("unknown lint configuration key {key}"));
            }
        }
        let mut config = match root.get("extends").map(|e| (e, e.as_str())) {
            None | Some((_, Some("recommended"))) => LintConfig::recommended(),
            Some((_, Some("none"))) => {
                let mut c = LintConfig::recommended();
                c.severities.values_mut().for_each(|s| *s = None);
                c
            }
            Some((e, _)) => {
                return Err(format!(
                    "extends must be \"recommended\" or \"none\", not {e}"
                ));
            }
        };
        let empty = Map::new();
        let rules = match root.get("rules") {
            None => &empty,
            Some(Value::Object(m)) => m,
            Some(_) => return Err("rules must be a json object".to_string()),
        };
        for (name, setting) in rules {
            let Some(id) = ids::ALL.iter().map(|(id, _)| *id).find(|id| id == name) else {
                return Err(format!("unknown lint rule {name}"));
            };
            let severity = match setting {
                Value::String(s) => parse_severity(s)?,
                Value::Object(m) => {
                    for key in m.keys() {
                        let allowed =
                            key == "severity" || (key == "pattern" && id == ids::CHANNEL_NAMING);
                        if !allowed {
                            return Err(format!("unknown option {key} for lint rule {name}"));
                        }
                    }
                    if let Some(p) = m.get("pattern") {
                        let p = p
                            .as_str()
                            .ok_or_else(|| format!("pattern of {name} must be a string"))?;
                        pattern_validator(p)
                            .map_err(|e| format!("pattern of {name} is invalid: {e}"))?;
                        config.channel_pattern = p.to_string();
                    }
                    match m.get("severity") {
                        Some(Value::String(s)) => parse_severity(s)?,
                        None => config
                            .severities
                            .get(id)
                            .copied()
                            .flatten()
                            .or_else(|| default_severity(id)),
                        Some(other) => {
                            return Err(format!(
                                "severity of {name} must be a string, not {other}"
                            ));
                        }
                    }
                }
                other => {
                    return Err(format!(
                        "lint rule {name} must be a severity or an object, not {other}"
                    ));
                }
            };
            config.severities.insert(id, severity);
        }
        Ok(config)
    }

    /// The severity of a rule, `None` when it is off or unknown.
    pub fn severity(&self, rule: &str) -> Option<Severity> {
        self.severities.get(rule).copied().flatten()
    }

    /// The channel naming pattern.
    pub fn channel_pattern(&self) -> &str {
        &self.channel_pattern
    }
}

fn default_severity(id: &str) -> Option<Severity> {
    ids::ALL.iter().find(|(i, _)| *i == id).map(|(_, s)| *s)
}

fn parse_severity(s: &str) -> Result<Option<Severity>, String> {
    match s {
        "error" => Ok(Some(Severity::Error)),
        "warning" => Ok(Some(Severity::Warning)),
        "info" => Ok(Some(Severity::Info)),
        "off" => Ok(None),
        other => Err(format!(
            "severity must be error, warning, info or off, not {other}"
        )),
    }
}

/// An ECMA-262 pattern, compiled the way JSON Schema's `pattern` is.
fn pattern_validator(pattern: &str) -> Result<jsonschema::Validator, String> {
    jsonschema::draft7::new(&json!({"type": "string", "pattern": pattern}))
        .map_err(|e| e.to_string())
}

/// Runs the governance rules `config` turns on; each diagnostic carries its rule id, the
/// configured severity, a pointer into the resolved document and its line and column.
pub fn lint(doc: &Document, config: &LintConfig) -> Vec<Diagnostic> {
    let mut l = Linter {
        doc,
        config,
        out: Vec::new(),
    };
    l.channel_naming();
    l.info_contact();
    l.descriptions();
    l.payload_links();
    l.kafka();
    let mut out = l.out;
    for d in &mut out {
        if let Some((line, column)) = doc.locate(&d.pointer) {
            d.line = Some(line);
            d.column = Some(column);
        }
    }
    out.sort_by(|a, b| (a.severity, &a.pointer, a.rule).cmp(&(b.severity, &b.pointer, b.rule)));
    out
}

struct Linter<'a> {
    doc: &'a Document,
    config: &'a LintConfig,
    out: Vec<Diagnostic>,
}

impl Linter<'_> {
    fn model(&self) -> &Model {
        &self.doc.model
    }

    fn emit(&mut self, rule: &'static str, pointer: String, message: String) {
        if let Some(severity) = self.config.severity(rule) {
            self.out
                .push(Diagnostic::new(rule, severity, pointer, message));
        }
    }

    fn on(&self, rule: &str) -> bool {
        self.config.severity(rule).is_some()
    }

    fn channel_naming(&mut self) {
        if !self.on(ids::CHANNEL_NAMING) {
            return;
        }
        let Ok(validator) = pattern_validator(&self.config.channel_pattern) else {
            return; // from_json refuses invalid patterns; recommended() has a valid one
        };
        let v3 = self.model().version.major >= 3;
        let mut found = Vec::new();
        for c in &self.model().channels {
            let Some(address) = &c.address else { continue };
            if !validator.is_valid(&Value::String(address.clone())) {
                let at = if v3 {
                    format!("{}/address", c.pointer)
                } else {
                    c.pointer.clone()
                };
                found.push((
                    at,
                    format!(
                        "channel address {address} does not match the naming pattern {}",
                        self.config.channel_pattern
                    ),
                ));
            }
        }
        for (at, message) in found {
            self.emit(ids::CHANNEL_NAMING, at, message);
        }
    }

    fn info_contact(&mut self) {
        let contact = self.model().info.contact.as_ref();
        let has_owner = contact.is_some_and(|c| {
            ["name", "email", "url"].iter().any(|k| {
                c.get(*k)
                    .and_then(Value::as_str)
                    .is_some_and(|s| !s.trim().is_empty())
            })
        });
        if !has_owner {
            let at = if contact.is_some() {
                "/info/contact"
            } else {
                "/info"
            };
            self.emit(
                ids::INFO_CONTACT,
                at.to_string(),
                "info.contact must name the owner (name, email or url)".to_string(),
            );
        }
    }

    fn descriptions(&mut self) {
        let mut found = Vec::new();
        for op in &self.model().operations {
            if blank(&op.description) && blank(&op.summary) {
                found.push((
                    ids::OPERATION_DESCRIPTION,
                    op.pointer.clone(),
                    format!("operation {} has no description or summary", op.id),
                ));
            }
        }
        let mut seen = BTreeSet::new();
        for m in self.api_messages() {
            let definition = m.origin.clone().unwrap_or_else(|| m.pointer.clone());
            if !seen.insert(definition) {
                continue;
            }
            if blank(&m.description) && blank(&m.summary) {
                found.push((
                    ids::MESSAGE_DESCRIPTION,
                    defined_at(m),
                    format!("message {} has no description or summary", m.id),
                ));
            }
        }
        for (rule, at, message) in found {
            self.emit(rule, at, message);
        }
    }

    /// Messages that are part of the API (not unused components), one per use site.
    fn api_messages(&self) -> impl Iterator<Item = &crate::Message> {
        self.model()
            .messages
            .iter()
            .filter(|m| !m.id.starts_with("components/"))
    }

    fn payload_links(&mut self) {
        let mut found = Vec::new();
        let mut seen = BTreeSet::new();
        for m in self.api_messages() {
            let Some(p) = &m.payload else { continue };
            let definition = m.origin.clone().unwrap_or_else(|| m.pointer.clone());
            if p.link.is_some() || !seen.insert(definition) {
                continue;
            }
            let at = match m.origin.as_deref().and_then(|o| o.strip_prefix('#')) {
                Some(def) => format!("{def}/payload"),
                None => p.pointer.clone(),
            };
            found.push((
                at,
                format!(
                    "payload of message {} is not linked to a registered schema (use a $ref to subjects/{{subject}}/versions/{{version}})",
                    m.id
                ),
            ));
        }
        for (at, message) in found {
            self.emit(ids::PAYLOAD_LINKED_TO_REGISTRY, at, message);
        }
    }

    fn kafka(&mut self) {
        let model = self.model();
        let kafka_servers: Vec<&crate::Server> = model
            .servers
            .iter()
            .filter(|s| matches!(s.protocol.as_str(), "kafka" | "kafka-secure"))
            .collect();
        let registry_url = kafka_servers.iter().any(|s| {
            s.bindings
                .get("kafka")
                .and_then(|k| k.get("schemaRegistryUrl"))
                .and_then(Value::as_str)
                .is_some_and(|u| !u.is_empty())
        });
        let mut bindings = Vec::new();
        let mut id_location = Vec::new();
        let kafka_doc = !kafka_servers.is_empty();
        for c in &model.channels {
            let has = c.bindings.get("kafka").is_some();
            if kafka_doc && !has {
                bindings.push((
                    c.pointer.clone(),
                    format!("channel {} has no kafka binding", c.name),
                ));
            } else if !kafka_doc && has {
                bindings.push((
                    format!("{}/bindings/kafka", c.pointer),
                    format!(
                        "channel {} has a kafka binding but no server uses kafka",
                        c.name
                    ),
                ));
            }
        }
        let mut seen = BTreeSet::new();
        for m in model
            .messages
            .iter()
            .filter(|m| !m.id.starts_with("components/"))
        {
            if !seen.insert(m.origin.clone().unwrap_or_else(|| m.pointer.clone())) {
                continue;
            }
            let at = defined_at(m);
            let binding = m.bindings.get("kafka");
            match (kafka_doc, binding) {
                (true, None) => bindings.push((
                    at.clone(),
                    format!("message {} has no kafka binding (key schema)", m.id),
                )),
                (false, Some(_)) => bindings.push((
                    format!("{at}/bindings/kafka"),
                    format!(
                        "message {} has a kafka binding but no server uses kafka",
                        m.id
                    ),
                )),
                _ => {}
            }
            for key in [
                "schemaIdLocation",
                "schemaIdPayloadEncoding",
                "schemaLookupStrategy",
            ] {
                if binding.and_then(|b| b.get(key)).is_some() && !registry_url {
                    id_location.push((
                        pointer::push(&format!("{at}/bindings/kafka"), key),
                        format!(
                            "message {} sets kafka {key} but no kafka server declares bindings.kafka.schemaRegistryUrl",
                            m.id
                        ),
                    ));
                }
            }
        }
        for (at, message) in bindings {
            self.emit(ids::KAFKA_BINDINGS, at, message);
        }
        for (at, message) in id_location {
            self.emit(ids::KAFKA_SCHEMA_ID_LOCATION, at, message);
        }
    }
}

fn blank(s: &Option<String>) -> bool {
    s.as_deref().is_none_or(|s| s.trim().is_empty())
}

/// Where a message is written: its shared definition when it was reached through `$ref`.
fn defined_at(m: &crate::Message) -> String {
    match m.origin.as_deref().and_then(|o| o.strip_prefix('#')) {
        Some(def) => def.to_string(),
        None => m.pointer.clone(),
    }
}
