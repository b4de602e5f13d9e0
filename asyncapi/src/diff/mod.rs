//! The diff between two versions of a document, classified for the document's consumers.
//!
//! Both versions are compared on their typed [`crate::Model`]. Servers, channels,
//! operations and messages are matched by identity — the keys of `servers`, `channels` and
//! (3.x) `operations` and channel `messages`; in 2.x an operation is its channel plus
//! `publish`/`subscribe` and a message its `messageId`, else its `name`, else its place. An
//! unmatched pair that still describes the same thing (a 3.x channel with the same address, an
//! operation with the same channel and action, a message with the same name or payload on the
//! same channel) is reported as a rename and then compared like a matched pair.
//!
//! Every change is judged from the point of view of the *consumers*: the other applications
//! that receive what the documented application sends and send what it receives. Taking
//! something away from them is breaking, adding is not, and payload and headers changes are
//! judged by `accord-compat` in the direction the data flows (see [`payload`]). What cannot
//! be judged (bindings, parameter schemas, formats Accord does not read) is unclassified.
//!
//! A definition reached through `$ref` from several places (a shared message or schema) is
//! compared once, and its changes are reported once, at the shared definition.

mod payload;

use std::collections::{BTreeMap, BTreeSet};

use serde_json::Value;

use crate::model::{Action, Channel, Message, Model, Operation, Server};
use crate::{Document, Externals, pointer};

/// How a change affects the document's consumers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Classification {
    /// Consumers written against the old document may break.
    Breaking,
    /// Consumers written against the old document keep working.
    NonBreaking,
    /// The effect on consumers cannot be judged.
    Unclassified,
}

impl Classification {
    /// `breaking`, `non-breaking` or `unclassified`.
    pub fn as_str(self) -> &'static str {
        match self {
            Classification::Breaking => "breaking",
            Classification::NonBreaking => "non-breaking",
            Classification::Unclassified => "unclassified",
        }
    }
}

impl std::fmt::Display for Classification {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One change between two versions of a document.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Change {
    /// Stable id of the kind of change, for example `channel-removed`, `channel-added`,
    /// `channel-renamed`, `channel-address-changed`, `operation-removed`, `message-removed`,
    /// `server-removed`, `payload-field-removed`, `payload-field-added`,
    /// `payload-field-type-changed`, `payload-incompatible`, `headers-field-removed`.
    pub kind: &'static str,
    /// How the change affects consumers.
    pub classification: Classification,
    /// JSON pointer into the new document's resolved tree (the old one for removals).
    pub pointer: String,
    /// Human sentence naming what changed and where.
    pub message: String,
}

impl Change {
    fn new(
        kind: &'static str,
        classification: Classification,
        pointer: impl Into<String>,
        message: impl Into<String>,
    ) -> Change {
        Change {
            kind,
            classification,
            pointer: pointer.into(),
            message: message.into(),
        }
    }
}

/// Every change between two versions of a document, in a deterministic order (by pointer,
/// then kind, then message).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DiffReport {
    /// The changes.
    pub changes: Vec<Change>,
}

impl DiffReport {
    /// The breaking changes.
    pub fn breaking(&self) -> impl Iterator<Item = &Change> {
        self.changes
            .iter()
            .filter(|c| c.classification == Classification::Breaking)
    }

    /// True when any change is breaking.
    pub fn has_breaking(&self) -> bool {
        self.breaking().next().is_some()
    }
}

use Classification::{Breaking, NonBreaking, Unclassified};

/// The changes from `old` to `new`, judged from the point of view of the document's consumers.
/// Registry links in payloads and headers are read through `externals`.
pub fn diff(old: &Document, new: &Document, externals: &dyn Externals) -> DiffReport {
    let mut d = Differ {
        old,
        new,
        externals,
        changes: Vec::new(),
        channel_map: BTreeMap::new(),
        server_map: BTreeMap::new(),
        removed_channels: BTreeSet::new(),
        added_channels: BTreeSet::new(),
        judged: BTreeSet::new(),
    };
    d.servers();
    d.channels();
    d.operations();
    d.messages();
    let mut changes = d.changes;
    changes.sort_by(|a, b| (&a.pointer, a.kind, &a.message).cmp(&(&b.pointer, b.kind, &b.message)));
    changes.dedup();
    DiffReport { changes }
}

