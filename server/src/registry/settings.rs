//! Config and mode: storage per scope, and resolution of the effective value for a subject.
//!
//! Resolution chain (spec §5.5): subject → its context (or global in the default context) →
//! `:.__GLOBAL:` → the server default. Config fields merge field by field; modes do not merge.

use accord_compat::CompatibilityLevel;
use accord_types::{Config, ConfigSettings, ConfigUpdateRequest};

use super::subject::{GLOBAL_CONTEXT, QualifiedSubject, context_scope};
use super::{Registry, RegistryError};
use crate::store::{ScopeSettings, VersionRow};

/// The scope holding the cross-context defaults.
fn global_default_scope() -> String {
    context_scope(GLOBAL_CONTEXT)
}

/// A registry mode.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// Normal operation.
    ReadWrite,
    /// Reads only.
    ReadOnly,
    /// Reads only, overriding every narrower mode (global level).
    ReadOnlyOverride,
    /// Registrations carry explicit ids; no validation or compatibility checks.
    Import,
    /// Confluent Cloud schema linking; treated like IMPORT for registration rules.
    Forward,
}

impl Mode {
    /// Parses a mode, any case.
    pub fn parse(raw: &str) -> Option<Mode> {
        Some(match raw.to_ascii_uppercase().as_str() {
            "READWRITE" => Mode::ReadWrite,
            "READONLY" => Mode::ReadOnly,
            "READONLY_OVERRIDE" => Mode::ReadOnlyOverride,
            "IMPORT" => Mode::Import,
            "FORWARD" => Mode::Forward,
            _ => return None,
        })
    }

    /// Confluent's spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            Mode::ReadWrite => "READWRITE",
            Mode::ReadOnly => "READONLY",
            Mode::ReadOnlyOverride => "READONLY_OVERRIDE",
            Mode::Import => "IMPORT",
            Mode::Forward => "FORWARD",
        }
    }

    /// Whether writes are refused.
    pub fn is_read_only(self) -> bool {
        matches!(self, Mode::ReadOnly | Mode::ReadOnlyOverride)
    }

    /// Whether registrations must carry explicit ids.
    pub fn is_import(self) -> bool {
        matches!(self, Mode::Import | Mode::Forward)
    }
}

/// The effective configuration of a subject.
#[derive(Debug, Clone)]
pub struct ConfigView {
    /// Compatibility level.
    pub level: CompatibilityLevel,
    /// The merged settings.
    pub config: Config,
}

impl ConfigView {
    /// Normalize schemas on register and lookup.
    pub fn normalize(&self) -> bool {
        self.config.settings.normalize == Some(true)
    }

    /// Whether config supplies metadata or rules that registration must merge.
    pub fn has_contract_defaults(&self) -> bool {
        let s = &self.config.settings;
        s.default_metadata.is_some()
            || s.override_metadata.is_some()
            || s.default_rule_set.is_some()
            || s.override_rule_set.is_some()
    }
}

/// Fills every unset field of `over` from `under`.
fn merge(over: &mut Config, under: &Config) {
    fn fill<T: Clone>(a: &mut Option<T>, b: &Option<T>) {
        if a.is_none() {
            a.clone_from(b);
        }
    }
    fill(&mut over.compatibility_level, &under.compatibility_level);
    let (a, b) = (&mut over.settings, &under.settings);
    fill(&mut a.compatibility_policy, &b.compatibility_policy);
    fill(&mut a.compatibility_group, &b.compatibility_group);
    fill(&mut a.normalize, &b.normalize);
    fill(&mut a.validate_fields, &b.validate_fields);
    fill(&mut a.validate_new_schemas, &b.validate_new_schemas);
    fill(&mut a.validate_rules, &b.validate_rules);
    fill(&mut a.alias, &b.alias);
    fill(&mut a.default_metadata, &b.default_metadata);
    fill(&mut a.override_metadata, &b.override_metadata);
    fill(&mut a.default_rule_set, &b.default_rule_set);
    fill(&mut a.override_rule_set, &b.override_rule_set);
}

/// The scopes consulted for `subject`, narrowest first.
fn chain(subject: &QualifiedSubject) -> Vec<String> {
    let mut scopes = vec![subject.scope()];
    if !subject.name.is_empty() {
        scopes.push(subject.parent_scope());
    }
    let global = global_default_scope();
    if !scopes.contains(&global) {
        scopes.push(global);
    }
    scopes
}

