//! URI rewriting before routing: repeated and trailing slashes, and the `/contexts/{ctx}/…`
//! URL form, which Confluent turns into context-qualified subjects (its `ContextFilter`).

use axum::http::Uri;

/// Why a URI could not be rewritten.
#[derive(Debug, PartialEq, Eq)]
pub(super) struct BadContext;

/// Rewrites `uri` for routing; `Err` for a context name containing a colon.
pub(super) fn rewrite(uri: &Uri) -> Result<Option<Uri>, BadContext> {
    let raw_path = uri.path();
    let mut path = collapse_slashes(raw_path);
    let mut query: Vec<(String, String)> = uri
        .query()
        .and_then(|q| serde_urlencoded::from_str(q).ok())
        .unwrap_or_default();
    let mut query_changed = false;
    if let Some(rest) = path.strip_prefix("/contexts/") {
        let (ctx_raw, tail) = match rest.find('/') {
            Some(ix) => (&rest[..ix], &rest[ix..]),
            None => (rest, ""),
        };
        if !tail.is_empty() {
            let context = normalize_context(&percent_decode(ctx_raw))?;
            let prefix = format!(":{context}:");
            let (new_path, qualify_param) = qualify_tail(tail, &prefix);
            path = new_path;
            if let Some(param) = qualify_param {
                let current = query
                    .iter()
                    .position(|(k, _)| k == param)
                    .map(|ix| query.remove(ix).1)
                    .unwrap_or_default();
                let value = if current.starts_with(":.") || current.starts_with(":*:") {
                    current
                } else {
                    format!("{prefix}{current}")
                };
                query.push((param.to_owned(), value));
                query_changed = true;
            }
        }
    }
    if path == raw_path && !query_changed {
        return Ok(None);
    }
    let query_string = if query_changed {
        serde_urlencoded::to_string(&query).unwrap_or_default()
    } else {
        uri.query().unwrap_or("").to_owned()
    };
    let path_and_query = if query_string.is_empty() {
        path
    } else {
        format!("{path}?{query_string}")
    };
    Ok(path_and_query.parse().ok())
}

/// `//` → `/`, and no trailing slash (except for the root).
fn collapse_slashes(path: &str) -> String {
    let mut out = String::with_capacity(path.len());
    for segment in path.split('/').filter(|s| !s.is_empty()) {
        out.push('/');
        out.push_str(segment);
    }
    if out.is_empty() {
        out.push('/');
    }
    out
}

/// `.staging`, `staging` and `:.staging:` all name the context `.staging`.
fn normalize_context(raw: &str) -> Result<String, BadContext> {
    let trimmed = raw.strip_prefix(':').unwrap_or(raw);
    let trimmed = trimmed.strip_suffix(':').unwrap_or(trimmed);
    let context = if trimmed.starts_with('.') {
        trimmed.to_owned()
    } else {
        format!(".{trimmed}")
    };
    if context.contains(':') {
        return Err(BadContext);
    }
    Ok(context)
}

/// Qualifies the subject segment of a context-relative path; names the query parameter to
/// qualify when the path has no subject segment.
fn qualify_tail(tail: &str, prefix: &str) -> (String, Option<&'static str>) {
    let segments: Vec<&str> = tail.trim_start_matches('/').split('/').collect();
    let qualify = |s: &str| {
        let decoded = percent_decode(s);
        if decoded.starts_with(":.") || decoded.starts_with(":*:") {
            s.to_owned()
        } else {
            format!("{prefix}{s}")
        }
    };
    let mut out: Vec<String> = segments.iter().map(|s| (*s).to_owned()).collect();
    let param = match segments.as_slice() {
        ["subjects"] | ["schemas"] => Some("subjectPrefix"),
        ["subjects", s, ..] => {
            out[1] = qualify(s);
            None
        }
        ["config" | "mode"] => {
            out.push(prefix.to_owned());
            None
        }
        ["config" | "mode", s, ..] => {
            out[1] = qualify(s);
            None
        }
        ["compatibility", "subjects", s, ..] => {
            out[2] = qualify(s);
            None
        }
        ["schemas", "ids", ..] => Some("subject"),
        _ => None,
    };
    (format!("/{}", out.join("/")), param)
}

fn percent_decode(s: &str) -> String {
    percent_encoding::percent_decode_str(s)
        .decode_utf8_lossy()
        .into_owned()
}

#[cfg(test)]
mod tests;
