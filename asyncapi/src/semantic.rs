//! The semantic rules of the official parser that a JSON Schema cannot express: parameters
//! against addresses, references between servers, channels, operations and messages, unique
//! ids and tags, server variables and security requirements.

use std::collections::{BTreeSet, HashMap};

use serde_json::Value;

use crate::diagnostic::{Diagnostic, rules};
use crate::model::{SpecVersion, entries, raw_at};
use crate::pointer;

/// Runs every semantic rule for the document's major version.
pub(crate) fn check(version: SpecVersion, raw: &Value, resolved: &Value) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    if version.major == 2 {
        v2(resolved, &mut out);
    } else {
        v3(raw, resolved, &mut out);
    }
    out
}

/// `{name}` placeholders in an address or URL, in order.
fn placeholders(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut rest = text;
    while let Some(start) = rest.find('{') {
        let after = &rest[start + 1..];
        let Some(end) = after.find('}') else { break };
        out.push(after[..end].to_string());
        rest = &after[end + 1..];
    }
    out
}

fn parameters_match(
    rule: &'static str,
    address: &str,
    params: Option<&Value>,
    at: &str,
    out: &mut Vec<Diagnostic>,
) {
    let used: BTreeSet<String> = placeholders(address).into_iter().collect();
    // As the official parser: an address without placeholders is not checked.
    if used.is_empty() {
        return;
    }
    let declared: BTreeSet<String> = entries(params).map(|(k, _)| k.to_string()).collect();
    for missing in used.difference(&declared) {
        out.push(Diagnostic::error(
            rule,
            at,
            format!("parameter {missing} of address {address} is not declared in parameters"),
        ));
    }
    for unused in declared.difference(&used) {
        out.push(Diagnostic::error(
            rule,
            pointer::push(&format!("{at}/parameters"), unused),
            format!("parameter {unused} is declared but not used in address {address}"),
        ));
    }
}

fn v2(doc: &Value, out: &mut Vec<Diagnostic>) {
    let servers = doc.get("servers");
    let schemes = doc.get("components").and_then(|c| c.get("securitySchemes"));
    for (name, server) in entries(servers) {
        let at = pointer::push("/servers", name);
        if let Some(url) = server.get("url").and_then(Value::as_str) {
            server_variables(rules::SERVER_VARIABLES_V2, url, server, &at, out);
        }
        security(
            rules::SERVER_SECURITY_V2,
            server.get("security"),
            schemes,
            &at,
            out,
        );
    }
    let mut operation_ids: HashMap<String, String> = HashMap::new();
    let mut message_ids: HashMap<String, (String, Value)> = HashMap::new();
    tags(rules::TAGS_UNIQUENESS_V2, doc.get("tags"), "", out);
    for (name, ch) in entries(doc.get("channels")) {
        let at = pointer::push("/channels", name);
        if name.contains('?') || name.contains('#') {
            out.push(Diagnostic::error(
                rules::CHANNEL_NO_QUERY_NOR_FRAGMENT,
                &at,
                format!("channel {name} must not contain a query or a fragment"),
            ));
        }
        parameters_match(
            rules::CHANNEL_PARAMETERS_V2,
            name,
            ch.get("parameters"),
            &at,
            out,
        );
        for (i, s) in ch
            .get("servers")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .enumerate()
        {
            if let Some(s) = s.as_str()
                && servers.and_then(|v| v.get(s)).is_none()
            {
                out.push(Diagnostic::error(
                    rules::CHANNEL_SERVERS_V2,
                    format!("{at}/servers/{i}"),
                    format!("channel {name} names server {s}, which is not declared in servers"),
                ));
            }
        }
        for verb in ["publish", "subscribe"] {
            let Some(op) = ch.get(verb) else { continue };
            let op_at = format!("{at}/{verb}");
            if let Some(id) = op.get("operationId").and_then(Value::as_str) {
                if let Some(first) = operation_ids.get(id) {
                    out.push(Diagnostic::error(
                        rules::OPERATION_ID_UNIQUENESS,
                        format!("{op_at}/operationId"),
                        format!("operationId {id} is already used by {first}"),
                    ));
                } else {
                    operation_ids.insert(id.to_string(), op_at.clone());
                }
            }
            security(
                rules::OPERATION_SECURITY_V2,
                op.get("security"),
                schemes,
                &op_at,
                out,
            );
            tags(rules::TAGS_UNIQUENESS_V2, op.get("tags"), &op_at, out);
            traits_tags(op, &op_at, out);
            let Some(message) = op.get("message") else {
                continue;
            };
            let m_at = format!("{op_at}/message");
            let list: Vec<(String, &Value)> = match message.get("oneOf").and_then(Value::as_array) {
                Some(items) => items
                    .iter()
                    .enumerate()
                    .map(|(i, m)| (format!("{m_at}/oneOf/{i}"), m))
                    .collect(),
                None => vec![(m_at, message)],
            };
            for (m_at, m) in list {
                tags(rules::TAGS_UNIQUENESS_V2, m.get("tags"), &m_at, out);
                traits_tags(m, &m_at, out);
                if let Some(id) = m.get("messageId").and_then(Value::as_str) {
                    match message_ids.get(id) {
                        // The same definition reached twice through `$ref` is one message.
                        Some((_, first)) if first == m => {}
                        Some((first_at, _)) => out.push(Diagnostic::error(
                            rules::MESSAGE_ID_UNIQUENESS,
                            format!("{m_at}/messageId"),
                            format!("messageId {id} is already used by {first_at}"),
                        )),
                        None => {
                            message_ids.insert(id.to_string(), (m_at.clone(), m.clone()));
                        }
                    }
                }
            }
        }
    }
    if let Some(components) = doc.get("components") {
        for kind in ["messages", "messageTraits", "operationTraits"] {
            for (key, item) in entries(components.get(kind)) {
                let at = pointer::push(&format!("/components/{kind}"), key);
                tags(rules::TAGS_UNIQUENESS_V2, item.get("tags"), &at, out);
                traits_tags(item, &at, out);
            }
        }
    }
}

