//! `POST /subjects/{s}/versions/{v}/tags`: write inline `confluent:tags` into a schema and
//! register the result as a new version (Confluent's data-catalog tag editing).
//!
//! Avro only for now: tags sit on records (`sr_record`, path = record name) and fields
//! (`sr_field`, path = `Record.field`). Protobuf tags arrive with the Protobuf issue.

use accord_types::{Metadata, RegisterSchemaResponse};
use serde::Deserialize;
use serde_json::{Map, Value};

use super::register::CONFLUENT_VERSION;
use super::subject::{QualifiedSubject, VersionSelector};
use super::{Registry, RegistryError, response_schema_type};
use crate::store::{NewSchema, NewVersion, StoreError, SubjectState};

/// Body of the tags endpoint.
#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct TagsRequest {
    /// The version number the new version must get, if given.
    #[serde(default)]
    pub new_version: Option<i32>,
    /// Tags to add.
    #[serde(default)]
    pub tags_to_add: Vec<SchemaTags>,
    /// Tags to remove.
    #[serde(default)]
    pub tags_to_remove: Vec<SchemaTags>,
}

/// Tags for one schema element.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SchemaTags {
    /// The element.
    pub schema_entity: SchemaEntity,
    /// Tag names.
    #[serde(default)]
    pub tags: Vec<String>,
}

/// A schema element addressed by path.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SchemaEntity {
    /// `Record` or `Record.field`.
    pub entity_path: String,
    /// `sr_record` or `sr_field`.
    pub entity_type: String,
}

const TAGS_KEY: &str = "confluent:tags";

/// Finds the record object whose name (or full name) is `name`, anywhere in the schema.
fn find_record<'a>(value: &'a mut Value, name: &str, namespace: &str) -> Option<&'a mut Value> {
    let is_record = value.get("type").and_then(Value::as_str) == Some("record");
    let own_ns = value
        .get("namespace")
        .and_then(Value::as_str)
        .unwrap_or(namespace)
        .to_owned();
    if is_record {
        let short = value.get("name").and_then(Value::as_str).unwrap_or("");
        let full = if short.contains('.') || own_ns.is_empty() {
            short.to_owned()
        } else {
            format!("{own_ns}.{short}")
        };
        if short == name || full == name {
            return Some(value);
        }
    }
    match value {
        Value::Object(map) => map
            .values_mut()
            .find_map(|child| find_record_in(child, name, &own_ns)),
        Value::Array(items) => items
            .iter_mut()
            .find_map(|child| find_record(child, name, namespace)),
        _ => None,
    }
}

fn find_record_in<'a>(value: &'a mut Value, name: &str, namespace: &str) -> Option<&'a mut Value> {
    if value.is_object() || value.is_array() {
        find_record(value, name, namespace)
    } else {
        None
    }
}

/// Adds or removes `tags` on the object's `confluent:tags` list.
fn edit_tags(target: &mut Map<String, Value>, tags: &[String], add: bool) {
    let mut current: Vec<String> = target
        .get(TAGS_KEY)
        .and_then(Value::as_array)
        .map(|a| {
            a.iter()
                .filter_map(|t| t.as_str().map(str::to_owned))
                .collect()
        })
        .unwrap_or_default();
    for tag in tags {
        if add && !current.contains(tag) {
            current.push(tag.clone());
        } else if !add {
            current.retain(|t| t != tag);
        }
    }
    if current.is_empty() {
        target.remove(TAGS_KEY);
    } else {
        target.insert(TAGS_KEY.to_owned(), Value::from(current));
    }
}

fn no_path(path: &str) -> RegistryError {
    RegistryError::InvalidSchema(format!("No matching path '{path}' found in the schema"))
}

