//! Registration, lookup and compatibility checks: Confluent's register algorithm (spec §3.3).
//!
//! Registration is optimistic: decide against the subject's current versions, then ask the
//! store to write only if the subject is still in that state; on a concurrent change, decide
//! again. The store's transaction and unique constraints guarantee one id per content.

use std::sync::Arc;

use accord_compat::{
    CheckOptions, CompatibilityLevel, CompatibilityPolicy, IdentityInput, ParsedSchema,
    ReferenceKey, SchemaType,
};
use accord_types::{
    Metadata, RegisterSchemaRequest, RegisterSchemaResponse, RuleSet, Schema, SchemaReference,
};

use super::settings::{ConfigView, Decision, Mode, read_only};
use super::subject::QualifiedSubject;
use super::{Registry, RegistryError, response_schema_type, schema_type};
use crate::store::{NewSchema, NewVersion, SchemaRow, StoreError, SubjectState, VersionRow};

/// How often a registration is decided again after losing a race before giving up.
const MAX_ATTEMPTS: usize = 200;

/// The reserved metadata property holding the version number.
pub(super) const CONFLUENT_VERSION: &str = "confluent:version";

/// A register, lookup or compatibility request, checked for shape.
#[derive(Debug, Clone)]
pub struct SchemaRequest {
    /// Schema text; `None` or empty means "reuse the previous version's".
    pub schema: Option<String>,
    /// Requested type; `None` means AVRO.
    pub schema_type: Option<String>,
    /// References.
    pub references: Vec<SchemaReference>,
    /// Metadata.
    pub metadata: Option<Metadata>,
    /// Rule set.
    pub rule_set: Option<RuleSet>,
    /// Explicit version.
    pub version: Option<i32>,
    /// Explicit id (IMPORT mode); negative ids count as absent.
    pub id: Option<i32>,
    /// Whether a positive version was given.
    version_explicit: bool,
}

impl SchemaRequest {
    /// Checks a request body: `null` references are an invalid schema (42201).
    pub fn from_dto(dto: RegisterSchemaRequest) -> Result<SchemaRequest, RegistryError> {
        let references = dto
            .references
            .unwrap_or_default()
            .into_iter()
            .map(|r| match r {
                Some(accord_types::ReferenceRequest {
                    name: Some(name),
                    subject: Some(subject),
                    version: Some(version),
                }) => Ok(SchemaReference {
                    name,
                    subject,
                    version,
                }),
                other => Err(RegistryError::InvalidSchema(format!(
                    "Invalid reference: {other:?}"
                ))),
            })
            .collect::<Result<Vec<_>, _>>()?;
        Ok(SchemaRequest {
            schema: dto.schema.filter(|s| !s.is_empty()),
            schema_type: dto.schema_type,
            references,
            metadata: dto.metadata,
            rule_set: dto.rule_set,
            version: dto.version,
            id: dto.id.filter(|id| *id >= 0),
            version_explicit: dto.version.is_some_and(|v| v > 0),
        })
    }

    fn schema_type(&self) -> Result<SchemaType, RegistryError> {
        schema_type(self.schema_type.as_deref().unwrap_or("AVRO"))
    }
}

/// What a registration answers: Confluent 7.9 sends `{"id"}` unless it changed the schema.
#[derive(Debug, Clone)]
pub enum RegisterOutcome {
    /// Only the id.
    Id(i32),
    /// The full object (metadata or rules were attached).
    Full(Box<RegisterSchemaResponse>),
}

/// A compatibility verdict with Confluent's verbose messages.
#[derive(Debug, Clone)]
pub struct CompatCheck {
    /// Compatible or not.
    pub is_compatible: bool,
    /// Messages (violations, then the old version and schema, then the settings).
    pub messages: Vec<String>,
}

/// A candidate schema, parsed and fingerprinted.
struct Candidate {
    schema_type: SchemaType,
    parsed: ParsedSchema,
    text: String,
    references: Vec<SchemaReference>,
    edges: Vec<crate::store::ReferenceEdge>,
}