struct Differ<'a> {
    old: &'a Document,
    new: &'a Document,
    externals: &'a dyn Externals,
    changes: Vec<Change>,
    /// Old channel name → new channel name, for matched and renamed channels.
    channel_map: BTreeMap<String, String>,
    /// Old server name → new server name, for matched and renamed servers.
    server_map: BTreeMap<String, String>,
    /// Old channels without a counterpart.
    removed_channels: BTreeSet<String>,
    /// New channels without a counterpart.
    added_channels: BTreeSet<String>,
    /// Definitions (old origin, new origin, directions) whose contents were compared already.
    judged: BTreeSet<(String, String, Directions)>,
}

/// Who reads a message: its consumers (the application sends it), the application (it
/// receives it), or both. Unknown when no operation uses the message.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) struct Directions {
    pub(crate) sent: bool,
    pub(crate) received: bool,
}

impl Directions {
    fn phrase(self) -> &'static str {
        match (self.sent, self.received) {
            (true, false) => "sent to consumers",
            (false, true) => "received from consumers",
            (true, true) => "sent and received",
            (false, false) => "used by no operation",
        }
    }
}

/// Pairs items of two lists by a key; `None` keys never match.
fn pair_by<'a, T, K: Ord>(
    old: &'a [T],
    new: &'a [T],
    old_key: impl Fn(&T) -> K,
    new_key: impl Fn(&T) -> K,
) -> (Vec<(&'a T, &'a T)>, Vec<&'a T>, Vec<&'a T>) {
    let new_index: BTreeMap<K, &T> = new.iter().map(|n| (new_key(n), n)).collect();
    let old_keys: BTreeSet<K> = old.iter().map(&old_key).collect();
    let mut matched = Vec::new();
    let mut removed = Vec::new();
    for o in old {
        match new_index.get(&old_key(o)) {
            Some(n) => matched.push((o, *n)),
            None => removed.push(o),
        }
    }
    let added = new
        .iter()
        .filter(|n| !old_keys.contains(&new_key(n)))
        .collect();
    (matched, removed, added)
}

/// Pairs leftovers of [`pair_by`] that `same` says are one thing renamed (first match wins).
fn pair_renames<'a, T>(
    removed: &mut Vec<&'a T>,
    added: &mut Vec<&'a T>,
    same: impl Fn(&T, &T) -> bool,
) -> Vec<(&'a T, &'a T)> {
    let mut renamed = Vec::new();
    let mut i = 0;
    while i < removed.len() {
        let Some(o) = removed.get(i).copied() else {
            break;
        };
        if let Some(j) = added.iter().position(|n| same(o, n)) {
            let n = added.remove(j);
            removed.remove(i);
            renamed.push((o, n));
        } else {
            i += 1;
        }
    }
    renamed
}

