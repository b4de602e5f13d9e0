//! [`Client`]: one method per Confluent REST endpoint, with the caches in front of the reads that repeat.
//!
//! Cached, forever (bounded): schemas by id and by GUID, registrations and lookups keyed by subject
//! and request body. Cached with a TTL: each subject's latest version. 404s of cached calls are
//! remembered briefly. Everything else (listings, config, mode, deletes) goes to the registry
//! each time. This client's own deletes and registrations forget the entries they make stale.

use std::sync::Arc;

use accord_types::{
    CompatibilityCheckResponse, Config, ConfigUpdateRequest, ContextId, Mode,
    RegisterSchemaRequest, RegisterSchemaResponse, Schema, SchemaGuid, SchemaId, SchemaString,
    ServerVersion, Subject, SubjectVersion, Version,
};
use reqwest::Method;

use crate::cache::Memo;
use crate::config::ClientBuilder;
use crate::error::Error;
use crate::transport::{Query, Transport, encode};

/// An async client for a Confluent-compatible schema registry; cheap to clone (clones share caches).
#[derive(Debug, Clone)]
pub struct Client {
    inner: Arc<Inner>,
}

#[derive(Debug)]
struct Inner {
    transport: Transport,
    by_id: Memo<(SchemaId, Option<Subject>, Option<String>), SchemaString>,
    by_guid: Memo<(SchemaGuid, Option<String>), SchemaString>,
    /// (subject, normalize, request body) to the registration answer.
    registered: Memo<(Subject, bool, String), RegisterSchemaResponse>,
    /// (subject, normalize, deleted, request body) to the lookup answer.
    lookups: Memo<(Subject, bool, bool, String), Schema>,
    latest: Memo<Subject, Schema>,
}

/// Where a config or mode applies: the global default, or one subject (or context, written `:.ctx:`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope<'a> {
    /// `/config`, `/mode`.
    Global,
    /// `/config/{subject}`, `/mode/{subject}`.
    Subject(&'a Subject),
}

impl Scope<'_> {
    fn path(self, root: &str) -> String {
        match self {
            Scope::Global => format!("/{root}"),
            Scope::Subject(subject) => format!("/{root}/{}", encode(subject.as_str())),
        }
    }
}

/// Parameters of [`Client::schema_by_id`].
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SchemaQuery {
    /// The subject whose context the id belongs to (`subject=`), as deserializers pass the topic's subject.
    pub subject: Option<Subject>,
    /// The schema text's format (`format=`): Avro `resolved`, Protobuf `serialized` or `ignore_extensions`.
    pub format: Option<String>,
}

/// Parameters of [`Client::lookup`].
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct LookupOptions {
    /// Normalize the schema before matching (`normalize=true`).
    pub normalize: bool,
    /// Match soft-deleted versions too (`deleted=true`).
    pub deleted: bool,
}

/// Parameters of [`Client::subjects`].
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ListSubjects {
    /// Only subjects starting with this (`subjectPrefix=`); `:*:` for all contexts.
    pub prefix: Option<String>,
    /// Include soft-deleted subjects.
    pub deleted: bool,
    /// Only soft-deleted subjects.
    pub deleted_only: bool,
}

/// Parameters of [`Client::schemas`].
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ListSchemas {
    /// Only subjects starting with this (`subjectPrefix=`).
    pub prefix: Option<String>,
    /// Include soft-deleted versions.
    pub deleted: bool,
    /// Only each subject's latest version.
    pub latest_only: bool,
}

/// Parameters of [`Client::check_compatibility`].
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct CompatOptions {
    /// Normalize the schema first.
    pub normalize: bool,
    /// Ask for the list of incompatibilities (`messages`).
    pub verbose: bool,
}