pub(super) fn hash_of(
    text: &str,
    references: &[SchemaReference],
    metadata: Option<&Metadata>,
    rule_set: Option<&RuleSet>,
) -> String {
    let keys: Vec<ReferenceKey<'_>> = references
        .iter()
        .map(|r| ReferenceKey {
            name: &r.name,
            subject: &r.subject,
            version: r.version,
        })
        .collect();
    let metadata = metadata.and_then(|m| serde_json::to_value(m).ok());
    let rule_set = rule_set.and_then(|r| serde_json::to_value(r).ok());
    let guid = accord_compat::identity_hash(&IdentityInput {
        schema: text,
        references: &keys,
        metadata: metadata.as_ref(),
        rule_set: rule_set.as_ref(),
    });
    guid.0.iter().map(|b| format!("{b:02x}")).collect()
}

/// References as they enter the identity: sorted by subject and version and de-duplicated
/// when normalizing, as Confluent does.
fn identity_references(references: &[SchemaReference], normalize: bool) -> Vec<SchemaReference> {
    let mut references = references.to_vec();
    if normalize {
        references.sort_by(|a, b| (&a.subject, a.version).cmp(&(&b.subject, b.version)));
        references.dedup();
    }
    references
}

/// Metadata equality for lookups: `confluent:version` is ignored unless the request sets it.
fn metadata_matches(stored: Option<&Metadata>, requested: Option<&Metadata>) -> bool {
    let requested = requested.cloned().unwrap_or_default();
    let mut stored = stored.cloned().unwrap_or_default();
    if !requested.properties.contains_key(CONFLUENT_VERSION) {
        stored.properties.remove(CONFLUENT_VERSION);
    }
    stored == requested
}

/// Merges config defaults and overrides around the version's own metadata (spec §5.7).
fn merge_metadata(
    default: Option<&Metadata>,
    own: Option<Metadata>,
    over: Option<&Metadata>,
) -> Option<Metadata> {
    if default.is_none() && over.is_none() {
        return own;
    }
    let mut merged = default.cloned().unwrap_or_default();
    for layer in [own.as_ref(), over].into_iter().flatten() {
        merged.tags.extend(layer.tags.clone());
        merged.properties.extend(layer.properties.clone());
        merged.sensitive.extend(layer.sensitive.iter().cloned());
    }
    Some(merged)
}

/// Merges rule sets: later layers replace rules of the same name.
fn merge_rule_set(
    default: Option<&RuleSet>,
    own: Option<RuleSet>,
    over: Option<&RuleSet>,
) -> Option<RuleSet> {
    if default.is_none() && over.is_none() {
        return own;
    }
    fn layer(into: &mut Vec<accord_types::Rule>, from: &[accord_types::Rule]) {
        for rule in from {
            into.retain(|r| r.name != rule.name);
            into.push(rule.clone());
        }
    }
    let mut merged = default.cloned().unwrap_or_default();
    for top in [own.as_ref(), over].into_iter().flatten() {
        layer(&mut merged.migration_rules, &top.migration_rules);
        layer(&mut merged.domain_rules, &top.domain_rules);
        layer(&mut merged.encoding_rules, &top.encoding_rules);
        if top.enable_at.is_some() {
            merged.enable_at.clone_from(&top.enable_at);
        }
    }
    Some(merged)
}