impl Differ<'_> {
    fn push(
        &mut self,
        kind: &'static str,
        classification: Classification,
        pointer: &str,
        message: String,
    ) {
        self.changes
            .push(Change::new(kind, classification, pointer, message));
    }

    fn is_v3(&self) -> bool {
        self.new.model.version.major >= 3 && self.old.model.version.major >= 3
    }

    // ---- servers -------------------------------------------------------------------------

    fn servers(&mut self) {
        let (old, new) = (&self.old.model.servers, &self.new.model.servers);
        let (matched, mut removed, mut added) =
            pair_by(old, new, |s| s.name.clone(), |s| s.name.clone());
        let renamed = pair_renames(&mut removed, &mut added, |o, n| {
            o.host == n.host && o.protocol == n.protocol && o.pathname == n.pathname
        });
        for s in removed {
            self.push(
                "server-removed",
                Breaking,
                &s.pointer,
                format!("server {} ({}) was removed", s.name, s.host),
            );
        }
        for s in added {
            self.push(
                "server-added",
                NonBreaking,
                &s.pointer,
                format!("server {} ({}) was added", s.name, s.host),
            );
        }
        for (o, n) in &renamed {
            self.push(
                "server-renamed",
                NonBreaking,
                &n.pointer,
                format!(
                    "server {} was renamed to {} (same host {})",
                    o.name, n.name, n.host
                ),
            );
        }
        for (o, n) in matched.into_iter().chain(renamed) {
            self.server_map.insert(o.name.clone(), n.name.clone());
            self.server_pair(o, n);
        }
    }

    fn server_pair(&mut self, o: &Server, n: &Server) {
        let name = &n.name;
        if o.host != n.host || o.pathname != n.pathname {
            self.push(
                "server-address-changed",
                Breaking,
                &n.pointer,
                format!(
                    "server {name} moved from {}{} to {}{}",
                    o.host,
                    o.pathname.as_deref().unwrap_or_default(),
                    n.host,
                    n.pathname.as_deref().unwrap_or_default()
                ),
            );
        }
        if o.protocol != n.protocol || o.protocol_version != n.protocol_version {
            self.push(
                "server-protocol-changed",
                Breaking,
                &n.pointer,
                format!(
                    "server {name} protocol changed from {} to {}",
                    o.protocol, n.protocol
                ),
            );
        }
        for v in o.variables.iter().filter(|v| !n.variables.contains(v)) {
            self.push(
                "server-variable-removed",
                Unclassified,
                &n.pointer,
                format!("server {name} no longer declares variable {v}"),
            );
        }
        for v in n.variables.iter().filter(|v| !o.variables.contains(v)) {
            self.push(
                "server-variable-added",
                Unclassified,
                &n.pointer,
                format!("server {name} declares a new variable {v}"),
            );
        }
        if o.bindings != n.bindings {
            self.push(
                "server-bindings-changed",
                Unclassified,
                &format!("{}/bindings", n.pointer),
                format!("bindings of server {name} changed"),
            );
        }
    }

    // ---- channels ------------------------------------------------------------------------

    fn channels(&mut self) {
        let (old, new) = (&self.old.model.channels, &self.new.model.channels);
        let (matched, mut removed, mut added) =
            pair_by(old, new, |c| c.name.clone(), |c| c.name.clone());
        // Same address under another key: a rename (2.x names are their addresses, so two
        // 2.x versions never pair here; a 2.x to 3.x migration does).
        let renamed = pair_renames(&mut removed, &mut added, |o, n| {
            o.address.is_some() && o.address == n.address
        });
        for c in &removed {
            self.removed_channels.insert(c.name.clone());
            self.push(
                "channel-removed",
                Breaking,
                &c.pointer,
                format!("channel {} was removed", label(c)),
            );
        }
        for c in &added {
            self.added_channels.insert(c.name.clone());
            self.push(
                "channel-added",
                NonBreaking,
                &c.pointer,
                format!("channel {} was added", label(c)),
            );
        }
        for (o, n) in &renamed {
            self.push(
                "channel-renamed",
                NonBreaking,
                &n.pointer,
                format!(
                    "channel {} was renamed to {} (same address {})",
                    o.name,
                    n.name,
                    n.address.as_deref().unwrap_or_default()
                ),
            );
        }
        for (o, n) in matched.into_iter().chain(renamed) {
            self.channel_map.insert(o.name.clone(), n.name.clone());
            self.channel_pair(o, n);
        }
    }

    fn channel_pair(&mut self, o: &Channel, n: &Channel) {
        let name = &n.name;
        if o.address != n.address {
            self.push(
                "channel-address-changed",
                Breaking,
                &n.pointer,
                format!(
                    "address of channel {name} changed from {} to {}",
                    o.address.as_deref().unwrap_or("(none)"),
                    n.address.as_deref().unwrap_or("(none)")
                ),
            );
        }
        let (matched, removed, added) = pair_by(
            &o.parameters,
            &n.parameters,
            |p| p.name.clone(),
            |p| p.name.clone(),
        );
        let params = format!("{}/parameters", n.pointer);
        for p in removed {
            self.push(
                "channel-parameter-removed",
                Unclassified,
                &pointer::push(&format!("{}/parameters", o.pointer), &p.name),
                format!("channel {name} no longer has parameter {}", p.name),
            );
        }
        for p in added {
            self.push(
                "channel-parameter-added",
                Unclassified,
                &pointer::push(&params, &p.name),
                format!("channel {name} has a new parameter {}", p.name),
            );
        }
        for (po, pn) in matched {
            if strip_docs(&po.value) != strip_docs(&pn.value) {
                self.push(
                    "channel-parameter-changed",
                    Unclassified,
                    &pointer::push(&params, &pn.name),
                    format!("parameter {} of channel {name} changed", pn.name),
                );
            }
        }
        // Listing no servers means every server: changes to the server list itself are
        // reported as server-added / server-removed.
        if !(o.servers.is_empty() && n.servers.is_empty()) {
            let old_servers: BTreeSet<String> = effective_servers(&o.servers, &self.old.model)
                .into_iter()
                .filter_map(|s| self.server_map.get(&s).cloned())
                .collect();
            let new_servers = effective_servers(&n.servers, &self.new.model);
            for s in old_servers.difference(&new_servers) {
                self.push(
                    "channel-server-removed",
                    Breaking,
                    &n.pointer,
                    format!("channel {name} is no longer available on server {s}"),
                );
            }
            for s in new_servers.difference(&old_servers) {
                self.push(
                    "channel-server-added",
                    NonBreaking,
                    &n.pointer,
                    format!("channel {name} is now also available on server {s}"),
                );
            }
        }
        if o.bindings != n.bindings {
            self.push(
                "channel-bindings-changed",
                Unclassified,
                &format!("{}/bindings", n.pointer),
                format!("bindings of channel {name} changed"),
            );
        }
    }

    /// An old channel name in the new document's terms.
    fn map_channel(&self, old_name: &str) -> String {
        self.channel_map
            .get(old_name)
            .cloned()
            .unwrap_or_else(|| format!("\u{0}removed:{old_name}"))
    }

    // ---- operations ----------------------------------------------------------------------

    fn operation_key(&self, op: &Operation, old: bool) -> String {
        if self.is_v3() {
            return op.id.clone();
        }
        let channel = if old {
            self.map_channel(&op.channel)
        } else {
            op.channel.clone()
        };
        format!("{channel}\u{0}{}", verb(op.action))
    }

    fn operations(&mut self) {
        let (old, new) = (&self.old.model.operations, &self.new.model.operations);
        let (matched, mut removed, mut added) = pair_by(
            old,
            new,
            |o| self.operation_key(o, true),
            |n| self.operation_key(n, false),
        );
        let renamed = pair_renames(&mut removed, &mut added, |o, n| {
            o.action == n.action && self.map_channel(&o.channel) == n.channel
        });
        let mut out = Vec::new();
        for o in removed {
            if !self.removed_channels.contains(&o.channel) {
                out.push(Change::new(
                    "operation-removed",
                    Breaking,
                    &o.pointer,
                    format!(
                        "operation {} ({} on channel {}) was removed",
                        o.id,
                        action_word(o.action),
                        o.channel
                    ),
                ));
            }
        }
        for n in added {
            if !self.added_channels.contains(&n.channel) {
                out.push(Change::new(
                    "operation-added",
                    NonBreaking,
                    &n.pointer,
                    format!(
                        "operation {} ({} on channel {}) was added",
                        n.id,
                        action_word(n.action),
                        n.channel
                    ),
                ));
            }
        }
        for (o, n) in &renamed {
            out.push(Change::new(
                "operation-renamed",
                NonBreaking,
                &n.pointer,
                format!(
                    "operation {} was renamed to {} ({} on channel {})",
                    o.id,
                    n.id,
                    action_word(n.action),
                    n.channel
                ),
            ));
        }
        for (o, n) in matched.into_iter().chain(renamed) {
            self.operation_pair(o, n, &mut out);
        }
        self.changes.extend(out);
    }

    fn operation_pair(&self, o: &Operation, n: &Operation, out: &mut Vec<Change>) {
        let id = &n.id;
        if o.action != n.action {
            out.push(Change::new(
                "operation-action-changed",
                Breaking,
                &n.pointer,
                format!(
                    "operation {id} now {}s instead of {}ing",
                    action_word(n.action),
                    action_word(o.action).trim_end_matches('e')
                ),
            ));
        }
        if self.map_channel(&o.channel) != n.channel {
            out.push(Change::new(
                "operation-channel-changed",
                Breaking,
                &n.pointer,
                format!(
                    "operation {id} moved from channel {} to channel {}",
                    o.channel, n.channel
                ),
            ));
        }
        // 2.x identifies operations by channel and verb; `operationId` is a name only.
        if !self.is_v3() && o.operation_id != n.operation_id {
            out.push(Change::new(
                "operation-id-changed",
                NonBreaking,
                &n.pointer,
                format!(
                    "operationId of {} {} changed from {} to {}",
                    verb(n.action),
                    n.channel,
                    o.operation_id.as_deref().unwrap_or("(none)"),
                    n.operation_id.as_deref().unwrap_or("(none)")
                ),
            ));
        }
        if o.bindings != n.bindings {
            out.push(Change::new(
                "operation-bindings-changed",
                Unclassified,
                format!("{}/bindings", n.pointer),
                format!("bindings of operation {id} changed"),
            ));
        }
        if o.reply != n.reply {
            out.push(Change::new(
                "operation-reply-changed",
                Unclassified,
                format!("{}/reply", n.pointer),
                format!("reply of operation {id} changed"),
            ));
        }
    }

    // ---- messages ------------------------------------------------------------------------

    /// The messages of a model that belong to the API (used by a channel or an operation),
    /// with their identity key.
    fn message_sites<'m>(&self, model: &'m Model, old: bool) -> Vec<Site<'m>> {
        model
            .messages
            .iter()
            .filter(|m| !m.id.starts_with("components/"))
            .map(|m| {
                let channels = channels_of(model, &m.id);
                let key = if self.is_v3() {
                    let (channel, key) = v3_message_place(&m.pointer);
                    let channel = if old {
                        self.map_channel(&channel)
                    } else {
                        channel
                    };
                    format!("{channel}\u{0}{key}")
                } else {
                    m.message_id
                        .clone()
                        .or_else(|| m.name.clone())
                        .unwrap_or_else(|| m.id.clone())
                };
                let channels = channels
                    .into_iter()
                    .map(|c| if old { self.map_channel(&c) } else { c })
                    .collect();
                Site {
                    message: m,
                    key,
                    channels,
                    directions: directions_of(model, &m.id),
                }
            })
            .collect()
    }

    fn messages(&mut self) {
        let old_sites = self.message_sites(&self.old.model, true);
        let new_sites = self.message_sites(&self.new.model, false);
        let (matched, mut removed, mut added) =
            pair_by(&old_sites, &new_sites, |s| s.key.clone(), |s| s.key.clone());
        let renamed = pair_renames(&mut removed, &mut added, |o, n| {
            let same_place = o.channels == n.channels;
            let same_name = o.message.name.is_some() && o.message.name == n.message.name;
            let same_payload = o.message.payload.as_ref().map(|p| &p.schema)
                == n.message.payload.as_ref().map(|p| &p.schema)
                && o.message.payload.is_some();
            same_place && (same_name || same_payload)
        });
        for o in removed {
            if o.channels.iter().all(|c| c.starts_with('\u{0}')) && !o.channels.is_empty() {
                continue; // its channels were removed and are reported
            }
            self.push(
                "message-removed",
                Breaking,
                &o.message.pointer,
                format!(
                    "message {} ({}) was removed",
                    o.label(),
                    o.directions.phrase()
                ),
            );
        }
        for n in added {
            if !n.channels.is_empty() && n.channels.iter().all(|c| self.added_channels.contains(c))
            {
                continue;
            }
            self.push(
                "message-added",
                NonBreaking,
                &n.message.pointer,
                format!(
                    "message {} ({}) was added",
                    n.label(),
                    n.directions.phrase()
                ),
            );
        }
        for (o, n) in &renamed {
            self.push(
                "message-renamed",
                NonBreaking,
                &n.message.pointer,
                format!(
                    "message {} was renamed to {} (on channel {})",
                    o.message.id,
                    n.message.id,
                    n.channels.join(", ")
                ),
            );
        }
        for (o, n) in matched.into_iter().chain(renamed) {
            self.message_pair(o, n);
        }
    }

    fn message_pair(&mut self, o: &Site<'_>, n: &Site<'_>) {
        let directions = Directions {
            sent: o.directions.sent || n.directions.sent,
            received: o.directions.received || n.directions.received,
        };
        let old_def = o
            .message
            .origin
            .clone()
            .unwrap_or_else(|| o.message.pointer.clone());
        let new_def = n
            .message
            .origin
            .clone()
            .unwrap_or_else(|| n.message.pointer.clone());
        if !self.judged.insert((old_def, new_def, directions)) {
            return; // the same definition, compared already
        }
        // A shared message definition is reported at the definition, named once.
        let at = shared_pointer(n.message).unwrap_or_else(|| n.message.pointer.clone());
        let label = n.label();
        let (om, nm) = (o.message, n.message);
        if om.content_type != nm.content_type {
            self.push(
                "message-content-type-changed",
                Breaking,
                &at,
                format!(
                    "content type of message {label} changed from {} to {}",
                    om.content_type.as_deref().unwrap_or("(none)"),
                    nm.content_type.as_deref().unwrap_or("(none)")
                ),
            );
        }
        if om.bindings != nm.bindings {
            self.push(
                "message-bindings-changed",
                Unclassified,
                &format!("{at}/bindings"),
                format!("bindings of message {label} changed"),
            );
        }
        if om.correlation_id != nm.correlation_id {
            self.push(
                "message-correlation-id-changed",
                Unclassified,
                &format!("{at}/correlationId"),
                format!("correlation id of message {label} changed"),
            );
        }
        for part in [payload::Part::Payload, payload::Part::Headers] {
            let (op, np) = match part {
                payload::Part::Payload => (&om.payload, &nm.payload),
                payload::Part::Headers => (&om.headers, &nm.headers),
            };
            let context = payload::Context {
                part,
                message: &label,
                directions,
            };
            let changes = payload::compare(
                (self.old, op.as_ref()),
                (self.new, np.as_ref()),
                &context,
                self.externals,
                &mut self.judged,
            );
            self.changes.extend(changes);
        }
    }
}

