//! Business rules of the registry: what Confluent's server decides, over a [`Store`].
//!
//! Handlers call into this module and get domain values or a [`RegistryError`]; this module
//! never sees HTTP. Immutable data (schemas by id and their parsed form) is cached here; hard
//! deletes evict it, here and, through the store's announcements, in every other replica.

use std::sync::Arc;

use accord_compat::{ParseOptions, ParsedSchema, Reference, SchemaType};
use accord_types::{Schema, SchemaReference};
use tokio::sync::broadcast::error::RecvError;

use crate::store::{Eviction, ReferenceEdge, SchemaRow, Store, VersionRow};

/// Schemas up to this size (with their references) parse on the request's own task: a few tens
/// of microseconds, less than handing them to the blocking pool and back.
const INLINE_PARSE_BYTES: usize = 4 * 1024;

mod asyncapi;
mod delete;
mod error;
mod read;
mod register;
mod settings;
mod subject;
mod tags;

pub use asyncapi::{StoredDocument, change_dto, diagnostic_dto};
pub use error::RegistryError;
pub use read::{SubjectFilter, page as read_page};
pub use register::{CompatCheck, RegisterOutcome, SchemaRequest};
pub use settings::{ConfigView, Mode};
pub use subject::{DEFAULT_CONTEXT, QualifiedSubject, VersionSelector, context_scope, qualify};
pub use tags::TagsRequest;

/// Limits on what one schema may ask of the server.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    /// Deepest accepted nesting of a schema document.
    pub max_schema_depth: usize,
    /// Most references one schema may pull in, transitively.
    pub max_references: usize,
}

/// The registry: rules over a store, with caches of immutable data.
#[derive(Debug)]
pub struct Registry {
    store: Arc<dyn Store>,
    limits: Limits,
    schemas: quick_cache::sync::Cache<(String, i32), Arc<SchemaRow>>,
    parsed: quick_cache::sync::Cache<(String, i32), Arc<ParsedSchema>>,
}

/// References of a schema, resolved for parsing and for storage.
#[derive(Debug, Default)]
struct ResolvedReferences {
    /// Referenced texts in dependency order, for `compat`.
    texts: Vec<Reference>,
    /// The direct edges, for `referencedby`.
    edges: Vec<ReferenceEdge>,
}

impl Registry {
    /// A registry over `store`.
    pub fn new(store: Arc<dyn Store>, limits: Limits) -> Registry {
        Registry {
            store,
            limits,
            schemas: quick_cache::sync::Cache::new(100_000),
            parsed: quick_cache::sync::Cache::new(10_000),
        }
    }

    /// The store, for readiness checks.
    pub fn store(&self) -> &dyn Store {
        self.store.as_ref()
    }

    /// A schema row by id, cached forever (rows are immutable; hard deletes evict).
    async fn schema_row(
        &self,
        context: &str,
        id: i32,
    ) -> Result<Option<Arc<SchemaRow>>, RegistryError> {
        let key = (context.to_owned(), id);
        if let Some(row) = self.schemas.get(&key) {
            return Ok(Some(row));
        }
        let Some(row) = self.store.schema(context, id).await? else {
            return Ok(None);
        };
        let row = Arc::new(row);
        self.schemas.insert(key, row.clone());
        Ok(Some(row))
    }

    /// A stored schema that must exist (it is referenced by a version row).
    async fn existing_schema(
        &self,
        context: &str,
        id: i32,
    ) -> Result<Arc<SchemaRow>, RegistryError> {
        self.schema_row(context, id).await?.ok_or_else(|| {
            RegistryError::Internal(format!(
                "version row points at missing schema {context}/{id}"
            ))
        })
    }

    fn evict(&self, context: &str, ids: &[i32]) {
        for &id in ids {
            let key = (context.to_owned(), id);
            self.schemas.remove(&key);
            self.parsed.remove(&key);
        }
    }

    /// Applies the store's eviction announcements (hard deletes in other replicas) to the
    /// caches, in a background task that ends with the registry; a no-op for a store private
    /// to this process.
    pub fn follow_evictions(self: &Arc<Self>) {
        let Some(mut events) = self.store.subscribe_evictions() else {
            return;
        };
        let registry = Arc::downgrade(self);
        tokio::spawn(async move {
            loop {
                let event = events.recv().await;
                let Some(registry) = registry.upgrade() else {
                    return;
                };
                match event {
                    Ok(Eviction::Schemas { context, ids }) => registry.evict(&context, &ids),
                    // Missed announcements: only dropping everything is safe.
                    Ok(Eviction::All) | Err(RecvError::Lagged(_)) => {
                        registry.schemas.clear();
                        registry.parsed.clear();
                    }
                    Err(RecvError::Closed) => return,
                }
            }
        });
    }

    /// The parsed form of a stored schema, cached: schemas are parsed once, not per request.
    async fn parsed(&self, row: &SchemaRow) -> Result<Arc<ParsedSchema>, RegistryError> {
        let key = (row.context.clone(), row.id);
        if let Some(parsed) = self.parsed.get(&key) {
            return Ok(parsed);
        }
        let subject = QualifiedSubject {
            context: row.context.clone(),
            name: String::new(),
        };
        let refs = self
            .resolve_references(&subject, &row.references, true)
            .await?;
        let parsed = self
            .parse(
                schema_type(&row.schema_type)?,
                row.schema.clone(),
                refs.texts,
                false,
            )
            .await?;
        let parsed = Arc::new(parsed);
        self.parsed.insert(key, parsed.clone());
        Ok(parsed)
    }