/// Maps `/config/{s}` and `/mode/{s}` path subjects to a scope key (`:.:` is global).
pub(super) fn scope_of(subject: &QualifiedSubject) -> String {
    subject.scope()
}

/// What a registration is decided on: the subject after alias resolution, its effective config
/// and mode, and its versions as read in the same round trip.
#[derive(Debug)]
pub(super) struct Decision {
    pub(super) subject: QualifiedSubject,
    pub(super) config: ConfigView,
    pub(super) mode: Mode,
    pub(super) versions: Vec<VersionRow>,
}

impl Registry {
    /// Configs and modes of every scope that decides a request about `subject`, in one
    /// store round trip.
    pub(super) async fn settings_of(
        &self,
        subject: &QualifiedSubject,
    ) -> Result<ScopeSettings, RegistryError> {
        Ok(self.settings_and_versions_of(subject).await?.0)
    }

    /// The effective config of a subject (or of a context when the name is empty).
    pub async fn effective_config(
        &self,
        subject: &QualifiedSubject,
    ) -> Result<ConfigView, RegistryError> {
        Ok(config_from(&self.settings_of(subject).await?, subject))
    }

    /// `GET /config[/{s}]`: the scope's own config, or the effective one.
    pub async fn get_config(
        &self,
        subject: Option<&QualifiedSubject>,
        default_to_global: bool,
    ) -> Result<Config, RegistryError> {
        let target = subject.cloned().unwrap_or_else(global_subject);
        if default_to_global {
            return Ok(self.effective_config(&target).await?.config);
        }
        match self.store.config(&scope_of(&target)).await? {
            Some(mut config) => {
                if config.compatibility_level.is_none() {
                    config.compatibility_level = Some(CompatibilityLevel::Backward.as_str().into());
                }
                Ok(config)
            }
            None if subject.is_none() || target.name.is_empty() => Ok(Config {
                compatibility_level: Some(CompatibilityLevel::Backward.as_str().into()),
                ..Config::default()
            }),
            None => Err(RegistryError::SubjectConfigNotFound(target.display())),
        }
    }

    /// `PUT /config[/{s}]`: validates, stores, and returns the request's echo.
    pub async fn put_config(
        &self,
        subject: Option<&QualifiedSubject>,
        raw_subject: Option<&str>,
        update: ConfigUpdateRequest,
    ) -> Result<ConfigUpdateRequest, RegistryError> {
        let target = subject.cloned().unwrap_or_else(global_subject);
        if let Some(raw) = raw_subject {
            target.validate(raw)?;
        }
        let level = match &update.compatibility {
            Some(raw) => Some(
                raw.parse::<CompatibilityLevel>()
                    .map_err(|()| RegistryError::InvalidCompatibilityLevel)?,
            ),
            None => None,
        };
        self.ensure_writable(&target).await?;
        let scope = scope_of(&target);
        let mut stored = self.store.config(&scope).await?.unwrap_or_default();
        if let Some(level) = level {
            stored.compatibility_level = Some(level.as_str().to_owned());
        }
        let mut merged = update.settings.clone();
        merge_settings(&mut merged, &stored.settings);
        stored.settings = merged;
        self.store.set_config(&scope, &stored).await?;
        Ok(update)
    }

    /// `DELETE /config[/{s}]`: removes the scope's config, returning what it was.
    pub async fn delete_config(
        &self,
        subject: Option<&QualifiedSubject>,
    ) -> Result<Config, RegistryError> {
        let target = subject.cloned().unwrap_or_else(global_subject);
        let scope = scope_of(&target);
        let is_subject = subject.is_some() && !target.name.is_empty();
        if is_subject && self.store.config(&scope).await?.is_none() {
            return Err(RegistryError::SubjectNotFound(target.display()));
        }
        self.ensure_writable(&target).await?;
        let previous = self.store.delete_config(&scope).await?;
        match previous {
            Some(mut config) => {
                if config.compatibility_level.is_none() {
                    config.compatibility_level = Some(CompatibilityLevel::Backward.as_str().into());
                }
                Ok(config)
            }
            None if subject.is_none() || target.name.is_empty() => Ok(Config {
                compatibility_level: Some(CompatibilityLevel::Backward.as_str().into()),
                ..Config::default()
            }),
            None => Err(RegistryError::SubjectNotFound(target.display())),
        }
    }

    /// Refuses config writes when the subject's effective mode is read-only.
    async fn ensure_writable(&self, target: &QualifiedSubject) -> Result<(), RegistryError> {
        if self.effective_mode(target).await?.is_read_only() {
            return Err(read_only(target));
        }
        Ok(())
    }