/// A message as used by the API of one version.
struct Site<'m> {
    message: &'m Message,
    key: String,
    /// Channel names (old ones mapped to the new document's names).
    channels: Vec<String>,
    directions: Directions,
}

impl Site<'_> {
    /// `messageId`, else `name`, else the 3.x key, else the model id.
    fn name(&self) -> String {
        let m = self.message;
        m.message_id
            .clone()
            .or_else(|| m.name.clone())
            .or_else(|| {
                let (channel, key) = v3_message_place(&m.pointer);
                (!channel.is_empty()).then_some(key)
            })
            .unwrap_or_else(|| m.id.clone())
    }

    fn label(&self) -> String {
        let name = self.name();
        let channels: Vec<&str> = self
            .channels
            .iter()
            .map(|c| c.trim_start_matches('\u{0}').trim_start_matches("removed:"))
            .collect();
        if channels.is_empty() {
            name.to_string()
        } else {
            format!("{name} on channel {}", channels.join(", "))
        }
    }
}

fn label(c: &Channel) -> String {
    match &c.address {
        Some(a) if a != &c.name => format!("{} (address {a})", c.name),
        _ => c.name.clone(),
    }
}

fn verb(action: Action) -> &'static str {
    match action {
        Action::Send => "subscribe",
        Action::Receive => "publish",
    }
}