    /// Parses a small schema in place and a big one off the async runtime, so that big schemas
    /// do not stall other requests and small ones skip the thread handoff.
    async fn parse(
        &self,
        schema_type: SchemaType,
        text: String,
        references: Vec<Reference>,
        validate: bool,
    ) -> Result<ParsedSchema, RegistryError> {
        let options = ParseOptions {
            validate,
            max_depth: self.limits.max_schema_depth,
        };
        let size = text.len() + references.iter().map(|r| r.text.len()).sum::<usize>();
        let parsed = if size <= INLINE_PARSE_BYTES {
            accord_compat::parse(schema_type, &text, &references, &options)
        } else {
            tokio::task::spawn_blocking(move || {
                accord_compat::parse(schema_type, &text, &references, &options)
            })
            .await
            .map_err(|e| RegistryError::Internal(e.to_string()))?
        };
        parsed.map_err(|e| {
            RegistryError::InvalidSchema(format!(
                "Invalid schema of type {schema_type}, details: {e}"
            ))
        })
    }

    /// Resolves references transitively. With `allow_deleted` false, every target must be a
    /// live version (registration); lookups and stored schemas may point at soft-deleted ones.
    async fn resolve_references(
        &self,
        referrer: &QualifiedSubject,
        references: &[SchemaReference],
        allow_deleted: bool,
    ) -> Result<ResolvedReferences, RegistryError> {
        let mut resolved = ResolvedReferences::default();
        // Depth-first, post-order: a reference's own references come before it.
        let mut stack: Vec<(QualifiedSubject, SchemaReference, bool)> = references
            .iter()
            .rev()
            .map(|r| (referrer.clone(), r.clone(), true))
            .collect();
        let mut pending: Vec<(String, Arc<SchemaRow>)> = Vec::new();
        let mut seen = std::collections::HashSet::new();
        while let Some((owner, reference, direct)) = stack.pop() {
            if seen.len() >= self.limits.max_references {
                return Err(RegistryError::InvalidSchema(format!(
                    "too many references: the limit is {}",
                    self.limits.max_references
                )));
            }
            let target = owner.resolve_reference(&reference.subject);
            let (version, schema) = self
                .reference_target(&target, reference.version, allow_deleted)
                .await?;
            if direct {
                resolved.edges.push(ReferenceEdge {
                    name: reference.name.clone(),
                    context: target.context.clone(),
                    subject: target.name.clone(),
                    version,
                });
            }
            if !seen.insert((reference.name.clone(), schema.context.clone(), schema.id)) {
                continue;
            }
            pending.push((reference.name.clone(), schema.clone()));
            for nested in schema.references.iter().rev() {
                stack.push((target.clone(), nested.clone(), false));
            }
        }
        // `pending` is in pre-order; dependencies must precede dependents, so reverse it.
        let mut names = std::collections::HashSet::new();
        for (name, schema) in pending.into_iter().rev() {
            if names.insert(name.clone()) {
                resolved.texts.push(Reference {
                    name,
                    text: schema.schema.clone(),
                });
            }
        }
        Ok(resolved)
    }

    /// The (version, schema) a reference points at.
    async fn reference_target(
        &self,
        target: &QualifiedSubject,
        version: i32,
        allow_deleted: bool,
    ) -> Result<(i32, Arc<SchemaRow>), RegistryError> {
        let versions = self.store.versions(&target.context, &target.name).await?;
        let found = if version == -1 {
            versions.iter().rev().find(|v| !v.deleted)
        } else {
            versions
                .iter()
                .find(|v| v.version == version && (allow_deleted || !v.deleted))
        };
        let Some(found) = found else {
            return Err(RegistryError::InvalidSchema(format!(
                "No schema reference found for subject \"{}\" and version {version}",
                target.display()
            )));
        };
        let row = self
            .existing_schema(&target.context, found.schema_id)
            .await?;
        Ok((found.version, row))
    }

    /// Builds the subject-version DTO.
    fn schema_dto(subject: &QualifiedSubject, version: &VersionRow, row: &SchemaRow) -> Schema {
        Schema {
            subject: subject.display(),
            version: version.version,
            id: row.id,
            schema_type: response_schema_type(&row.schema_type),
            references: row.references.clone(),
            metadata: row.metadata.clone(),
            rule_set: row.rule_set.clone(),
            schema: row.schema.clone(),
            aliases: Vec::new(),
        }
    }
}

/// Parses a stored or requested `schemaType`.
fn schema_type(raw: &str) -> Result<SchemaType, RegistryError> {
    raw.parse()
        .map_err(|()| RegistryError::InvalidSchema(format!("Invalid schema type {raw}")))
}

/// Confluent 7.9 omits `schemaType` for AVRO in responses.
fn response_schema_type(stored: &str) -> Option<String> {
    (stored != SchemaType::Avro.as_str()).then(|| stored.to_owned())
}
