//! Reads: schemas by id, subject versions, listings, `referencedby`, metadata search, contexts.

use std::sync::Arc;

use accord_types::{Schema, SchemaString, SubjectVersion};

use super::subject::{DEFAULT_CONTEXT, QualifiedSubject, VersionSelector, qualify};
use super::{Registry, RegistryError, response_schema_type};
use crate::store::{SchemaRow, VersionRow};

/// Which subjects or versions a listing shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SubjectFilter {
    /// Live only.
    Live,
    /// Live and soft-deleted.
    All,
    /// Soft-deleted only.
    DeletedOnly,
}

impl SubjectFilter {
    /// From the `deleted` and `deletedOnly` query flags (`deletedOnly` wins).
    pub fn from_flags(deleted: bool, deleted_only: bool) -> SubjectFilter {
        match (deleted, deleted_only) {
            (_, true) => SubjectFilter::DeletedOnly,
            (true, false) => SubjectFilter::All,
            (false, false) => SubjectFilter::Live,
        }
    }

    fn keeps(self, deleted: bool) -> bool {
        match self {
            SubjectFilter::Live => !deleted,
            SubjectFilter::All => true,
            SubjectFilter::DeletedOnly => deleted,
        }
    }
}

/// Applies Confluent's `offset`/`limit` (a limit ≤ 0 means unlimited).
pub fn page<T>(items: Vec<T>, offset: usize, limit: Option<i64>) -> Vec<T> {
    let iter = items.into_iter().skip(offset);
    match limit.filter(|l| *l > 0) {
        Some(limit) => iter.take(limit as usize).collect(),
        None => iter.collect(),
    }
}

impl Registry {
    /// Finds the context holding schema `id` for a request carrying an optional `subject`.
    ///
    /// Confluent resolves the id in the subject's context; for an unqualified subject that
    /// does not carry the id it also tries other contexts.
    async fn locate_id(
        &self,
        id: i32,
        subject: Option<&str>,
    ) -> Result<Arc<SchemaRow>, RegistryError> {
        let not_found = || RegistryError::SchemaNotFound(Some(id.to_string()));
        let qualified = subject.map(QualifiedSubject::parse);
        let context = qualified
            .as_ref()
            .map(|q| q.context.clone())
            .unwrap_or_else(|| DEFAULT_CONTEXT.to_owned());
        if let Some(row) = self.schema_row(&context, id).await? {
            return Ok(row);
        }
        let unqualified = subject.is_none_or(|s| !s.starts_with(":."));
        if unqualified {
            for other in self.store.contexts().await? {
                if let Some(row) = self.schema_row(&other, id).await? {
                    let carries = match qualified.as_ref().filter(|q| !q.name.is_empty()) {
                        Some(q) => self
                            .store
                            .usages(&other, id)
                            .await?
                            .iter()
                            .any(|u| u.subject == q.name),
                        None => false,
                    };
                    if carries {
                        return Ok(row);
                    }
                }
            }
        }
        Err(not_found())
    }

    /// `GET /schemas/ids/{id}`.
    pub async fn schema_by_id(
        &self,
        id: i32,
        subject: Option<&str>,
        fetch_max_id: bool,
        format: Option<&str>,
    ) -> Result<SchemaString, RegistryError> {
        let row = self.locate_id(id, subject).await?;
        let schema = self.render(&row, format).await?;
        let max_id = if fetch_max_id {
            Some(self.store.max_id(&row.context).await?)
        } else {
            None
        };
        Ok(SchemaString {
            schema_type: response_schema_type(&row.schema_type),
            schema,
            references: row.references.clone(),
            metadata: row.metadata.clone(),
            rule_set: row.rule_set.clone(),
            max_id,
        })
    }

    /// The schema text in the requested `format`: Protobuf `serialized` (base64 descriptor)
    /// or `ignore_extensions`; anything else is the stored canonical text, as in Confluent.
    async fn render(&self, row: &SchemaRow, format: Option<&str>) -> Result<String, RegistryError> {
        let rendered = match format {
            Some("serialized") => self.parsed(row).await?.serialized(),
            Some("ignore_extensions") => self.parsed(row).await?.ignoring_extensions(),
            _ => None,
        };
        Ok(rendered.unwrap_or_else(|| row.schema.clone()))
    }