fn action_word(action: Action) -> &'static str {
    match action {
        Action::Send => "send",
        Action::Receive => "receive",
    }
}

/// The servers a channel is available on: its list, or every server when it lists none.
fn effective_servers(listed: &[String], model: &Model) -> BTreeSet<String> {
    if listed.is_empty() {
        model.servers.iter().map(|s| s.name.clone()).collect()
    } else {
        listed.iter().cloned().collect()
    }
}

/// A value without `description`, `summary`, `title` and `examples`, which do not change
/// what is on the wire.
fn strip_docs(v: &Value) -> Value {
    match v {
        Value::Object(m) => Value::Object(
            m.iter()
                .filter(|(k, _)| {
                    !matches!(
                        k.as_str(),
                        "description" | "summary" | "title" | "examples" | "x-parser-schema-id"
                    )
                })
                .map(|(k, v)| (k.clone(), strip_docs(v)))
                .collect(),
        ),
        Value::Array(items) => Value::Array(items.iter().map(strip_docs).collect()),
        other => other.clone(),
    }
}

/// The operations' actions on a message.
fn directions_of(model: &Model, message_id: &str) -> Directions {
    let mut d = Directions {
        sent: false,
        received: false,
    };
    for op in &model.operations {
        let uses = op.messages.iter().any(|m| m == message_id)
            || (op.messages.is_empty()
                && model
                    .channel(&op.channel)
                    .is_some_and(|c| c.messages.iter().any(|m| m == message_id)));
        if uses {
            match op.action {
                Action::Send => d.sent = true,
                Action::Receive => d.received = true,
            }
        }
    }
    d
}

/// The names of the channels that carry a message.
fn channels_of(model: &Model, message_id: &str) -> Vec<String> {
    model
        .channels
        .iter()
        .filter(|c| c.messages.iter().any(|m| m == message_id))
        .map(|c| c.name.clone())
        .collect()
}

/// 3.x: the channel and message key from a message pointer `/channels/{c}/messages/{k}`.
fn v3_message_place(ptr: &str) -> (String, String) {
    let tokens: Vec<String> = pointer::tokens(ptr).collect();
    match tokens.as_slice() {
        [first, channel, second, key] if first == "channels" && second == "messages" => {
            (channel.clone(), key.clone())
        }
        _ => (String::new(), tokens.last().cloned().unwrap_or_default()),
    }
}

/// The pointer of the local definition a message was reached through, when it is shared.
fn shared_pointer(m: &Message) -> Option<String> {
    m.origin
        .as_deref()
        .and_then(|o| o.strip_prefix('#'))
        .map(str::to_string)
}