/// Confluent's rule-set validation (42210).
fn validate_rule_set(rule_set: Option<&RuleSet>) -> Result<(), RegistryError> {
    let Some(rule_set) = rule_set else {
        return Ok(());
    };
    let invalid = |m: String| Err(RegistryError::InvalidRuleSet(m));
    let mut names = std::collections::HashSet::new();
    let groups = [
        (&rule_set.migration_rules, true),
        (&rule_set.domain_rules, false),
        (&rule_set.encoding_rules, false),
    ];
    for (rules, migration) in groups {
        for rule in rules {
            let Some(name) = rule.name.as_deref().filter(|n| !n.is_empty()) else {
                return invalid("Missing rule name".into());
            };
            let mut chars = name.chars();
            let first_ok = chars
                .next()
                .is_some_and(|c| c.is_ascii_alphabetic() || c == '_');
            let rest_ok = chars.all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-');
            if name.len() > 256 || !first_ok || !rest_ok {
                return invalid(format!("Illegal rule name: {name}"));
            }
            if rule.rule_type.as_deref().is_none_or(str::is_empty) {
                return invalid(format!("Missing rule type for rule {name}"));
            }
            if !names.insert(name.to_owned()) {
                return invalid(format!("Found rule with duplicate name: {name}"));
            }
            use accord_types::RuleMode as M;
            if let Some(mode) = rule.mode {
                let upgrade = matches!(mode, M::Upgrade | M::Downgrade | M::Updown);
                if migration != upgrade {
                    return invalid(format!("Rule {name} has an invalid mode for its rule kind"));
                }
            }
        }
    }
    Ok(())
}

/// One attempt at a registration: the subject's versions as read for it, and the settings
/// decided once for the request.
#[derive(Debug)]
struct Attempt<'a> {
    subject: &'a QualifiedSubject,
    versions: Vec<VersionRow>,
    config: &'a ConfigView,
    mode: Mode,
    normalize: bool,
}

impl Registry {
    /// Parses a request's schema with its references resolved.
    async fn candidate(
        &self,
        subject: &QualifiedSubject,
        schema_type: SchemaType,
        text: String,
        references: Vec<SchemaReference>,
        validate: bool,
        allow_deleted_refs: bool,
    ) -> Result<Candidate, RegistryError> {
        let resolved = self
            .resolve_references(subject, &references, allow_deleted_refs)
            .await?;
        let parsed = self
            .parse(schema_type, text, resolved.texts, validate)
            .await?;
        Ok(Candidate {
            schema_type,
            text: parsed.canonical().to_owned(),
            parsed,
            references,
            edges: resolved.edges,
        })
    }

    /// Parses the schema of a lookup or compatibility request, leniently (no default checks),
    /// with references that may point at soft-deleted versions.
    async fn request_candidate(
        &self,
        subject: &QualifiedSubject,
        request: &SchemaRequest,
    ) -> Result<Candidate, RegistryError> {
        let text = request.schema.clone().unwrap_or_default();
        let references = request.references.clone();
        self.candidate(
            subject,
            request.schema_type()?,
            text,
            references,
            false,
            true,
        )
        .await
    }

