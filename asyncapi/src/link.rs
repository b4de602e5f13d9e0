//! Registry links: a payload `$ref` that names a subject version of the registry.
//!
//! Recognized forms, relative or under one of the configured registry base URLs:
//! `subjects/{subject}/versions/{version}` and `subjects/{subject}/versions/{version}/schema`,
//! where `{version}` is a positive number, `latest` or `-1`, and `{subject}` may be
//! percent-encoded. The crate never looks a link up; the caller's [`crate::Externals`] does.

use std::fmt;

use crate::pointer;

/// A subject version in the registry that a payload links to.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct SchemaLink {
    /// The subject name, percent-decoded.
    pub subject: String,
    /// The version.
    pub version: LinkVersion,
}

/// A version selector in a registry link.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum LinkVersion {
    /// A registered version number (1 or more).
    Number(u32),
    /// The latest version (`latest` or `-1`).
    Latest,
}

impl fmt::Display for LinkVersion {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            LinkVersion::Number(n) => write!(f, "{n}"),
            LinkVersion::Latest => f.write_str("latest"),
        }
    }
}

impl fmt::Display for SchemaLink {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "subjects/{}/versions/{}", self.subject, self.version)
    }
}

/// Recognizes a registry link; `None` for any other reference.
pub(crate) fn parse(reference: &str, base_urls: &[String]) -> Option<SchemaLink> {
    let (path, fragment) = match reference.split_once('#') {
        Some((p, f)) => (p, Some(f)),
        None => (reference, None),
    };
    if fragment.is_some_and(|f| !f.is_empty()) {
        return None;
    }
    let relative = if path.contains("://") {
        base_urls.iter().find_map(|base| {
            path.strip_prefix(base.trim_end_matches('/'))
                .and_then(|rest| rest.strip_prefix('/'))
        })?
    } else {
        path.trim_start_matches("./").trim_start_matches('/')
    };
    let rest = relative.strip_prefix("subjects/")?;
    let rest = rest.strip_suffix("/schema").unwrap_or(rest);
    let (subject, version) = rest.rsplit_once("/versions/")?;
    if subject.is_empty() || subject.contains('/') {
        return None;
    }
    let version = match version {
        "latest" | "-1" => LinkVersion::Latest,
        n => LinkVersion::Number(n.parse::<u32>().ok().filter(|n| *n > 0)?),
    };
    Some(SchemaLink {
        subject: pointer::percent_decode(subject),
        version,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn bases() -> Vec<String> {
        vec!["https://registry.example.com/".to_string()]
    }

    #[test]
    fn recognizes_relative_and_absolute_links() {
        let l = parse("subjects/orders-value/versions/3", &bases()).expect("link");
        assert_eq!(l.subject, "orders-value");
        assert_eq!(l.version, LinkVersion::Number(3));
        let l = parse("/subjects/a%2Fb/versions/latest/schema", &bases()).expect("link");
        assert_eq!(l.subject, "a/b");
        assert_eq!(l.version, LinkVersion::Latest);
        let l = parse(
            "https://registry.example.com/subjects/x/versions/-1",
            &bases(),
        )
        .expect("link");
        assert_eq!(l.version, LinkVersion::Latest);
    }

    #[test]
    fn rejects_other_references() {
        assert!(
            parse(
                "https://elsewhere.example.com/subjects/x/versions/1",
                &bases()
            )
            .is_none()
        );
        assert!(parse("#/components/schemas/x", &bases()).is_none());
        assert!(parse("subjects/x/versions/0", &bases()).is_none());
        assert!(parse("subjects/x/versions/1#/a", &bases()).is_none());
        assert!(parse("./schemas/user.avsc", &bases()).is_none());
    }
}