/// Applies one tag edit to the schema document.
fn apply(doc: &mut Value, edit: &SchemaTags, add: bool) -> Result<(), RegistryError> {
    let path = edit.schema_entity.entity_path.trim_start_matches('.');
    let target = match edit.schema_entity.entity_type.as_str() {
        "sr_record" => find_record(doc, path, ""),
        "sr_field" => {
            let Some((record, field)) = path.rsplit_once('.') else {
                return Err(no_path(path));
            };
            find_record(doc, record, "").and_then(|r| {
                r.get_mut("fields")?
                    .as_array_mut()?
                    .iter_mut()
                    .find(|f| f.get("name").and_then(Value::as_str) == Some(field))
            })
        }
        other => {
            return Err(RegistryError::InvalidSchema(format!(
                "unsupported entity type '{other}'"
            )));
        }
    };
    match target.and_then(Value::as_object_mut) {
        Some(object) => {
            edit_tags(object, &edit.tags, add);
            Ok(())
        }
        None => Err(no_path(path)),
    }
}

impl Registry {
    /// Writes the tag edits into version `selector` and registers the result as a new version.
    pub async fn modify_tags(
        &self,
        raw_subject: &str,
        selector: VersionSelector,
        request: TagsRequest,
    ) -> Result<RegisterSchemaResponse, RegistryError> {
        let named = QualifiedSubject::parse(raw_subject);
        named.validate(raw_subject)?;
        let subject = self.resolve_alias(&named).await?;
        let base = self.select_version(&subject, selector, false).await?;
        if self.effective_mode(&subject).await?.is_read_only() {
            return Err(super::settings::read_only(&subject));
        }
        let row = self
            .existing_schema(&subject.context, base.schema_id)
            .await?;
        if row.schema_type != accord_compat::SchemaType::Avro.as_str() {
            return Err(RegistryError::InvalidSchema(format!(
                "tag editing is not supported for {} schemas yet",
                row.schema_type
            )));
        }
        let versions = self.store.versions(&subject.context, &subject.name).await?;
        let state = SubjectState::of(&versions);
        let new_version = state.max_version + 1;
        if request.new_version.is_some_and(|v| v != new_version) {
            return Err(RegistryError::InvalidSchema(
                "Version is not one more than previous version".into(),
            ));
        }
        let mut doc: Value = serde_json::from_str(&row.schema)
            .map_err(|e| RegistryError::InvalidSchema(e.to_string()))?;
        for edit in &request.tags_to_add {
            apply(&mut doc, edit, true)?;
        }
        for edit in &request.tags_to_remove {
            apply(&mut doc, edit, false)?;
        }
        let refs = self
            .resolve_references(&subject, &row.references, true)
            .await?;
        let parsed = self
            .parse(
                accord_compat::SchemaType::Avro,
                doc.to_string(),
                refs.texts,
                false,
            )
            .await?;
        let text = parsed.canonical().to_owned();
        let mut metadata = row.metadata.clone().unwrap_or_else(Metadata::default);
        metadata
            .properties
            .insert(CONFLUENT_VERSION.to_owned(), new_version.to_string());
        let hash = super::register::hash_of(
            &text,
            &row.references,
            Some(&metadata),
            row.rule_set.as_ref(),
        );
        let new = NewVersion {
            context: subject.context.clone(),
            subject: subject.name.clone(),
            schema: NewSchema {
                schema_type: row.schema_type.clone(),
                schema: text.clone(),
                references: row.references.clone(),
                edges: refs.edges,
                metadata: Some(metadata.clone()),
                rule_set: row.rule_set.clone(),
                identity_hash: hash,
            },
            expected: state,
            id: None,
            version: None,
        };
        let registered = self.store.register(&new).await.map_err(|e| match e {
            StoreError::Conflict => RegistryError::Store(StoreError::Conflict),
            other => RegistryError::Store(other),
        })?;
        Ok(RegisterSchemaResponse {
            id: registered.id,
            version: Some(registered.version),
            schema_type: response_schema_type(&row.schema_type),
            references: row.references.clone(),
            metadata: Some(metadata),
            rule_set: row.rule_set.clone(),
            schema: Some(text),
        })
    }
}
