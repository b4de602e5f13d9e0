//! Request and response bodies of the Confluent REST API, with Confluent's field names.
//!
//! Request types accept the scalar coercions Jackson applies on Confluent's side (a version
//! sent as `"1"`, a boolean sent as `"true"`), so that existing tools that rely on them keep
//! working; see `coerce`.

use std::collections::{BTreeMap, BTreeSet};

use serde::{Deserialize, Serialize};

mod coerce;

/// The error body of every failed request.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ErrorBody {
    /// Confluent's `error_code` (see [`crate::ErrorCode`]).
    pub error_code: u32,
    /// Human-readable reason.
    pub message: String,
}

/// A reference from one schema to a subject version.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct SchemaReference {
    /// Import name: Avro full name, Protobuf import path, or JSON `$ref` URI.
    #[serde(deserialize_with = "coerce::string")]
    pub name: String,
    /// Referenced subject.
    #[serde(deserialize_with = "coerce::string")]
    pub subject: String,
    /// Referenced version; -1 means latest.
    #[serde(deserialize_with = "coerce::int")]
    pub version: i32,
}

/// A reference as sent in a request, before its fields are checked.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReferenceRequest {
    /// Import name.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "coerce::opt_string"
    )]
    pub name: Option<String>,
    /// Referenced subject.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "coerce::opt_string"
    )]
    pub subject: Option<String>,
    /// Referenced version.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "coerce::opt_int"
    )]
    pub version: Option<i32>,
}

impl From<SchemaReference> for ReferenceRequest {
    fn from(reference: SchemaReference) -> ReferenceRequest {
        ReferenceRequest {
            name: Some(reference.name),
            subject: Some(reference.subject),
            version: Some(reference.version),
        }
    }
}

/// Data-contract metadata attached to a schema version.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Metadata {
    /// Tags per field path.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub tags: BTreeMap<String, BTreeSet<String>>,
    /// Free-form properties.
    #[serde(
        default,
        skip_serializing_if = "BTreeMap::is_empty",
        deserialize_with = "coerce::string_map"
    )]
    pub properties: BTreeMap<String, String>,
    /// Names of sensitive properties.
    #[serde(default, skip_serializing_if = "BTreeSet::is_empty")]
    pub sensitive: BTreeSet<String>,
}

/// Whether a rule transforms data or checks a condition.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "UPPERCASE")]
pub enum RuleKind {
    /// Transforms data.
    Transform,
    /// Checks a condition.
    Condition,
}

/// When a rule applies.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "UPPERCASE")]
pub enum RuleMode {
    /// Migration, upgrading.
    Upgrade,
    /// Migration, downgrading.
    Downgrade,
    /// Migration, both directions.
    Updown,
    /// On write.
    Write,
    /// On read.
    Read,
    /// On write and read.
    Writeread,
}

/// One data-contract rule. Accord stores and validates rules; clients execute them.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Rule {
    /// Rule name, unique within its rule set.
    pub name: Option<String>,
    /// Documentation.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub doc: Option<String>,
    /// Transform or condition.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kind: Option<RuleKind>,
    /// When the rule applies.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mode: Option<RuleMode>,
    /// Rule executor type, for example `CEL`.
    #[serde(rename = "type", default, skip_serializing_if = "Option::is_none")]
    pub rule_type: Option<String>,
    /// Tags the rule applies to.
    #[serde(default, skip_serializing_if = "BTreeSet::is_empty")]
    pub tags: BTreeSet<String>,
    /// Executor parameters.
    #[serde(
        default,
        skip_serializing_if = "BTreeMap::is_empty",
        deserialize_with = "coerce::string_map"
    )]
    pub params: BTreeMap<String, String>,
    /// Expression.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expr: Option<String>,
    /// Action on success.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub on_success: Option<String>,
    /// Action on failure.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub on_failure: Option<String>,
    /// Whether the rule is disabled.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub disabled: bool,
}

/// The rules of a data contract.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RuleSet {
    /// Migration rules.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub migration_rules: Vec<Rule>,
    /// Domain rules.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub domain_rules: Vec<Rule>,
    /// Encoding rules.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub encoding_rules: Vec<Rule>,
    /// Where the rules are enabled.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub enable_at: Option<String>,
}