    /// Every (context, id) holding the content with this GUID, default context first.
    pub async fn guid_ids(&self, guid: &str) -> Result<Vec<(String, i32)>, RegistryError> {
        let not_found = || RegistryError::SchemaNotFound(Some(guid.to_owned()));
        let parsed: accord_compat::Guid = guid.parse().map_err(|_| not_found())?;
        let hash: String = parsed.0.iter().map(|b| format!("{b:02x}")).collect();
        let mut contexts = vec![DEFAULT_CONTEXT.to_owned()];
        contexts.extend(self.store.contexts().await?);
        let mut found = Vec::new();
        for context in contexts {
            for id in self.store.schema_ids_by_hash(&context, &hash).await? {
                found.push((context.clone(), id));
            }
        }
        if found.is_empty() {
            return Err(not_found());
        }
        Ok(found)
    }

    /// `GET /schemas/guids/{guid}`.
    pub async fn schema_by_guid(&self, guid: &str) -> Result<SchemaString, RegistryError> {
        let (context, id) = self.guid_ids(guid).await?.remove(0);
        let row = self.existing_schema(&context, id).await?;
        Ok(SchemaString {
            schema_type: response_schema_type(&row.schema_type),
            schema: row.schema.clone(),
            references: row.references.clone(),
            metadata: row.metadata.clone(),
            rule_set: row.rule_set.clone(),
            max_id: None,
        })
    }

    /// `GET /schemas/ids/{id}/versions` (and `/subjects`, which keeps the names only).
    pub async fn id_versions(
        &self,
        id: i32,
        subject: Option<&str>,
        deleted: bool,
    ) -> Result<Vec<SubjectVersion>, RegistryError> {
        let row = self.locate_id(id, subject).await?;
        let filter = subject
            .map(QualifiedSubject::parse)
            .filter(|q| !q.name.is_empty());
        let usages = self.store.usages(&row.context, id).await?;
        let mut versions: Vec<SubjectVersion> = usages
            .into_iter()
            .filter(|u| deleted || !u.deleted)
            .filter(|u| filter.as_ref().is_none_or(|q| q.name == u.subject))
            .map(|u| SubjectVersion {
                subject: qualify(&row.context, &u.subject),
                version: u.version,
            })
            .collect();
        in_confluent_listing_order(&mut versions);
        Ok(versions)
    }

    /// The version rows of a subject that exist at all, or 40401.
    async fn versions_of(
        &self,
        subject: &QualifiedSubject,
    ) -> Result<Vec<VersionRow>, RegistryError> {
        let versions = self.store.versions(&subject.context, &subject.name).await?;
        if versions.is_empty() {
            return Err(RegistryError::SubjectNotFound(subject.display()));
        }
        Ok(versions)
    }

    /// `GET /subjects/{s}/versions`.
    pub async fn list_versions(
        &self,
        raw_subject: &str,
        filter: SubjectFilter,
    ) -> Result<Vec<i32>, RegistryError> {
        let subject = self
            .resolve_alias(&QualifiedSubject::parse(raw_subject))
            .await?;
        let versions = self.store.versions(&subject.context, &subject.name).await?;
        let kept: Vec<i32> = versions
            .iter()
            .filter(|v| filter.keeps(v.deleted))
            .map(|v| v.version)
            .collect();
        let exists = if filter == SubjectFilter::DeletedOnly {
            !versions.is_empty()
        } else {
            !kept.is_empty()
        };
        if !exists && !subject.name.is_empty() {
            return Err(RegistryError::SubjectNotFound(subject.display()));
        }
        Ok(kept)
    }

    /// Resolves a selector to a version row; `latest` skips soft-deleted versions.
    pub(super) async fn select_version(
        &self,
        subject: &QualifiedSubject,
        selector: VersionSelector,
        include_deleted: bool,
    ) -> Result<VersionRow, RegistryError> {
        let versions = self.versions_of(subject).await?;
        if !include_deleted && versions.iter().all(|v| v.deleted) {
            return Err(RegistryError::SubjectNotFound(subject.display()));
        }
        let found = match selector {
            VersionSelector::Latest => versions.iter().rev().find(|v| !v.deleted),
            VersionSelector::Number(n) => versions
                .iter()
                .find(|v| v.version == n && (include_deleted || !v.deleted)),
        };
        found
            .copied()
            .ok_or(RegistryError::VersionNotFound(selector.printed()))
    }