impl Client {
    /// A builder for a client of the registry at `urls`, tried in order with failover.
    pub fn builder<I, S>(urls: I) -> ClientBuilder
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        ClientBuilder::new(urls.into_iter().map(Into::into).collect())
    }

    /// A client of the registry at `url` with default settings.
    pub fn new(url: impl Into<String>) -> Result<Client, Error> {
        Client::builder([url]).build()
    }

    pub(crate) fn from_builder(builder: &ClientBuilder) -> Result<Client, Error> {
        let transport = Transport::new(builder)?;
        let cache = builder.cache;
        Ok(Client {
            inner: Arc::new(Inner {
                transport,
                by_id: Memo::new(cache.capacity, None, cache.miss_ttl),
                by_guid: Memo::new(cache.capacity, None, cache.miss_ttl),
                registered: Memo::new(cache.capacity, None, cache.miss_ttl),
                lookups: Memo::new(cache.capacity, None, cache.miss_ttl),
                latest: Memo::new(
                    cache.latest_capacity,
                    Some(cache.latest_ttl),
                    cache.miss_ttl,
                ),
            }),
        })
    }

    /// Empties every cache.
    pub fn clear_caches(&self) {
        let inner = &self.inner;
        inner.by_id.clear();
        inner.by_guid.clear();
        inner.registered.clear();
        inner.lookups.clear();
        inner.latest.clear();
    }

    async fn get<T: serde::de::DeserializeOwned>(&self, path: &str) -> Result<T, Error> {
        self.inner.transport.call(Method::GET, path, None).await
    }

    async fn delete<T: serde::de::DeserializeOwned>(&self, path: &str) -> Result<T, Error> {
        self.inner.transport.call(Method::DELETE, path, None).await
    }

    async fn send_json<T: serde::de::DeserializeOwned>(
        &self,
        method: Method,
        path: &str,
        body: &impl serde::Serialize,
    ) -> Result<T, Error> {
        let body = serde_json::to_string(body).map_err(Error::Encode)?;
        self.inner.transport.call(method, path, Some(&body)).await
    }

    // ----- Schemas -----

    /// `GET /schemas/ids/{id}`: the schema with this id; cached forever.
    pub async fn schema_by_id(
        &self,
        id: SchemaId,
        query: &SchemaQuery,
    ) -> Result<Arc<SchemaString>, Error> {
        let key = (id, query.subject.clone(), query.format.clone());
        let fetch = || async {
            let path = Query::new()
                .opt("subject", query.subject.as_ref().map(Subject::as_str))
                .opt("format", query.format.as_deref())
                .on(format!("/schemas/ids/{id}"));
            self.get(&path).await
        };
        self.inner.by_id.get_or_fetch(&key, fetch).await
    }

    /// `GET /schemas/guids/{guid}`: the schema with this content GUID; cached forever.
    pub async fn schema_by_guid(
        &self,
        guid: SchemaGuid,
        format: Option<&str>,
    ) -> Result<Arc<SchemaString>, Error> {
        let key = (guid, format.map(str::to_string));
        let fetch = || async {
            let path = Query::new()
                .opt("format", format)
                .on(format!("/schemas/guids/{guid}"));
            self.get(&path).await
        };
        self.inner.by_guid.get_or_fetch(&key, fetch).await
    }

    /// `GET /schemas/guids/{guid}/ids`: the id of this content in each context that has it.
    pub async fn guid_ids(&self, guid: SchemaGuid) -> Result<Vec<ContextId>, Error> {
        self.get(&format!("/schemas/guids/{guid}/ids")).await
    }

    /// `GET /schemas/ids/{id}/subjects`: the subjects with a version of this id.
    pub async fn subjects_for_id(&self, id: SchemaId, deleted: bool) -> Result<Vec<String>, Error> {
        let path = Query::new()
            .flag("deleted", deleted)
            .on(format!("/schemas/ids/{id}/subjects"));
        self.get(&path).await
    }

    /// `GET /schemas/ids/{id}/versions`: the subject versions with this id.
    pub async fn versions_for_id(
        &self,
        id: SchemaId,
        deleted: bool,
    ) -> Result<Vec<SubjectVersion>, Error> {
        let path = Query::new()
            .flag("deleted", deleted)
            .on(format!("/schemas/ids/{id}/versions"));
        self.get(&path).await
    }

    /// `GET /schemas/types`: the schema types the registry supports.
    pub async fn schema_types(&self) -> Result<Vec<String>, Error> {
        self.get("/schemas/types").await
    }

    /// `GET /schemas`: subject versions, ordered by subject then version.
    pub async fn schemas(&self, query: &ListSchemas) -> Result<Vec<Schema>, Error> {
        let path = Query::new()
            .opt("subjectPrefix", query.prefix.as_deref())
            .flag("deleted", query.deleted)
            .flag("latestOnly", query.latest_only)
            .on("/schemas".to_string());
        self.get(&path).await
    }

    // ----- Subjects -----

    /// `POST /subjects/{subject}/versions`: registers the schema (or finds it registered); cached forever.
    ///
    /// The subject's cached latest version is forgotten, so that a following [`Client::latest`] sees it.
    pub async fn register(
        &self,
        subject: &Subject,
        request: &RegisterSchemaRequest,
        normalize: bool,
    ) -> Result<Arc<RegisterSchemaResponse>, Error> {
        let body = serde_json::to_string(request).map_err(Error::Encode)?;
        let key = (subject.clone(), normalize, body);
        let path = Query::new()
            .flag("normalize", normalize)
            .on(format!("/subjects/{}/versions", encode(subject.as_str())));
        let fetch = || async {
            let answer = self
                .inner
                .transport
                .call(Method::POST, &path, Some(&key.2))
                .await;
            if answer.is_ok() {
                // A new version makes the cached latest stale, and may turn a cached lookup miss into a hit.
                self.inner.latest.remove(subject);
                self.inner.lookups.forget(|(s, ..)| s == subject);
            }
            answer
        };
        self.inner.registered.get_or_fetch(&key, fetch).await
    }

    /// `POST /subjects/{subject}`: the version of this subject that holds the schema; cached forever,
    /// a 404 (not registered) briefly.
    pub async fn lookup(
        &self,
        subject: &Subject,
        request: &RegisterSchemaRequest,
        options: LookupOptions,
    ) -> Result<Arc<Schema>, Error> {
        let body = serde_json::to_string(request).map_err(Error::Encode)?;
        let key = (subject.clone(), options.normalize, options.deleted, body);
        let path = Query::new()
            .flag("normalize", options.normalize)
            .flag("deleted", options.deleted)
            .on(format!("/subjects/{}", encode(subject.as_str())));
        let fetch = || self.inner.transport.call(Method::POST, &path, Some(&key.3));
        self.inner.lookups.get_or_fetch(&key, fetch).await
    }

    /// `GET /subjects`: subject names.
    pub async fn subjects(&self, query: &ListSubjects) -> Result<Vec<String>, Error> {
        let path = Query::new()
            .opt("subjectPrefix", query.prefix.as_deref())
            .flag("deleted", query.deleted)
            .flag("deletedOnly", query.deleted_only)
            .on("/subjects".to_string());
        self.get(&path).await
    }

    /// `GET /subjects/{subject}/versions`: the subject's version numbers, ascending.
    pub async fn versions(&self, subject: &Subject, deleted: bool) -> Result<Vec<i32>, Error> {
        let path = Query::new()
            .flag("deleted", deleted)
            .on(format!("/subjects/{}/versions", encode(subject.as_str())));
        self.get(&path).await
    }

    /// `GET /subjects/{subject}/versions/{version}`. The latest live version goes through
    /// [`Client::latest`]'s cache; other versions are fetched each time.
    pub async fn version(
        &self,
        subject: &Subject,
        version: Version,
        deleted: bool,
    ) -> Result<Arc<Schema>, Error> {
        if version.is_latest() && !deleted {
            return self.latest(subject).await;
        }
        let path = Query::new().flag("deleted", deleted).on(format!(
            "/subjects/{}/versions/{version}",
            encode(subject.as_str())
        ));
        self.get(&path).await.map(Arc::new)
    }

    /// `GET /subjects/{subject}/versions/latest`: the newest live version, cached for the latest TTL.
    pub async fn latest(&self, subject: &Subject) -> Result<Arc<Schema>, Error> {
        let fetch = || async {
            let path = format!("/subjects/{}/versions/latest", encode(subject.as_str()));
            self.get(&path).await
        };
        self.inner.latest.get_or_fetch(subject, fetch).await
    }

    /// `GET /subjects/{subject}/versions/{version}/referencedby`: ids of the schemas referencing this version.
    pub async fn referenced_by(
        &self,
        subject: &Subject,
        version: Version,
    ) -> Result<Vec<i32>, Error> {
        self.get(&format!(
            "/subjects/{}/versions/{version}/referencedby",
            encode(subject.as_str())
        ))
        .await
    }

    /// `DELETE /subjects/{subject}`: soft-deletes the subject, or (`permanent`) removes a soft-deleted one;
    /// returns the deleted version numbers.
    pub async fn delete_subject(
        &self,
        subject: &Subject,
        permanent: bool,
    ) -> Result<Vec<i32>, Error> {
        let path = Query::new()
            .flag("permanent", permanent)
            .on(format!("/subjects/{}", encode(subject.as_str())));
        let deleted = self.delete(&path).await;
        self.forget_subject(subject);
        deleted
    }

    /// `DELETE /subjects/{subject}/versions/{version}`: soft or (`permanent`) hard delete of one version;
    /// returns its number.
    pub async fn delete_version(
        &self,
        subject: &Subject,
        version: Version,
        permanent: bool,
    ) -> Result<i32, Error> {
        let path = Query::new().flag("permanent", permanent).on(format!(
            "/subjects/{}/versions/{version}",
            encode(subject.as_str())
        ));
        let deleted = self.delete(&path).await;
        self.forget_subject(subject);
        deleted
    }

    fn forget_subject(&self, subject: &Subject) {
        self.inner.latest.remove(subject);
        self.inner.registered.forget(|(s, ..)| s == subject);
        self.inner.lookups.forget(|(s, ..)| s == subject);
    }

    // ----- Compatibility -----

    /// `POST /compatibility/subjects/{subject}/versions[/{version}]`: whether the schema may be
    /// registered, against one version (`Some`) or as registration would check (`None`).
    pub async fn check_compatibility(
        &self,
        subject: &Subject,
        against: Option<Version>,
        request: &RegisterSchemaRequest,
        options: CompatOptions,
    ) -> Result<CompatibilityCheckResponse, Error> {
        let mut path = format!(
            "/compatibility/subjects/{}/versions",
            encode(subject.as_str())
        );
        if let Some(version) = against {
            path = format!("{path}/{version}");
        }
        let path = Query::new()
            .flag("normalize", options.normalize)
            .flag("verbose", options.verbose)
            .on(path);
        self.send_json(Method::POST, &path, request).await
    }

    // ----- Config and mode -----

    /// `GET /config[/{subject}]`: the scope's own config, or (`default_to_global`) the effective one.
    pub async fn config(&self, scope: Scope<'_>, default_to_global: bool) -> Result<Config, Error> {
        let path = Query::new()
            .flag("defaultToGlobal", default_to_global)
            .on(scope.path("config"));
        self.get(&path).await
    }

    /// `PUT /config[/{subject}]`: updates the scope's config; returns the stored result.
    pub async fn set_config(
        &self,
        scope: Scope<'_>,
        update: &ConfigUpdateRequest,
    ) -> Result<ConfigUpdateRequest, Error> {
        self.send_json(Method::PUT, &scope.path("config"), update)
            .await
    }

    /// `DELETE /config[/{subject}]`: removes the scope's config; returns the previous one.
    pub async fn delete_config(&self, scope: Scope<'_>) -> Result<Config, Error> {
        self.delete(&scope.path("config")).await
    }

    /// `GET /mode[/{subject}]`: the scope's own mode, or (`default_to_global`) the effective one.
    pub async fn mode(&self, scope: Scope<'_>, default_to_global: bool) -> Result<Mode, Error> {
        let path = Query::new()
            .flag("defaultToGlobal", default_to_global)
            .on(scope.path("mode"));
        self.get(&path).await
    }

    /// `PUT /mode[/{subject}]`: sets the mode (`READWRITE`, `READONLY`, `IMPORT`…); `force` skips
    /// the emptiness check of IMPORT.
    pub async fn set_mode(&self, scope: Scope<'_>, mode: &str, force: bool) -> Result<Mode, Error> {
        let path = Query::new().flag("force", force).on(scope.path("mode"));
        let body = Mode {
            mode: Some(mode.to_string()),
        };
        self.send_json(Method::PUT, &path, &body).await
    }

    /// `DELETE /mode[/{subject}]`: removes the scope's mode; returns the previous one.
    pub async fn delete_mode(&self, scope: Scope<'_>) -> Result<Mode, Error> {
        self.delete(&scope.path("mode")).await
    }

    // ----- Contexts and server -----

    /// `GET /contexts`: context names, the default context `.` first.
    pub async fn contexts(&self) -> Result<Vec<String>, Error> {
        self.get("/contexts").await
    }

    /// `DELETE /contexts/{context}`: removes an empty context.
    pub async fn delete_context(&self, context: &str) -> Result<(), Error> {
        let path = format!("/contexts/{}", encode(context));
        self.inner
            .transport
            .call_empty(Method::DELETE, &path, None)
            .await
    }

    /// `GET /v1/metadata/version`: the server's version.
    pub async fn server_version(&self) -> Result<ServerVersion, Error> {
        self.get("/v1/metadata/version").await
    }
}