fn traits_tags(object: &Value, at: &str, out: &mut Vec<Diagnostic>) {
    for (i, t) in object
        .get("traits")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .enumerate()
    {
        tags(
            rules::TAGS_UNIQUENESS_V2,
            t.get("tags"),
            &format!("{at}/traits/{i}"),
            out,
        );
    }
}

fn tags(rule: &'static str, list: Option<&Value>, at: &str, out: &mut Vec<Diagnostic>) {
    let mut seen = BTreeSet::new();
    for (i, t) in list
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .enumerate()
    {
        if let Some(name) = t.get("name").and_then(Value::as_str)
            && !seen.insert(name)
        {
            out.push(Diagnostic::error(
                rule,
                format!("{at}/tags/{i}/name"),
                format!("tag {name} appears more than once"),
            ));
        }
    }
}

fn server_variables(
    rule: &'static str,
    url: &str,
    server: &Value,
    at: &str,
    out: &mut Vec<Diagnostic>,
) {
    let used: BTreeSet<String> = placeholders(url).into_iter().collect();
    // As the official parser: a URL without placeholders is not checked.
    if used.is_empty() {
        return;
    }
    let declared: BTreeSet<String> = entries(server.get("variables"))
        .map(|(k, _)| k.to_string())
        .collect();
    for missing in used.difference(&declared) {
        out.push(Diagnostic::error(
            rule,
            at,
            format!("server variable {missing} is not declared in variables"),
        ));
    }
    for unused in declared.difference(&used) {
        out.push(Diagnostic::error(
            rule,
            pointer::push(&format!("{at}/variables"), unused),
            format!("server variable {unused} is declared but not used"),
        ));
    }
}

/// 2.x security requirements: `{scheme name: [scopes]}` naming declared schemes; scopes only
/// for OAuth2 (declared in a flow) and OpenID Connect.
fn security(
    rule: &'static str,
    requirements: Option<&Value>,
    schemes: Option<&Value>,
    at: &str,
    out: &mut Vec<Diagnostic>,
) {
    for (i, req) in requirements
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .enumerate()
    {
        for (name, scopes) in entries(Some(req)) {
            let req_at = pointer::push(&format!("{at}/security/{i}"), name);
            let Some(scheme) = schemes.and_then(|s| s.get(name)) else {
                out.push(Diagnostic::error(
                    rule,
                    req_at,
                    format!("security scheme {name} is not declared in components.securitySchemes"),
                ));
                continue;
            };
            let scopes: Vec<&str> = scopes
                .as_array()
                .into_iter()
                .flatten()
                .filter_map(Value::as_str)
                .collect();
            match scheme.get("type").and_then(Value::as_str) {
                Some("oauth2") => {
                    let declared: BTreeSet<&str> = entries(scheme.get("flows"))
                        .flat_map(|(_, flow)| {
                            entries(flow.get("scopes").or_else(|| flow.get("availableScopes")))
                                .map(|(k, _)| k)
                        })
                        .collect();
                    for s in scopes.iter().filter(|s| !declared.contains(*s)) {
                        out.push(Diagnostic::error(
                            rule,
                            req_at.clone(),
                            format!("scope {s} is not declared by security scheme {name}"),
                        ));
                    }
                }
                Some("openIdConnect") => {}
                _ if !scopes.is_empty() => out.push(Diagnostic::error(
                    rule,
                    req_at,
                    format!("security scheme {name} takes no scopes"),
                )),
                _ => {}
            }
        }
    }
}