    /// `GET /subjects/{s}/versions/{v}`.
    pub async fn get_version(
        &self,
        raw_subject: &str,
        selector: VersionSelector,
        include_deleted: bool,
        format: Option<&str>,
    ) -> Result<Schema, RegistryError> {
        let subject = self.read_subject(raw_subject).await?;
        let version = self
            .select_version(&subject, selector, include_deleted)
            .await?;
        let row = self
            .existing_schema(&subject.context, version.schema_id)
            .await?;
        let mut dto = Self::schema_dto(&subject, &version, &row);
        dto.schema = self.render(&row, format).await?;
        Ok(dto)
    }

    /// `GET /subjects/{s}/versions/{v}/referencedby`: ids of live (or all) referrers.
    pub async fn referenced_by(
        &self,
        raw_subject: &str,
        selector: VersionSelector,
        deleted: bool,
    ) -> Result<Vec<i32>, RegistryError> {
        let subject = self.read_subject(raw_subject).await?;
        let version = self.select_version(&subject, selector, true).await?;
        let referrers = self
            .store
            .referrers(&subject.context, &subject.name, version.version)
            .await?;
        let mut ids: Vec<i32> = referrers
            .iter()
            .filter(|r| r.usages.iter().any(|u| deleted || !u.deleted))
            .map(|r| r.id)
            .collect();
        ids.sort_unstable();
        ids.dedup();
        Ok(ids)
    }

    /// `GET /subjects`: subject names, qualified outside the default context, sorted.
    pub async fn list_subjects(
        &self,
        prefix: Option<&str>,
        filter: SubjectFilter,
    ) -> Result<Vec<String>, RegistryError> {
        let prefix = prefix.unwrap_or(":*:");
        let mut names: Vec<String> = self
            .store
            .subjects()
            .await?
            .into_iter()
            .filter(|s| match filter {
                SubjectFilter::Live => s.has_live,
                SubjectFilter::All => true,
                SubjectFilter::DeletedOnly => !s.has_live,
            })
            .map(|s| qualify(&s.context, &s.subject))
            .filter(|name| matches_prefix(name, prefix))
            .collect();
        names.sort();
        Ok(names)
    }

    /// `GET /schemas`: subject versions, ordered by subject then version.
    pub async fn list_schemas(
        &self,
        prefix: Option<&str>,
        deleted: bool,
        latest_only: bool,
    ) -> Result<Vec<(Schema, Vec<String>)>, RegistryError> {
        let prefix = prefix.unwrap_or("");
        let subjects = self.store.subjects().await?;
        let configs_alias = self.aliases().await?;
        let mut out = Vec::new();
        let mut sorted: Vec<_> = subjects
            .into_iter()
            .map(|s| (qualify(&s.context, &s.subject), s))
            .filter(|(name, _)| matches_prefix(name, prefix))
            .collect();
        sorted.sort_by(|a, b| a.0.cmp(&b.0));
        for (name, row) in sorted {
            let subject = QualifiedSubject::parse(&name);
            let versions = self.store.versions(&row.context, &row.subject).await?;
            let mut visible: Vec<VersionRow> = versions
                .into_iter()
                .filter(|v| deleted || !v.deleted)
                .collect();
            if latest_only {
                visible = visible.pop().into_iter().collect();
            }
            for version in visible {
                let schema = self
                    .existing_schema(&row.context, version.schema_id)
                    .await?;
                let aliases = configs_alias
                    .iter()
                    .filter(|(_, target)| *target == name)
                    .map(|(alias, _)| alias.clone())
                    .collect();
                out.push((Self::schema_dto(&subject, &version, &schema), aliases));
            }
        }
        Ok(out)
    }

    /// Every (alias subject, target subject) pair, for `GET /schemas?aliases=true`.
    async fn aliases(&self) -> Result<Vec<(String, String)>, RegistryError> {
        let mut pairs = Vec::new();
        // Aliases are configs on subjects that may have no versions, so scan configs.
        for scope in self.store.config_scopes().await? {
            if let Some(alias) = self
                .store
                .config(&scope)
                .await?
                .and_then(|c| c.settings.alias)
            {
                let subject = QualifiedSubject::parse(&scope);
                pairs.push((scope.clone(), subject.resolve_reference(&alias).display()));
            }
        }
        Ok(pairs)
    }

