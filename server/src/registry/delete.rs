//! Deletion: the soft/hard state machine for versions and subjects, with reference protection.

use super::settings::read_only;
use super::subject::{QualifiedSubject, VersionSelector};
use super::{Registry, RegistryError};

impl Registry {
    /// Refuses deletion while other live schemas (or, for hard deletes, any schemas)
    /// reference this version. References from versions of the same subject do not count
    /// when the whole subject goes.
    async fn ensure_unreferenced(
        &self,
        subject: &QualifiedSubject,
        version: i32,
        permanent: bool,
        same_subject_ok: bool,
    ) -> Result<(), RegistryError> {
        let referrers = self
            .store
            .referrers(&subject.context, &subject.name, version)
            .await?;
        let blocking = referrers.iter().any(|r| {
            r.usages.iter().any(|u| {
                let same =
                    same_subject_ok && r.context == subject.context && u.subject == subject.name;
                !same && (permanent || !u.deleted)
            })
        });
        if blocking {
            return Err(RegistryError::ReferenceExists(format!(
                "One or more references exist to the schema {{magic=1,keytype=SCHEMA,subject={},version={version}}}.",
                subject.display()
            )));
        }
        Ok(())
    }

    /// `DELETE /subjects/{s}/versions/{v}`; returns the deleted version number.
    pub async fn delete_version(
        &self,
        raw_subject: &str,
        selector: VersionSelector,
        permanent: bool,
    ) -> Result<i32, RegistryError> {
        let subject = self
            .resolve_alias(&QualifiedSubject::parse(raw_subject))
            .await?;
        if self.effective_mode(&subject).await?.is_read_only() {
            return Err(read_only(&subject));
        }
        let versions = self.store.versions(&subject.context, &subject.name).await?;
        if versions.is_empty() {
            return Err(RegistryError::SubjectNotFound(subject.display()));
        }
        let found = match selector {
            VersionSelector::Latest => versions.iter().rev().find(|v| !v.deleted),
            VersionSelector::Number(n) => versions.iter().find(|v| v.version == n),
        };
        let Some(version) = found.copied() else {
            return Err(RegistryError::VersionNotFound(selector.printed()));
        };
        match (permanent, version.deleted) {
            (false, true) => {
                return Err(RegistryError::VersionSoftDeleted(
                    subject.display(),
                    version.version,
                ));
            }
            (true, false) => {
                return Err(RegistryError::VersionNotSoftDeleted(
                    subject.display(),
                    version.version,
                ));
            }
            _ => {}
        }
        self.ensure_unreferenced(&subject, version.version, permanent, false)
            .await?;
        if permanent {
            let dropped = self
                .store
                .hard_delete(
                    &subject.context,
                    &subject.name,
                    &[version.version],
                    &subject.scope(),
                )
                .await?;
            self.evict(&subject.context, &dropped);
        } else {
            self.store
                .soft_delete(&subject.context, &subject.name, &[version.version])
                .await?;
        }
        Ok(version.version)
    }

    /// `DELETE /subjects/{s}`; returns the deleted version numbers.
    pub async fn delete_subject(
        &self,
        raw_subject: &str,
        permanent: bool,
    ) -> Result<Vec<i32>, RegistryError> {
        let subject = self
            .resolve_alias(&QualifiedSubject::parse(raw_subject))
            .await?;
        if self.effective_mode(&subject).await?.is_read_only() {
            return Err(read_only(&subject));
        }
        let versions = self.store.versions(&subject.context, &subject.name).await?;
        if versions.is_empty() {
            return Err(RegistryError::SubjectNotFound(subject.display()));
        }
        let all_deleted = versions.iter().all(|v| v.deleted);
        if !permanent && all_deleted {
            return Err(RegistryError::SubjectSoftDeleted(subject.display()));
        }
        if permanent && !all_deleted {
            return Err(RegistryError::SubjectNotSoftDeleted(subject.display()));
        }
        let targets: Vec<i32> = versions
            .iter()
            .filter(|v| permanent || !v.deleted)
            .map(|v| v.version)
            .collect();
        for version in &targets {
            self.ensure_unreferenced(&subject, *version, permanent, true)
                .await?;
        }
        if permanent {
            let dropped = self
                .store
                .hard_delete(&subject.context, &subject.name, &targets, &subject.scope())
                .await?;
            self.evict(&subject.context, &dropped);
        } else {
            self.store
                .soft_delete(&subject.context, &subject.name, &targets)
                .await?;
        }
        Ok(targets)
    }

    /// `DELETE /contexts/{ctx}`: only an empty context can go.
    pub async fn delete_context(&self, context: &str) -> Result<(), RegistryError> {
        let holds_versions = self
            .store
            .subjects()
            .await?
            .iter()
            .any(|s| s.context == context);
        if holds_versions {
            return Err(RegistryError::ContextNotEmpty(context.to_owned()));
        }
        self.store.delete_context(context).await?;
        Ok(())
    }
}