    /// Finds a version of `versions` holding the candidate's content (lookup semantics).
    async fn find_existing<'v>(
        &self,
        subject: &QualifiedSubject,
        candidate: &Candidate,
        normalize: bool,
        metadata: Option<&Metadata>,
        rule_set: Option<&RuleSet>,
        versions: impl Iterator<Item = &'v VersionRow>,
    ) -> Result<Option<(VersionRow, Arc<SchemaRow>)>, RegistryError> {
        let text = if normalize {
            candidate.parsed.normalized()
        } else {
            candidate.text.clone()
        };
        let references = identity_references(&candidate.references, normalize);
        let hash = hash_of(&text, &references, metadata, rule_set);
        let mut rows = Vec::new();
        for version in versions {
            let row = self
                .existing_schema(&subject.context, version.schema_id)
                .await?;
            if row.identity_hash == hash {
                return Ok(Some((*version, row)));
            }
            rows.push((*version, row));
        }
        // Semantic match, newest first: same text (or same normalized text), references and
        // rules, metadata equal up to `confluent:version`.
        rows.sort_by_key(|(v, _)| std::cmp::Reverse(v.version));
        for (version, row) in rows {
            if row.schema_type != candidate.schema_type.as_str()
                || row.references != references
                || row.rule_set.as_ref() != rule_set
                || !metadata_matches(row.metadata.as_ref(), metadata)
            {
                continue;
            }
            let same_text =
                row.schema == text || (normalize && self.parsed(&row).await?.normalized() == text);
            if same_text {
                return Ok(Some((version, row)));
            }
        }
        Ok(None)
    }

    /// `POST /subjects/{s}`: is this schema registered under this subject?
    pub async fn lookup(
        &self,
        raw_subject: &str,
        request: SchemaRequest,
        normalize: bool,
        deleted: bool,
    ) -> Result<Schema, RegistryError> {
        let subject = self.read_subject(raw_subject).await?;
        let versions = self.store.versions(&subject.context, &subject.name).await?;
        let visible: Vec<&VersionRow> = versions.iter().filter(|v| deleted || !v.deleted).collect();
        if visible.is_empty() {
            return Err(RegistryError::SubjectNotFound(subject.display()));
        }
        let config = self.effective_config(&subject).await?;
        let normalize = normalize || config.normalize();
        let candidate = self.request_candidate(&subject, &request).await?;
        let found = self
            .find_existing(
                &subject,
                &candidate,
                normalize,
                request.metadata.as_ref(),
                request.rule_set.as_ref(),
                visible.into_iter(),
            )
            .await?;
        match found {
            Some((version, row)) => Ok(Self::schema_dto(&subject, &version, &row)),
            // Confluent reports a miss after the cross-context fallback as an unknown subject.
            None if subject.context != QualifiedSubject::parse(raw_subject).context => {
                Err(RegistryError::SubjectNotFound(raw_subject.to_owned()))
            }
            None => Err(RegistryError::SchemaNotFound(None)),
        }
    }

    /// `POST /subjects/{s}/versions`: registers a schema (spec §3.3, steps 1–15).
    pub async fn register(
        &self,
        raw_subject: &str,
        request: SchemaRequest,
        normalize: bool,
    ) -> Result<RegisterOutcome, RegistryError> {
        validate_rule_set(request.rule_set.as_ref())?;
        let named = QualifiedSubject::parse(raw_subject);
        named.validate(raw_subject)?;
        let Decision {
            subject,
            config,
            mode,
            versions,
        } = self.decide(&named).await?;
        let normalize = normalize || config.normalize();
        let schema_type = request.schema_type()?;
        let mut first_read = Some(versions);
        for _ in 0..MAX_ATTEMPTS {
            // A retry follows a concurrent write, so it reads the versions again.
            let versions = match first_read.take() {
                Some(versions) => versions,
                None => self.store.versions(&subject.context, &subject.name).await?,
            };
            let attempt = Attempt {
                subject: &subject,
                versions,
                config: &config,
                mode,
                normalize,
            };
            match self.try_register(attempt, &request, schema_type).await {
                Err(RegistryError::Store(StoreError::Conflict)) => tokio::task::yield_now().await,
                other => return other,
            }
        }
        Err(RegistryError::Store(StoreError::Conflict))
    }

    async fn try_register(
        &self,
        attempt: Attempt<'_>,
        request: &SchemaRequest,
        requested_type: SchemaType,
    ) -> Result<RegisterOutcome, RegistryError> {
        let Attempt {
            subject,
            versions,
            config,
            mode,
            normalize,
        } = attempt;
        let state = SubjectState::of(&versions);
        let live: Vec<&VersionRow> = versions.iter().filter(|v| !v.deleted).collect();

        // Fast path: an identical live registration answers even in read-only mode.
        let mut parsed_once = None;
        if let Some(text) = request
            .schema
            .clone()
            .filter(|_| !config.has_contract_defaults() && !live.is_empty())
        {
            let candidate = self
                .candidate(
                    subject,
                    requested_type,
                    text,
                    request.references.clone(),
                    false,
                    true,
                )
                .await?;
            let scope: Vec<&VersionRow> = if request.version == Some(-1) {
                live.last().copied().into_iter().collect()
            } else {
                live.clone()
            };
            let found = self
                .find_existing(
                    subject,
                    &candidate,
                    normalize,
                    request.metadata.as_ref(),
                    request.rule_set.as_ref(),
                    scope.into_iter(),
                )
                .await?;
            if let Some((version, row)) = found {
                // With an explicit id, only an exact (id, version) repeat is answered here.
                let id_ok = request
                    .id
                    .is_none_or(|id| id == row.id && request.version_explicit);
                // An explicit version only matches together with an explicit id (IMPORT).
                let version_ok = request.version.is_none_or(|v| {
                    v == -1 || v == 0 || (request.id.is_some() && v == version.version)
                });
                if id_ok && version_ok {
                    if !request.version_explicit {
                        return Ok(RegisterOutcome::Id(row.id));
                    }
                    return Ok(RegisterOutcome::Full(Box::new(RegisterSchemaResponse {
                        id: row.id,
                        version: Some(version.version),
                        schema_type: response_schema_type(&row.schema_type),
                        references: row.references.clone(),
                        metadata: row.metadata.clone(),
                        rule_set: row.rule_set.clone(),
                        schema: Some(row.schema.clone()),
                    })));
                }
            }
            parsed_once = Some(candidate);
        }

        if mode.is_read_only() {
            return Err(read_only(subject));
        }
        let import = request.id.is_some();
        if import && !mode.is_import() {
            return Err(RegistryError::NotPermitted(format!(
                "Subject {} is not in import mode",
                subject.display()
            )));
        }
        if !import && mode != Mode::ReadWrite {
            return Err(RegistryError::NotPermitted(format!(
                "Subject {} is not in read-write mode",
                subject.display()
            )));
        }
        let new_version = state.max_version + 1;
        let previous = match live.last() {
            Some(v) => Some(self.existing_schema(&subject.context, v.schema_id).await?),
            None => None,
        };
        let (text, schema_type, references) = match (&request.schema, &previous) {
            (Some(text), _) => (text.clone(), requested_type, request.references.clone()),
            (None, Some(prev)) if !import => (
                prev.schema.clone(),
                schema_type(&prev.schema_type)?,
                prev.references.clone(),
            ),
            _ => return Err(RegistryError::InvalidSchema("Empty schema".into())),
        };
        // Confluent 7.9 validates defaults of new schemas only when normalizing
        // (`avro.validate.defaults` is off by default); IMPORT skips validation.
        let validate = !import && normalize;
        // The fast path's lenient parse serves when nothing stricter is needed: no default
        // validation, and no references (which must now be live).
        let reusable = parsed_once
            .filter(|_| !validate && request.schema.is_some() && request.references.is_empty());
        let candidate = match reusable {
            Some(candidate) => candidate,
            None => {
                self.candidate(subject, schema_type, text, references, validate, false)
                    .await?
            }
        };
        let text = if normalize {
            candidate.parsed.normalized()
        } else {
            candidate.text.clone()
        };

        let (mut metadata, rule_set) = if import {
            (request.metadata.clone(), request.rule_set.clone())
        } else {
            let settings = &config.config.settings;
            let own_metadata = request
                .metadata
                .clone()
                .or_else(|| previous.as_ref().and_then(|p| p.metadata.clone()));
            let own_rules = request
                .rule_set
                .clone()
                .or_else(|| previous.as_ref().and_then(|p| p.rule_set.clone()));
            (
                merge_metadata(
                    settings.default_metadata.as_ref(),
                    own_metadata,
                    settings.override_metadata.as_ref(),
                ),
                merge_rule_set(
                    settings.default_rule_set.as_ref(),
                    own_rules,
                    settings.override_rule_set.as_ref(),
                ),
            )
        };
        let version_requested = request.version.is_some_and(|v| v > 0 || v == -1);
        if !import {
            if request.version.is_some_and(|v| v > 0 && v != new_version) {
                return Err(RegistryError::InvalidSchema(
                    "Version is not one more than previous version".into(),
                ));
            }
            let has_cv = metadata
                .as_ref()
                .is_some_and(|m| m.properties.contains_key(CONFLUENT_VERSION));
            if version_requested || has_cv {
                let target = match versions
                    .iter()
                    .find(|v| !v.deleted && Some(v.version) == request.version.filter(|x| *x > 0))
                {
                    Some(v) => v.version,
                    None => new_version,
                };
                metadata
                    .get_or_insert_with(Metadata::default)
                    .properties
                    .insert(CONFLUENT_VERSION.to_owned(), target.to_string());
            }
        }
        let references = identity_references(&candidate.references, normalize);
        let hash = hash_of(&text, &references, metadata.as_ref(), rule_set.as_ref());

        // An identical live version needs no compatibility check: the store returns it.
        let mut already = false;
        for v in &live {
            if self
                .existing_schema(&subject.context, v.schema_id)
                .await?
                .identity_hash
                == hash
            {
                already = true;
            }
        }
        if !import && !already {
            let check = self
                .check_against(
                    subject,
                    config,
                    &candidate.parsed,
                    metadata.as_ref(),
                    &live,
                    config.level,
                )
                .await?;
            if !check.is_compatible {
                return Err(RegistryError::Incompatible(format!(
                    "Schema being registered is incompatible with an earlier schema for subject \"{}\", details: [{}]",
                    subject.display(),
                    check.messages.join(", ")
                )));
            }
        }

        let explicit_version = if import {
            request.version.filter(|v| *v > 0)
        } else {
            None
        };
        let new = NewVersion {
            context: subject.context.clone(),
            subject: subject.name.clone(),
            schema: NewSchema {
                schema_type: schema_type.as_str().to_owned(),
                schema: text.clone(),
                references: references.clone(),
                edges: candidate.edges.clone(),
                metadata: metadata.clone(),
                rule_set: rule_set.clone(),
                identity_hash: hash,
            },
            expected: state,
            id: request.id,
            version: explicit_version,
        };
        // The identity hash ignores the schema type, so the same text registered as another type
        // would share an id; the store refuses that and Confluent calls it an id overwrite.
        let registered = match self.store.register(&new).await {
            Ok(registered) => registered,
            Err(StoreError::IdTaken { id }) => return Err(overwrite_refused(id, &subject.context)),
            Err(other) => return Err(other.into()),
        };
        if metadata.is_none() && rule_set.is_none() {
            // Cache the row behind the answered id, as a read would (rows are immutable; hard
            // deletes evict): the subject's next registration on this replica compares with it
            // and would otherwise read it back, one more round trip. Written now or found, that
            // row has this identity hash and, without an explicit id, this schema type (the store
            // refuses another), so this text and these references. Not with metadata or rules:
            // equal hashes do not pin down their stored form.
            if request.id.is_none() {
                let NewSchema {
                    schema_type,
                    schema,
                    references,
                    identity_hash,
                    ..
                } = new.schema;
                let row = SchemaRow {
                    context: new.context,
                    id: registered.id,
                    schema_type,
                    schema,
                    references,
                    metadata: None,
                    rule_set: None,
                    identity_hash,
                };
                self.schemas
                    .insert((row.context.clone(), row.id), Arc::new(row));
            }
            return Ok(RegisterOutcome::Id(registered.id));
        }
        Ok(RegisterOutcome::Full(Box::new(RegisterSchemaResponse {
            id: registered.id,
            version: Some(registered.version),
            schema_type: response_schema_type(schema_type.as_str()),
            references,
            metadata,
            rule_set,
            schema: Some(text),
        })))
    }

    /// Checks `new` against `versions` (oldest first) at `level`, with Confluent's messages.
    async fn check_against(
        &self,
        subject: &QualifiedSubject,
        config: &ConfigView,
        new: &ParsedSchema,
        new_metadata: Option<&Metadata>,
        versions: &[&VersionRow],
        level: CompatibilityLevel,
    ) -> Result<CompatCheck, RegistryError> {
        let group = config.config.settings.compatibility_group.as_deref();
        let group_value =
            |m: Option<&Metadata>| group.and_then(|g| m.and_then(|m| m.properties.get(g)).cloned());
        let wanted = group_value(new_metadata);
        let mut previous: Vec<(i32, Arc<SchemaRow>, Arc<ParsedSchema>)> = Vec::new();
        for version in versions {
            let row = self
                .existing_schema(&subject.context, version.schema_id)
                .await?;
            if group.is_some() && group_value(row.metadata.as_ref()) != wanted {
                continue;
            }
            let parsed = self.parsed(&row).await?;
            previous.push((version.version, row, parsed));
        }
        let new = new.clone();
        let parsed: Vec<Arc<ParsedSchema>> = previous.iter().map(|(_, _, p)| p.clone()).collect();
        let lenient = config
            .config
            .settings
            .compatibility_policy
            .as_deref()
            .is_some_and(|p| p.eq_ignore_ascii_case("LENIENT"));
        let options = CheckOptions {
            policy: if lenient {
                CompatibilityPolicy::Lenient
            } else {
                CompatibilityPolicy::Strict
            },
        };
        let report = tokio::task::spawn_blocking(move || {
            let refs: Vec<&ParsedSchema> = parsed.iter().map(|p| p.as_ref()).collect();
            accord_compat::check(level, &new, &refs, &options)
        })
        .await
        .map_err(|e| RegistryError::Internal(e.to_string()))?;
        let mut messages = Vec::new();
        for incompatibility in &report.incompatibilities {
            let (version, row, _) = &previous[incompatibility.previous_index];
            messages.extend(incompatibility.violations.iter().map(|v| v.message.clone()));
            if incompatibility.cites_previous {
                messages.push(format!("{{oldSchemaVersion: {version}}}"));
                let old: String = row.schema.chars().take(10 * 1024).collect();
                messages.push(format!("{{oldSchema: '{old}'}}"));
            }
            let validate_fields = config.config.settings.validate_fields == Some(true);
            messages.push(format!(
                "{{validateFields: '{validate_fields}', compatibility: '{}'}}",
                config.level
            ));
        }
        Ok(CompatCheck {
            is_compatible: report.is_compatible(),
            messages,
        })
    }

    /// `POST /compatibility/subjects/{s}/versions[/{v}]`.
    pub async fn check_compatibility(
        &self,
        raw_subject: &str,
        version: Option<super::VersionSelector>,
        request: SchemaRequest,
        verbose: bool,
    ) -> Result<CompatCheck, RegistryError> {
        use super::VersionSelector;
        let subject = self
            .resolve_alias(&QualifiedSubject::parse(raw_subject))
            .await?;
        let versions = self.store.versions(&subject.context, &subject.name).await?;
        let live: Vec<&VersionRow> = versions.iter().filter(|v| !v.deleted).collect();
        let selected: Vec<&VersionRow> = match version {
            None => live.clone(),
            Some(VersionSelector::Latest) => live.last().copied().into_iter().collect(),
            Some(VersionSelector::Number(n)) => match live.iter().find(|v| v.version == n) {
                Some(v) => vec![*v],
                None => return Err(RegistryError::VersionNotFound(n)),
            },
        };
        let config = self.effective_config(&subject).await?;
        let candidate = match self.request_candidate(&subject, &request).await {
            Ok(candidate) => candidate,
            Err(RegistryError::InvalidSchema(message)) if verbose => {
                return Ok(CompatCheck {
                    is_compatible: false,
                    messages: vec![message],
                });
            }
            Err(other) => return Err(other),
        };
        let parsed = candidate.parsed;
        let level = if version.is_some() {
            non_transitive(config.level)
        } else {
            config.level
        };
        self.check_against(
            &subject,
            &config,
            &parsed,
            request.metadata.as_ref(),
            &selected,
            level,
        )
        .await
    }
}

/// Confluent's refusal to give an existing id different content.
fn overwrite_refused(id: i32, context: &str) -> RegistryError {
    RegistryError::NotPermitted(format!(
        "Overwrite new schema with id {id} in context {context} is not permitted."
    ))
}

/// The explicit-version endpoint compares with one version only.
fn non_transitive(level: CompatibilityLevel) -> CompatibilityLevel {
    match level {
        CompatibilityLevel::BackwardTransitive => CompatibilityLevel::Backward,
        CompatibilityLevel::ForwardTransitive => CompatibilityLevel::Forward,
        CompatibilityLevel::FullTransitive => CompatibilityLevel::Full,
        other => other,
    }
}