    /// A global READONLY_OVERRIDE wins over every narrower mode.
    async fn override_mode(&self) -> Result<Option<Mode>, RegistryError> {
        Ok(override_from(&self.store.settings(&[String::new()]).await?))
    }

    /// The effective mode of a subject.
    pub async fn effective_mode(&self, subject: &QualifiedSubject) -> Result<Mode, RegistryError> {
        Ok(mode_from(&self.settings_of(subject).await?, subject))
    }

    /// `GET /mode[/{s}]`.
    pub async fn get_mode(
        &self,
        subject: Option<&QualifiedSubject>,
        default_to_global: bool,
    ) -> Result<Mode, RegistryError> {
        let target = subject.cloned().unwrap_or_else(global_subject);
        if default_to_global {
            return self.effective_mode(&target).await;
        }
        if let Some(mode) = self.override_mode().await? {
            return Ok(mode);
        }
        match self
            .store
            .mode(&scope_of(&target))
            .await?
            .and_then(|m| Mode::parse(&m))
        {
            Some(mode) => Ok(mode),
            None if subject.is_none() || target.name.is_empty() => Ok(Mode::ReadWrite),
            None => Err(RegistryError::SubjectModeNotFound(target.display())),
        }
    }

    /// `PUT /mode[/{s}]`: validates the mode and the scope's state, then stores it.
    pub async fn put_mode(
        &self,
        subject: Option<&QualifiedSubject>,
        raw_subject: Option<&str>,
        raw_mode: Option<&str>,
        force: bool,
    ) -> Result<(), RegistryError> {
        let target = subject.cloned().unwrap_or_else(global_subject);
        if let Some(raw) = raw_subject {
            target.validate(raw)?;
        }
        let mode = raw_mode.and_then(Mode::parse).ok_or_else(|| {
            RegistryError::InvalidMode(
                "Invalid mode. Valid values are READWRITE, READONLY, and IMPORT.".to_owned(),
            )
        })?;
        if mode == Mode::Forward && target.context != GLOBAL_CONTEXT {
            return Err(RegistryError::InvalidMode(
                "Forward mode only supported on global level".to_owned(),
            ));
        }
        if mode.is_import() && !force && !self.effective_mode(&target).await?.is_import() {
            self.ensure_empty_for_import(&target).await?;
        }
        self.store
            .set_mode(&scope_of(&target), mode.as_str())
            .await?;
        Ok(())
    }

    /// Switching to IMPORT needs a scope without live versions.
    async fn ensure_empty_for_import(
        &self,
        target: &QualifiedSubject,
    ) -> Result<(), RegistryError> {
        let subjects = self.store.subjects().await?;
        let in_scope = subjects.iter().filter(|s| {
            if !target.name.is_empty() {
                s.context == target.context && s.subject == target.name
            } else if target.context == GLOBAL_CONTEXT {
                true
            } else {
                s.context == target.context
            }
        });
        if in_scope.into_iter().any(|s| s.has_live) {
            return Err(RegistryError::NotPermitted(
                "Cannot import since found existing subjects".to_owned(),
            ));
        }
        Ok(())
    }

    /// `DELETE /mode[/{s}]`: removes the scope's mode, returning what it was.
    pub async fn delete_mode(
        &self,
        subject: Option<&QualifiedSubject>,
        recursive: bool,
    ) -> Result<Mode, RegistryError> {
        let target = subject.cloned().unwrap_or_else(global_subject);
        let scope = scope_of(&target);
        let prefix =
            (recursive && target.name.is_empty() && !scope.is_empty()).then_some(scope.as_str());
        let previous = self.store.delete_mode(&scope, prefix).await?;
        if let Some(mode) = self.override_mode().await? {
            return Ok(mode);
        }
        match previous.and_then(|m| Mode::parse(&m)) {
            Some(mode) => Ok(mode),
            None if subject.is_none() || target.name.is_empty() => Ok(Mode::ReadWrite),
            None => Err(RegistryError::SubjectNotFound(target.display())),
        }
    }

    /// The subject a read addresses: its alias target, and for an unqualified subject absent
    /// from the default context, the same name in another context (Confluent's fallback).
    pub async fn read_subject(&self, raw: &str) -> Result<QualifiedSubject, RegistryError> {
        let subject = self.resolve_alias(&QualifiedSubject::parse(raw)).await?;
        if !subject.is_default_context() || raw.starts_with(":.") || subject.name.is_empty() {
            return Ok(subject);
        }
        if !self
            .store
            .versions(&subject.context, &subject.name)
            .await?
            .is_empty()
        {
            return Ok(subject);
        }
        for context in self.store.contexts().await? {
            if !self
                .store
                .versions(&context, &subject.name)
                .await?
                .is_empty()
            {
                return Ok(QualifiedSubject {
                    context,
                    name: subject.name.clone(),
                });
            }
        }
        Ok(subject)
    }

