//! Subject names with contexts (`:.ctx:name`), and `{version}` selectors.

use super::RegistryError;

/// The default context.
pub const DEFAULT_CONTEXT: &str = ".";
/// The pseudo-context whose config and mode override every context's defaults.
pub(super) const GLOBAL_CONTEXT: &str = ".__GLOBAL";

/// A subject split into its context and its name within the context.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct QualifiedSubject {
    /// Context name, starting with `.`; `.` is the default context.
    pub context: String,
    /// Name within the context; empty when the string names a context itself (`:.ctx:`).
    pub name: String,
}

impl QualifiedSubject {
    /// Parses Confluent's grammar: `name`, `:.ctx:name`, `:.ctx:` or `:.ctx`.
    pub fn parse(raw: &str) -> QualifiedSubject {
        if let Some(rest) = raw.strip_prefix(':').filter(|r| r.starts_with('.')) {
            let (context, name) = match rest.find(':') {
                Some(ix) => (&rest[..ix], &rest[ix + 1..]),
                None => (rest, ""),
            };
            return QualifiedSubject {
                context: context.to_owned(),
                name: name.to_owned(),
            };
        }
        QualifiedSubject {
            context: DEFAULT_CONTEXT.to_owned(),
            name: raw.to_owned(),
        }
    }

    /// Whether this lives in the default context.
    pub fn is_default_context(&self) -> bool {
        self.context == DEFAULT_CONTEXT
    }

    /// The subject as clients see it: qualified outside the default context.
    pub fn display(&self) -> String {
        qualify(&self.context, &self.name)
    }

    /// The config/mode scope key of this subject, or of its context when the name is empty.
    pub fn scope(&self) -> String {
        if self.name.is_empty() {
            context_scope(&self.context)
        } else {
            self.display()
        }
    }

    /// The scope of the level above this subject: its context, or global in the default context.
    pub fn parent_scope(&self) -> String {
        context_scope(&self.context)
    }

    /// Rejects names Confluent rejects (42208).
    pub fn validate(&self, raw: &str) -> Result<(), RegistryError> {
        let reserved = matches!(self.name.as_str(), "__GLOBAL" | "__EMPTY");
        let control = raw.chars().any(char::is_control);
        let bad_context = self.context == GLOBAL_CONTEXT && !self.name.is_empty();
        if reserved || control || bad_context {
            return Err(RegistryError::InvalidSubject(raw.to_owned()));
        }
        Ok(())
    }

    /// Resolves a reference's subject: unqualified names live in the referrer's context.
    pub fn resolve_reference(&self, subject: &str) -> QualifiedSubject {
        let parsed = QualifiedSubject::parse(subject);
        if subject.starts_with(":.") {
            parsed
        } else {
            QualifiedSubject {
                context: self.context.clone(),
                name: parsed.name,
            }
        }
    }
}

/// Displays a subject of a context the way Confluent does.
pub fn qualify(context: &str, name: &str) -> String {
    if context == DEFAULT_CONTEXT {
        name.to_owned()
    } else {
        format!(":{context}:{name}")
    }
}

/// The config/mode scope key of a context: `` for the default context (global).
pub fn context_scope(context: &str) -> String {
    if context == DEFAULT_CONTEXT {
        String::new()
    } else {
        format!(":{context}:")
    }
}

/// A `{version}` path parameter.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum VersionSelector {
    /// `latest` or `-1`: the newest live version.
    Latest,
    /// An explicit version number (≥ 1).
    Number(i32),
}

impl VersionSelector {
    /// Parses Confluent's version forms; anything else is 42202.
    pub fn parse(raw: &str) -> Result<VersionSelector, RegistryError> {
        let trimmed = raw.trim();
        if trimmed.eq_ignore_ascii_case("latest") {
            return Ok(VersionSelector::Latest);
        }
        match trimmed.parse::<i32>() {
            Ok(-1) => Ok(VersionSelector::Latest),
            Ok(n) if n >= 1 => Ok(VersionSelector::Number(n)),
            _ => Err(RegistryError::InvalidVersion(raw.to_owned())),
        }
    }

    /// The number Confluent prints in "Version N not found." (`latest` prints as -1).
    pub fn printed(self) -> i32 {
        match self {
            VersionSelector::Latest => -1,
            VersionSelector::Number(n) => n,
        }
    }
}