/// Body of register (`POST /subjects/{s}/versions`), lookup and compatibility requests.
///
/// Clients build one with [`RegisterSchemaRequest::new`]; absent fields are not serialized.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RegisterSchemaRequest {
    /// Schema text; may be omitted to attach new metadata to the previous version's schema.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "coerce::opt_string"
    )]
    pub schema: Option<String>,
    /// `AVRO` (default), `PROTOBUF` or `JSON`.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "coerce::opt_string"
    )]
    pub schema_type: Option<String>,
    /// References; `null` elements and missing fields are kept so that they can be rejected
    /// as an invalid schema (42201), as Confluent does, rather than as a malformed body.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub references: Option<Vec<Option<ReferenceRequest>>>,
    /// Metadata.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub metadata: Option<Metadata>,
    /// Rule set (`ruleset` is accepted too).
    #[serde(default, alias = "ruleset", skip_serializing_if = "Option::is_none")]
    pub rule_set: Option<RuleSet>,
    /// Explicit version (IMPORT mode, or a check of the next version number).
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "coerce::opt_int"
    )]
    pub version: Option<i32>,
    /// Explicit id (IMPORT mode).
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "coerce::opt_int"
    )]
    pub id: Option<i32>,
}

impl RegisterSchemaRequest {
    /// A request carrying `schema` text, of the default type (AVRO), without references.
    pub fn new(schema: impl Into<String>) -> RegisterSchemaRequest {
        RegisterSchemaRequest {
            schema: Some(schema.into()),
            ..RegisterSchemaRequest::default()
        }
    }

    /// The same request with `schemaType` set (`AVRO`, `PROTOBUF` or `JSON`).
    pub fn with_schema_type(mut self, schema_type: impl Into<String>) -> RegisterSchemaRequest {
        self.schema_type = Some(schema_type.into());
        self
    }

    /// The same request with `references` set.
    pub fn with_references(
        mut self,
        references: impl IntoIterator<Item = SchemaReference>,
    ) -> RegisterSchemaRequest {
        self.references = Some(
            references
                .into_iter()
                .map(|r| Some(ReferenceRequest::from(r)))
                .collect(),
        );
        self
    }
}

/// The minimal register response of Confluent 7.9: `{"id": N}`, or the full object when the
/// server changed the schema (metadata merged from config or `confluent:version`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RegisterSchemaResponse {
    /// The schema id.
    pub id: i32,
    /// The version, when the full object is returned.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub version: Option<i32>,
    /// The schema type, omitted for AVRO.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub schema_type: Option<String>,
    /// References.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub references: Vec<SchemaReference>,
    /// Metadata.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub metadata: Option<Metadata>,
    /// Rule set.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rule_set: Option<RuleSet>,
    /// Schema text, when the full object is returned.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub schema: Option<String>,
}

impl RegisterSchemaResponse {
    /// The plain answer to a registration: the id alone (Confluent 7.9's `{"id": …}`).
    pub fn with_id(id: i32) -> RegisterSchemaResponse {
        RegisterSchemaResponse {
            id,
            version: None,
            schema_type: None,
            references: Vec::new(),
            metadata: None,
            rule_set: None,
            schema: None,
        }
    }
}

/// A subject version (`GET /subjects/{s}/versions/{v}`, lookup, `GET /schemas` items).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Schema {
    /// Subject (context-qualified outside the default context).
    pub subject: String,
    /// Version number.
    pub version: i32,
    /// Schema id.
    pub id: i32,
    /// The schema type, omitted for AVRO.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub schema_type: Option<String>,
    /// References.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub references: Vec<SchemaReference>,
    /// Metadata.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub metadata: Option<Metadata>,
    /// Rule set.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rule_set: Option<RuleSet>,
    /// Schema text.
    pub schema: String,
    /// Subjects that alias this one (`GET /schemas?aliases=true` only).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub aliases: Vec<String>,
}