    /// The alias target of a subject, if its own config names one.
    pub async fn resolve_alias(
        &self,
        subject: &QualifiedSubject,
    ) -> Result<QualifiedSubject, RegistryError> {
        if subject.name.is_empty() {
            return Ok(subject.clone());
        }
        let own = self.store.config(&subject.scope()).await?;
        Ok(alias_target(own.as_ref(), subject))
    }

    /// The subject a write addresses (after its alias) with its effective config, mode and
    /// versions, in one store round trip unless an alias redirects.
    pub(super) async fn decide(&self, named: &QualifiedSubject) -> Result<Decision, RegistryError> {
        let (mut settings, mut versions) = self.settings_and_versions_of(named).await?;
        let subject = if named.name.is_empty() {
            named.clone()
        } else {
            alias_target(settings.configs.get(&named.scope()), named)
        };
        if subject != *named {
            (settings, versions) = self.settings_and_versions_of(&subject).await?;
        }
        Ok(Decision {
            config: config_from(&settings, &subject),
            mode: mode_from(&settings, &subject),
            subject,
            versions,
        })
    }

    /// [`Registry::settings_of`] plus the subject's versions, in the same round trip.
    async fn settings_and_versions_of(
        &self,
        subject: &QualifiedSubject,
    ) -> Result<(ScopeSettings, Vec<VersionRow>), RegistryError> {
        let mut scopes = chain(subject);
        if !scopes.iter().any(String::is_empty) {
            scopes.push(String::new());
        }
        Ok(self
            .store
            .settings_and_versions(&scopes, &subject.context, &subject.name)
            .await?)
    }
}

/// Where an alias in the subject's own config points, or the subject itself.
fn alias_target(own: Option<&Config>, subject: &QualifiedSubject) -> QualifiedSubject {
    match own.and_then(|c| c.settings.alias.as_deref()) {
        Some(alias) if !alias.is_empty() => subject.resolve_reference(alias),
        _ => subject.clone(),
    }
}

/// The effective config of `subject` from its scopes' settings.
fn config_from(settings: &ScopeSettings, subject: &QualifiedSubject) -> ConfigView {
    let mut merged = Config::default();
    for scope in chain(subject) {
        if let Some(config) = settings.configs.get(&scope) {
            merge(&mut merged, config);
        }
    }
    let level = merged
        .compatibility_level
        .as_deref()
        .and_then(|l| l.parse().ok())
        .unwrap_or(CompatibilityLevel::Backward);
    merged.compatibility_level = Some(level.as_str().to_owned());
    ConfigView {
        level,
        config: merged,
    }
}

/// A global READONLY_OVERRIDE, if set.
fn override_from(settings: &ScopeSettings) -> Option<Mode> {
    settings
        .modes
        .get("")
        .and_then(|m| Mode::parse(m))
        .filter(|m| *m == Mode::ReadOnlyOverride)
}

/// The effective mode of `subject` from its scopes' settings.
fn mode_from(settings: &ScopeSettings, subject: &QualifiedSubject) -> Mode {
    if let Some(mode) = override_from(settings) {
        return mode;
    }
    chain(subject)
        .iter()
        .find_map(|scope| settings.modes.get(scope).and_then(|m| Mode::parse(m)))
        .unwrap_or(Mode::ReadWrite)
}

/// Fills unset fields of `over` from `under`.
fn merge_settings(over: &mut ConfigSettings, under: &ConfigSettings) {
    let mut a = Config {
        compatibility_level: None,
        settings: over.clone(),
    };
    merge(
        &mut a,
        &Config {
            compatibility_level: None,
            settings: under.clone(),
        },
    );
    *over = a.settings;
}

/// The pseudo-subject naming the global scope.
fn global_subject() -> QualifiedSubject {
    QualifiedSubject {
        context: super::subject::DEFAULT_CONTEXT.to_owned(),
        name: String::new(),
    }
}

/// Confluent's read-only refusal.
pub(super) fn read_only(subject: &QualifiedSubject) -> RegistryError {
    RegistryError::NotPermitted(format!(
        "Subject {} is in read-only mode",
        subject.display()
    ))
}