    /// `GET /subjects/{s}/metadata`: the newest version whose properties contain every pair.
    pub async fn version_by_metadata(
        &self,
        raw_subject: &str,
        pairs: &[(String, String)],
        deleted: bool,
    ) -> Result<Schema, RegistryError> {
        let subject = self.read_subject(raw_subject).await?;
        let versions = self.versions_of(&subject).await?;
        for version in versions.iter().rev().filter(|v| deleted || !v.deleted) {
            let row = self
                .existing_schema(&subject.context, version.schema_id)
                .await?;
            let properties = row.metadata.as_ref().map(|m| &m.properties);
            let all = pairs
                .iter()
                .all(|(k, v)| properties.and_then(|p| p.get(k)) == Some(v));
            if all {
                return Ok(Self::schema_dto(&subject, version, &row));
            }
        }
        Err(RegistryError::SchemaNotFound(None))
    }

    /// `GET /contexts`: the default context first, then every context that received a schema.
    pub async fn list_contexts(&self) -> Result<Vec<String>, RegistryError> {
        let mut contexts = vec![DEFAULT_CONTEXT.to_owned()];
        contexts.extend(self.store.contexts().await?);
        Ok(contexts)
    }
}

/// Confluent's prefix rules: `:*:` matches everything; an unqualified prefix matches the
/// default context only; a qualified prefix matches within its context.
/// Orders the subjects sharing one schema id as Confluent lists them: it keeps them as keys of a
/// Java `ConcurrentHashMap`, so clients see them in that map's iteration order (by hash bucket),
/// not sorted. Versions of one subject stay in version order.
fn in_confluent_listing_order(versions: &mut [SubjectVersion]) {
    let mut subjects: Vec<&str> = versions.iter().map(|v| v.subject.as_str()).collect();
    subjects.dedup();
    // The table grows from 16 buckets, doubling once three quarters are used.
    let mut buckets = 16usize;
    while subjects.len() >= buckets / 4 * 3 {
        buckets *= 2;
    }
    let bucket = |subject: &str| {
        let hash = java_string_hash(subject);
        (hash ^ (hash >> 16)) as usize & (buckets - 1)
    };
    versions.sort_by_cached_key(|v| bucket(&v.subject));
}

/// Java's `String.hashCode`: `s[0]*31^(n-1) + … + s[n-1]` over UTF-16 code units, wrapping.
fn java_string_hash(text: &str) -> u32 {
    text.encode_utf16().fold(0u32, |hash, unit| {
        hash.wrapping_mul(31).wrapping_add(u32::from(unit))
    })
}

fn matches_prefix(name: &str, prefix: &str) -> bool {
    if let Some(rest) = prefix.strip_prefix(":*:") {
        let bare = QualifiedSubject::parse(name).name;
        return bare.starts_with(rest);
    }
    if prefix.starts_with(":.") {
        return name.starts_with(prefix);
    }
    !name.starts_with(":.") && name.starts_with(prefix)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn java_string_hash_matches_java() {
        // Values of `String.hashCode()` in Java.
        assert_eq!(java_string_hash(""), 0);
        assert_eq!(java_string_hash("hello"), 99_162_322);
        assert_eq!(
            java_string_hash("subject-value").cast_signed(),
            -975_214_192
        );
        assert_eq!(java_string_hash("é-ü"), 225_560);
    }

    #[test]
    fn subjects_sharing_an_id_follow_the_hash_map_order() {
        let version = |subject: &str, version| SubjectVersion {
            subject: subject.to_owned(),
            version,
        };
        // Recorded from Confluent: `reg-proto.b` before `reg-proto.a`, `reg-avro.a` before `reg-avro.b`.
        let mut versions = vec![version("reg-proto.a", 1), version("reg-proto.b", 1)];
        in_confluent_listing_order(&mut versions);
        assert_eq!(versions[0].subject, "reg-proto.b");
        let mut versions = vec![
            version("reg-avro.a", 1),
            version("reg-avro.a", 2),
            version("reg-avro.b", 1),
        ];
        in_confluent_listing_order(&mut versions);
        let order: Vec<_> = versions
            .iter()
            .map(|v| (v.subject.as_str(), v.version))
            .collect();
        assert_eq!(
            order,
            [("reg-avro.a", 1), ("reg-avro.a", 2), ("reg-avro.b", 1)]
        );
    }
}