/// A schema by id (`GET /schemas/ids/{id}`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SchemaString {
    /// The schema type, omitted for AVRO.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub schema_type: Option<String>,
    /// Schema text.
    pub schema: String,
    /// References.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub references: Vec<SchemaReference>,
    /// Metadata.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub metadata: Option<Metadata>,
    /// Rule set.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rule_set: Option<RuleSet>,
    /// Highest id in the context (`fetchMaxId=true`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_id: Option<i32>,
}

/// Where a GUID has an id (`GET /schemas/guids/{guid}/ids` items).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ContextId {
    /// Context name, `.` for the default context.
    pub context: String,
    /// The id in that context.
    pub id: i32,
}

/// A (subject, version) pair.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SubjectVersion {
    /// Subject.
    pub subject: String,
    /// Version.
    pub version: i32,
}

/// Answer of the compatibility endpoints.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CompatibilityCheckResponse {
    /// The verdict.
    pub is_compatible: bool,
    /// Verbose messages, present only with `verbose=true`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub messages: Option<Vec<String>>,
}

/// Stored configuration of a scope, as returned by `GET /config` (`compatibilityLevel` key).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Config {
    /// Compatibility level, upper case.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub compatibility_level: Option<String>,
    /// Other settings.
    #[serde(flatten)]
    pub settings: ConfigSettings,
}

/// Configuration fields shared by [`Config`] and [`ConfigUpdateRequest`].
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ConfigSettings {
    /// `STRICT` or `LENIENT` (JSON Schema policy).
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "coerce::opt_string"
    )]
    pub compatibility_policy: Option<String>,
    /// Metadata property that splits versions into compatibility groups.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "coerce::opt_string"
    )]
    pub compatibility_group: Option<String>,
    /// Normalize schemas on register and lookup.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "coerce::opt_bool"
    )]
    pub normalize: Option<bool>,
    /// Stricter field validation.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "coerce::opt_bool"
    )]
    pub validate_fields: Option<bool>,
    /// Validate new schemas.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "coerce::opt_bool"
    )]
    pub validate_new_schemas: Option<bool>,
    /// Validate rules.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "coerce::opt_bool"
    )]
    pub validate_rules: Option<bool>,
    /// Subject alias: reads of this subject go to the alias target.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "coerce::opt_string"
    )]
    pub alias: Option<String>,
    /// Metadata merged under each new version's own.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub default_metadata: Option<Metadata>,
    /// Metadata merged over each new version's own.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub override_metadata: Option<Metadata>,
    /// Rule set merged under each new version's own.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub default_rule_set: Option<RuleSet>,
    /// Rule set merged over each new version's own.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub override_rule_set: Option<RuleSet>,
}

/// Body of `PUT /config[/{s}]`, and its response (`compatibility` key).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ConfigUpdateRequest {
    /// Compatibility level, any case; kept as sent so that it can be validated and echoed.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "coerce::opt_string"
    )]
    pub compatibility: Option<String>,
    /// Other settings.
    #[serde(flatten)]
    pub settings: ConfigSettings,
}

/// Body of `GET/PUT/DELETE /mode[/{s}]`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Mode {
    /// `READWRITE`, `READONLY`, `READONLY_OVERRIDE`, `IMPORT` (or `FORWARD`).
    #[serde(default, deserialize_with = "coerce::opt_string")]
    pub mode: Option<String>,
}

/// `GET /v1/metadata/version`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ServerVersion {
    /// Version string.
    pub version: String,
    /// Source revision.
    pub commit_id: String,
}

/// An object with no fields: `GET /` and `POST /` answer `{}`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct EmptyObject {}

/// `GET /v1/metadata/id`: the cluster the registry belongs to.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ClusterMetadata {
    /// The scope of the registry.
    pub scope: ClusterScope,
}

/// The scope part of [`ClusterMetadata`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ClusterScope {
    /// Always empty for a registry.
    pub path: Vec<String>,
    /// Cluster ids by kind (`kafka-cluster`, `schema-registry-cluster`).
    pub clusters: BTreeMap<String, String>,
}

/// `GET /v1/metadata/deployment`: deployment attributes.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct DeploymentMetadata {
    /// Attribute names.
    pub attributes: Vec<String>,
}

/// `GET /health/live` and `GET /health/ready`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct HealthStatus {
    /// `ok` (live), `ready`, or `unavailable`.
    pub status: String,
}