fn v3(raw: &Value, doc: &Value, out: &mut Vec<Diagnostic>) {
    for (name, server) in entries(doc.get("servers")) {
        let at = pointer::push("/servers", name);
        let host = server
            .get("host")
            .and_then(Value::as_str)
            .unwrap_or_default();
        let path = server
            .get("pathname")
            .and_then(Value::as_str)
            .unwrap_or_default();
        server_variables(
            rules::SERVER_VARIABLES_V3,
            &format!("{host}{path}"),
            server,
            &at,
            out,
        );
    }
    tags(
        rules::TAGS_UNIQUENESS_V3,
        doc.get("info").and_then(|i| i.get("tags")),
        "/info",
        out,
    );
    for (name, ch) in entries(doc.get("channels")) {
        let at = pointer::push("/channels", name);
        // 3.x: only channels that declare parameters are checked, as the official parser does.
        if let (Some(address), Some(_)) = (
            ch.get("address").and_then(Value::as_str),
            ch.get("parameters"),
        ) {
            parameters_match(
                rules::CHANNEL_PARAMETERS_V3,
                address,
                ch.get("parameters"),
                &at,
                out,
            );
        }
        let servers_at = format!("{at}/servers");
        if let Some(list) = raw_at(raw, &servers_at).and_then(Value::as_array) {
            for (i, s) in list.iter().enumerate() {
                let r = s.get("$ref").and_then(Value::as_str).unwrap_or_default();
                let ok = r
                    .strip_prefix("#/servers/")
                    .is_some_and(|rest| pointer::get(raw, &format!("/servers/{rest}")).is_some());
                if !ok {
                    out.push(Diagnostic::error(
                        rules::CHANNEL_SERVERS_V3,
                        format!("{servers_at}/{i}"),
                        format!(
                            "channel {name} lists a server that is not a reference to #/servers"
                        ),
                    ));
                }
            }
        }
    }
    for (key, op) in entries(doc.get("operations")) {
        let at = pointer::push("/operations", key);
        let channel_ref = raw_at(raw, &at)
            .and_then(|o| o.get("channel"))
            .and_then(|c| c.get("$ref"))
            .and_then(Value::as_str);
        let channel_target = channel_ref.and_then(|r| r.strip_prefix('#'));
        match channel_target {
            Some(t) if t.starts_with("/channels/") => {}
            _ => out.push(Diagnostic::error(
                rules::OPERATION_CHANNEL,
                format!("{at}/channel"),
                format!("operation {key} must reference a channel of #/channels"),
            )),
        }
        let Some(channel_target) = channel_target else {
            continue;
        };
        // As the official parser: each message must be referenced through the channel's own
        // `messages` (the same definition reached through `#/components` does not count).
        let prefix = format!("{channel_target}/messages/");
        let listed = raw_at(raw, &at)
            .and_then(|o| o.get("messages"))
            .and_then(Value::as_array);
        for (i, m) in listed.into_iter().flatten().enumerate() {
            let Some(r) = m.get("$ref").and_then(Value::as_str) else {
                continue;
            };
            let from_channel = r
                .strip_prefix('#')
                .map(pointer::percent_decode)
                .is_some_and(|p| p.starts_with(&prefix));
            if !from_channel {
                out.push(Diagnostic::error(
                    rules::OPERATION_MESSAGES_FROM_CHANNEL,
                    format!("{at}/messages/{i}"),
                    format!("operation {key} lists message {r}, which is not one of its channel's messages"),
                ));
            }
        }
        tags(rules::TAGS_UNIQUENESS_V3, op.get("tags"), &at, out);
    }
    if let Some(components) = doc.get("components") {
        for kind in ["messages", "operations", "messageTraits", "operationTraits"] {
            for (key, item) in entries(components.get(kind)) {
                let at = pointer::push(&format!("/components/{kind}"), key);
                tags(rules::TAGS_UNIQUENESS_V3, item.get("tags"), &at, out);
            }
        }
    }
    for (name, ch) in entries(doc.get("channels")) {
        let at = pointer::push("/channels", name);
        for (key, m) in entries(ch.get("messages")) {
            let m_at = pointer::push(&format!("{at}/messages"), key);
            tags(rules::TAGS_UNIQUENESS_V3, m.get("tags"), &m_at, out);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn placeholders_in_order() {
        assert_eq!(placeholders("user/{id}/{action}"), ["id", "action"]);
        assert!(placeholders("plain").is_empty());
        assert!(placeholders("broken/{x").is_empty());
    }
}
