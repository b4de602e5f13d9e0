//! Confluent's `SchemaDiff` for JSON Schema (with `ObjectSchemaDiff`, `ArraySchemaDiff`,
//! `CombinedSchemaDiff` and the smaller ones): every change from an original schema to an update,
//! at its JSON path, in the order Confluent reports them.
//!
//! Order matters because Confluent's verbose messages expose it: property and dependency names
//! are visited in the order of a Java `HashSet` of their names, which [`java_set_order`]
//! reproduces. A pair of nodes already being compared higher up is a recursive cycle and counts
//! as no change; results are memoized per pair. Depth and work are bounded: a comparison that
//! exceeds them ends with a `CHECK_TOO_COMPLEX` change, which no policy accepts.

use std::collections::{HashMap, HashSet};
use std::rc::Rc;

use super::difference::{CHECK_TOO_COMPLEX, Difference, is_compatible};
use super::model::{
    ArrayKind, Criterion, Kind, Model, Node, NodeId, NumberKind, ObjectKind, pattern_finds,
};
use crate::CompatibilityPolicy;

/// Nested pair comparisons allowed; each is a few stack frames.
const MAX_DEPTH: usize = 200;
/// Pair comparisons allowed per direction (combined schemas compare every pair of branches).
const MAX_WORK: usize = 200_000;

/// Every change from `original` to `update` under `policy`.
pub(super) fn compare(
    original: &Model,
    update: &Model,
    policy: CompatibilityPolicy,
) -> Vec<Difference> {
    let mut differ = Differ {
        o: original,
        u: update,
        policy,
        flipped: false,
        memo: HashMap::new(),
        in_progress: HashSet::new(),
        depth: 0,
        work: 0,
        gave_up: false,
    };
    let mut path = Vec::new();
    let mut out = Vec::new();
    differ.compare(Some(original.root), Some(update.root), &mut path, &mut out);
    if differ.gave_up {
        out.push(Difference::new(CHECK_TOO_COMPLEX, "#/".to_owned()));
    }
    out
}

type Path = Vec<String>;

struct Differ<'a> {
    o: &'a Model,
    u: &'a Model,
    policy: CompatibilityPolicy,
    /// Whether `o` and `u` are swapped (inside a `not`); part of the memo and cycle keys.
    flipped: bool,
    memo: HashMap<(bool, NodeId, NodeId), Rc<Vec<Difference>>>,
    in_progress: HashSet<(bool, NodeId, NodeId)>,
    depth: usize,
    work: usize,
    gave_up: bool,
}

fn path_string(path: &[String]) -> String {
    format!("#/{}", path.join("/"))
}

/// What a removed property is called, by the update's content model: open, partially open
/// and covered, partially open and not covered, `false` schema in a closed model, closed.
const PROPERTY_REMOVED: [&str; 5] = [
    "PROPERTY_REMOVED_FROM_OPEN_CONTENT_MODEL",
    "PROPERTY_REMOVED_IS_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL",
    "PROPERTY_REMOVED_NOT_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL",
    "PROPERTY_WITH_FALSE_REMOVED_FROM_CLOSED_CONTENT_MODEL",
    "PROPERTY_REMOVED_FROM_CLOSED_CONTENT_MODEL",
];

/// The same for a removed tuple item.
const ITEM_REMOVED: [&str; 5] = [
    "ITEM_REMOVED_FROM_OPEN_CONTENT_MODEL",
    "ITEM_REMOVED_IS_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL",
    "ITEM_REMOVED_NOT_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL",
    "ITEM_WITH_FALSE_REMOVED_FROM_CLOSED_CONTENT_MODEL",
    "ITEM_REMOVED_FROM_CLOSED_CONTENT_MODEL",
];

fn add(out: &mut Vec<Difference>, path: &[String], kind: &'static str) {
    out.push(Difference::new(kind, path_string(path)));
}

fn add_at(out: &mut Vec<Difference>, path: &mut Path, attribute: &str, kind: &'static str) {
    path.push(attribute.to_owned());
    add(out, path, kind);
    path.pop();
}

/// Differences computed relative to a pair, moved under `path` (Confluent's `rebase`).
fn rebase(path: &[String], relative: &[Difference], out: &mut Vec<Difference>) {
    if path.is_empty() {
        out.extend(relative.iter().cloned());
        return;
    }
    let prefix = path_string(path);
    for d in relative {
        let rebased = if d.path.len() <= 2 {
            prefix.clone()
        } else {
            format!("{prefix}/{}", &d.path[2..])
        };
        out.push(Difference::new(d.kind, rebased));
    }
}

/// Added/removed/increased/decreased for an optional numeric keyword.
fn limit(
    out: &mut Vec<Difference>,
    path: &mut Path,
    attribute: &str,
    original: Option<f64>,
    update: Option<f64>,
    kinds: [&'static str; 4],
) {
    let [added, removed, increased, decreased] = kinds;
    let kind = match (original, update) {
        (None, Some(_)) => added,
        (Some(_), None) => removed,
        (Some(a), Some(b)) if a < b => increased,
        (Some(a), Some(b)) if a > b => decreased,
        _ => return,
    };
    add_at(out, path, attribute, kind);
}

fn is_empty_schema(kind: &Kind) -> bool {
    matches!(kind, Kind::Empty | Kind::True)
}

impl<'a> Differ<'a> {
    fn compatible(&self, differences: &[Difference]) -> bool {
        differences
            .iter()
            .all(|d| is_compatible(d.kind, self.policy))
    }

    fn compare(
        &mut self,
        original: Option<NodeId>,
        update: Option<NodeId>,
        path: &mut Path,
        out: &mut Vec<Difference>,
    ) {
        let (o, u) = match (original, update) {
            (None, None) => return,
            (None, Some(_)) => return add(out, path, "SCHEMA_ADDED"),
            (Some(_), None) => return add(out, path, "SCHEMA_REMOVED"),
            (Some(o), Some(u)) => (o, u),
        };
        self.work += 1;
        if self.work > MAX_WORK || self.depth >= MAX_DEPTH {
            self.gave_up = true;
            return;
        }
        self.depth += 1;
        self.compare_nodes(o, u, path, out);
        self.depth -= 1;
    }

    /// Follows `$ref`s to the schema they name (Confluent's `normalizeSchema`).
    fn unref(model: &Model, mut id: NodeId) -> NodeId {
        for _ in 0..64 {
            match model.node(id).kind {
                Kind::Ref(target) => id = target,
                _ => break,
            }
        }
        id
    }

    /// Runs `compare` into a fresh list, for a caller that first asks whether it is compatible.
    fn sub(&mut self, o: Option<NodeId>, u: Option<NodeId>, path: &mut Path) -> Vec<Difference> {
        let mut out = Vec::new();
        self.compare(o, u, path, &mut out);
        out
    }

    /// Compares a node of the update (as original) with one of the original (as update): the
    /// models swap roles, and memo and cycle keys record the orientation.
    fn swapped(
        &mut self,
        update_node: NodeId,
        original_node: NodeId,
        path: &mut Path,
    ) -> Vec<Difference> {
        std::mem::swap(&mut self.o, &mut self.u);
        self.flipped = !self.flipped;
        let out = self.sub(Some(update_node), Some(original_node), path);
        std::mem::swap(&mut self.o, &mut self.u);
        self.flipped = !self.flipped;
        out
    }

    fn compare_nodes(&mut self, o: NodeId, u: NodeId, path: &mut Path, out: &mut Vec<Difference>) {
        let (om, um) = (self.o, self.u);
        let o = Self::unref(om, o);
        let u = Self::unref(um, u);
        let (on, un) = (om.node(o), um.node(u));
        match (&on.kind, &un.kind) {
            (Kind::Combined { .. }, Kind::Combined { .. }) => {}
            (
                _,
                Kind::Combined {
                    criterion,
                    subschemas,
                },
            ) => {
                // Singleton unions, and a plain schema that became one branch of a union.
                if subschemas.len() == 1 {
                    let sub = self.sub(Some(o), Some(subschemas[0]), path);
                    if self.compatible(&sub) {
                        out.extend(sub);
                        return;
                    }
                } else if *criterion != Criterion::All {
                    for &branch in subschemas {
                        let sub = self.sub(Some(o), Some(branch), path);
                        if self.compatible(&sub) {
                            out.extend(sub);
                            add(out, path, "SUM_TYPE_EXTENDED");
                            return;
                        }
                    }
                }
            }
            (
                Kind::Combined {
                    criterion,
                    subschemas,
                },
                _,
            ) => {
                // Singleton unions, and an `allOf` reduced to one of its members.
                if subschemas.len() == 1 {
                    let sub = self.sub(Some(subschemas[0]), Some(u), path);
                    if self.compatible(&sub) {
                        out.extend(sub);
                        return;
                    }
                } else if *criterion == Criterion::All {
                    for &member in subschemas {
                        let sub = self.sub(Some(member), Some(u), path);
                        if self.compatible(&sub) {
                            out.extend(sub);
                            add(out, path, "PRODUCT_TYPE_NARROWED");
                            return;
                        }
                    }
                }
            }
            _ => {}
        }
        if !on.kind.same_class(&un.kind) {
            // Nothing can be lost from `false`, nothing is rejected by `{}`/`true`, and Kafka
            // Connect writes bytes with either shape.
            let connect_bytes = on.connect_bytes && un.connect_bytes;
            if !matches!(on.kind, Kind::False) && !is_empty_schema(&un.kind) && !connect_bytes {
                add(out, path, "TYPE_CHANGED");
            }
            return;
        }
        let key = (self.flipped, o, u);
        if let Some(cached) = self.memo.get(&key).cloned() {
            rebase(path, &cached, out);
            return;
        }
        if !self.in_progress.insert(key) {
            // A recursive cycle: assumed compatible, and not cached.
            return;
        }
        let mut relative_path = Vec::new();
        let mut relative = Vec::new();
        self.body(on, un, &mut relative_path, &mut relative);
        self.in_progress.remove(&key);
        let relative = Rc::new(relative);
        self.memo.insert(key, Rc::clone(&relative));
        rebase(path, &relative, out);
    }

    /// Two nodes of the same class: the common attributes, then the class's own rules.
    fn body(&mut self, on: &'a Node, un: &'a Node, path: &mut Path, out: &mut Vec<Difference>) {
        let (oc, uc) = (&on.common, &un.common);
        if oc.id != uc.id {
            add(out, path, "ID_CHANGED");
        }
        if oc.title != uc.title {
            add(out, path, "TITLE_CHANGED");
        }
        if oc.description != uc.description {
            add(out, path, "DESCRIPTION_CHANGED");
        }
        if oc.default != uc.default {
            add(out, path, "DEFAULT_CHANGED");
        }
        match (&on.kind, &un.kind) {
            (
                Kind::String {
                    min_length: o_min,
                    max_length: o_max,
                    pattern: o_pattern,
                },
                Kind::String {
                    min_length: u_min,
                    max_length: u_max,
                    pattern: u_pattern,
                },
            ) => {
                limit(
                    out,
                    path,
                    "maxLength",
                    *o_max,
                    *u_max,
                    [
                        "MAX_LENGTH_ADDED",
                        "MAX_LENGTH_REMOVED",
                        "MAX_LENGTH_INCREASED",
                        "MAX_LENGTH_DECREASED",
                    ],
                );
                limit(
                    out,
                    path,
                    "minLength",
                    *o_min,
                    *u_min,
                    [
                        "MIN_LENGTH_ADDED",
                        "MIN_LENGTH_REMOVED",
                        "MIN_LENGTH_INCREASED",
                        "MIN_LENGTH_DECREASED",
                    ],
                );
                match (o_pattern, u_pattern) {
                    (None, Some(_)) => add_at(out, path, "pattern", "PATTERN_ADDED"),
                    (Some(_), None) => add_at(out, path, "pattern", "PATTERN_REMOVED"),
                    (Some(a), Some(b)) if a != b => {
                        add_at(out, path, "pattern", "PATTERN_CHANGED");
                    }
                    _ => {}
                }
            }
            (Kind::Number(o), Kind::Number(u)) => number(o, u, path, out),
            (Kind::Enum(o), Kind::Enum(u)) => {
                let contains_all = |big: &[serde_json::Value], small: &[serde_json::Value]| {
                    small.iter().all(|v| big.contains(v))
                };
                let same = contains_all(o, u) && contains_all(u, o);
                if !same {
                    let kind = if contains_all(u, o) {
                        "ENUM_ARRAY_EXTENDED"
                    } else if contains_all(o, u) {
                        "ENUM_ARRAY_NARROWED"
                    } else {
                        "ENUM_ARRAY_CHANGED"
                    };
                    add_at(out, path, "enum", kind);
                }
            }
            (Kind::Const(o), Kind::Const(u)) if o != u => {
                add_at(out, path, "const", "ENUM_ARRAY_CHANGED");
            }
            (
                Kind::Combined {
                    criterion: oc,
                    subschemas: os,
                },
                Kind::Combined {
                    criterion: uc,
                    subschemas: us,
                },
            ) => self.combined((*oc, os), (*uc, us), path, out),
            (Kind::Not(o), Kind::Not(u)) => {
                path.push("not".to_owned());
                // The wrapped schemas swap roles: `not` rejects what it matches.
                let sub = self.swapped(*u, *o, path);
                let kind = if self.compatible(&sub) {
                    "NOT_TYPE_NARROWED"
                } else {
                    "NOT_TYPE_EXTENDED"
                };
                add(out, path, kind);
                path.pop();
            }
            (Kind::Object(o), Kind::Object(u)) => self.object(o, u, path, out),
            (Kind::Array(o), Kind::Array(u)) => self.array(o, u, path, out),
            _ => {}
        }
    }

    fn combined(
        &mut self,
        (o_criterion, o_subschemas): (Criterion, &[NodeId]),
        (u_criterion, u_subschemas): (Criterion, &[NodeId]),
        path: &mut Path,
        out: &mut Vec<Difference>,
    ) {
        let criteria_change = if o_criterion == u_criterion {
            None
        } else if u_criterion == Criterion::Any
            || (o_criterion == Criterion::All && u_subschemas.len() == 1)
            || (u_criterion == Criterion::One && o_subschemas.len() == 1)
            || (u_criterion == Criterion::All && o_subschemas.len() == 1 && u_subschemas.len() == 1)
        {
            Some("COMBINED_TYPE_EXTENDED")
        } else {
            Some("COMBINED_TYPE_CHANGED")
        };
        if let Some(kind) = criteria_change {
            add(out, path, kind);
            if kind == "COMBINED_TYPE_CHANGED" {
                return;
            }
        }
        // Duplicate branches collapse, as in Confluent's `LinkedHashSet<JsonSchema>`.
        let originals = distinct(self.o, o_subschemas);
        let updates = distinct(self.u, u_subschemas);
        let (o_size, u_size) = (originals.len(), updates.len());
        if o_size != u_size {
            // Gaining branches is judged by the update's combiner, losing them by the original's.
            let kind = match (o_size < u_size, u_criterion, o_criterion) {
                (true, Criterion::All, _) => "PRODUCT_TYPE_EXTENDED",
                (true, _, _) => "SUM_TYPE_EXTENDED",
                (false, _, Criterion::All) => "PRODUCT_TYPE_NARROWED",
                (false, _, _) => "SUM_TYPE_NARROWED",
            };
            add(out, path, kind);
        }
        let mut edges: Vec<Vec<(usize, Vec<Difference>)>> = Vec::with_capacity(o_size);
        for (index, &o) in originals.iter().enumerate() {
            path.push(format!("{}/{index}", o_criterion.keyword()));
            let mut compatible = Vec::new();
            for (j, &u) in updates.iter().enumerate() {
                let sub = self.sub(Some(o), Some(u), path);
                if self.compatible(&sub) {
                    compatible.push((j, sub));
                }
            }
            path.pop();
            edges.push(compatible);
        }
        let matching = maximum_matching(&edges, u_size);
        for (i, j) in matching.iter().enumerate() {
            let matched = j.and_then(|j| edges[i].iter().find(|(k, _)| *k == j));
            if let Some((_, differences)) = matched {
                out.extend(differences.iter().cloned());
            }
        }
        let matched = matching.iter().filter(|m| m.is_some()).count();
        if matched < o_size.min(u_size) {
            add(out, path, "COMBINED_TYPE_SUBSCHEMAS_CHANGED");
        }
    }

    fn object(
        &mut self,
        o: &ObjectKind,
        u: &ObjectKind,
        path: &mut Path,
        out: &mut Vec<Difference>,
    ) {
        let o_names: Vec<&str> = o.properties.iter().map(|(n, _)| n.as_str()).collect();
        let u_names: Vec<&str> = u.properties.iter().map(|(n, _)| n.as_str()).collect();
        let find = |props: &[(String, NodeId)], name: &str| {
            props.iter().find(|(n, _)| n == name).map(|(_, id)| *id)
        };

        // Required.
        path.push("required".to_owned());
        for name in java_map_order(&o_names) {
            if find(&u.properties, name).is_none() {
                continue;
            }
            let was = o.required.iter().any(|r| r == name);
            let is = u.required.iter().any(|r| r == name);
            if was && !is {
                add_at(out, path, name, "REQUIRED_ATTRIBUTE_REMOVED");
            } else if !was && is {
                let kind = if self.has_default(u, name) {
                    "REQUIRED_ATTRIBUTE_WITH_DEFAULT_ADDED"
                } else {
                    "REQUIRED_ATTRIBUTE_ADDED"
                };
                add_at(out, path, name, kind);
            }
        }
        path.pop();

        // Properties.
        path.push("properties".to_owned());
        for name in java_set_order(&o_names, &u_names) {
            path.push(name.to_owned());
            match (find(&o.properties, name), find(&u.properties, name)) {
                (Some(original), None) => {
                    self.member_removed(
                        original,
                        is_open_object(self.u, u),
                        partial_object(self.u, u, name),
                        PROPERTY_REMOVED,
                        path,
                        out,
                    );
                }
                (None, Some(added)) => {
                    let required = u.required.iter().any(|r| r == name);
                    let with_default = self.has_default(u, name);
                    if is_open_object(self.o, o) {
                        let kind = if is_empty_schema(&self.u.node(added).kind) {
                            "PROPERTY_WITH_EMPTY_SCHEMA_ADDED_TO_OPEN_CONTENT_MODEL"
                        } else if required && with_default {
                            "REQUIRED_PROPERTY_WITH_DEFAULT_ADDED_TO_OPEN_CONTENT_MODEL"
                        } else if required {
                            "REQUIRED_PROPERTY_ADDED_TO_OPEN_CONTENT_MODEL"
                        } else {
                            "OPTIONAL_PROPERTY_ADDED_TO_OPEN_CONTENT_MODEL"
                        };
                        add(out, path, kind);
                    } else {
                        if let Some(partial) = partial_object(self.o, o, name) {
                            let sub = self.sub(Some(partial), Some(added), path);
                            let covered = self.compatible(&sub);
                            out.extend(sub);
                            add(
                                out,
                                path,
                                if covered {
                                    "PROPERTY_ADDED_IS_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL"
                                } else {
                                    "PROPERTY_ADDED_NOT_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL"
                                },
                            );
                        }
                        let kind = match (required, with_default) {
                            (true, true) => {
                                "REQUIRED_PROPERTY_WITH_DEFAULT_ADDED_TO_UNOPEN_CONTENT_MODEL"
                            }
                            (true, false) => "REQUIRED_PROPERTY_ADDED_TO_UNOPEN_CONTENT_MODEL",
                            (false, _) => "OPTIONAL_PROPERTY_ADDED_TO_UNOPEN_CONTENT_MODEL",
                        };
                        add(out, path, kind);
                    }
                }
                (original, update) => self.compare(original, update, path, out),
            }
            path.pop();
        }
        path.pop();

        // Dependencies.
        path.push("dependencies".to_owned());
        let o_deps: Vec<&str> = o
            .property_dependencies
            .iter()
            .map(|(n, _)| n.as_str())
            .collect();
        let u_deps: Vec<&str> = u
            .property_dependencies
            .iter()
            .map(|(n, _)| n.as_str())
            .collect();
        for name in java_set_order(&o_deps, &u_deps) {
            fn get<'d>(deps: &'d [(String, Vec<String>)], name: &str) -> Option<&'d Vec<String>> {
                deps.iter().find(|(n, _)| n == name).map(|(_, d)| d)
            }
            let kind = match (
                get(&o.property_dependencies, name),
                get(&u.property_dependencies, name),
            ) {
                (_, None) => Some("DEPENDENCY_ARRAY_REMOVED"),
                (None, _) => Some("DEPENDENCY_ARRAY_ADDED"),
                (Some(a), Some(b)) => {
                    let contains_all =
                        |big: &[String], small: &[String]| small.iter().all(|s| big.contains(s));
                    if contains_all(a, b) && contains_all(b, a) {
                        None
                    } else if contains_all(b, a) {
                        Some("DEPENDENCY_ARRAY_EXTENDED")
                    } else if contains_all(a, b) {
                        Some("DEPENDENCY_ARRAY_NARROWED")
                    } else {
                        Some("DEPENDENCY_ARRAY_CHANGED")
                    }
                }
            };
            if let Some(kind) = kind {
                add_at(out, path, name, kind);
            }
        }
        let o_deps: Vec<&str> = o
            .schema_dependencies
            .iter()
            .map(|(n, _)| n.as_str())
            .collect();
        let u_deps: Vec<&str> = u
            .schema_dependencies
            .iter()
            .map(|(n, _)| n.as_str())
            .collect();
        for name in java_set_order(&o_deps, &u_deps) {
            path.push(name.to_owned());
            match (
                find(&o.schema_dependencies, name),
                find(&u.schema_dependencies, name),
            ) {
                (_, None) => add(out, path, "DEPENDENCY_SCHEMA_REMOVED"),
                (None, _) => add(out, path, "DEPENDENCY_SCHEMA_ADDED"),
                (original, update) => self.compare(original, update, path, out),
            }
            path.pop();
        }
        path.pop();

        // Additional properties.
        self.additional(
            "additionalProperties",
            (
                (o.permits_additional, o.additional),
                (u.permits_additional, u.additional),
            ),
            [
                "ADDITIONAL_PROPERTIES_ADDED",
                "ADDITIONAL_PROPERTIES_REMOVED",
                "ADDITIONAL_PROPERTIES_NARROWED",
                "ADDITIONAL_PROPERTIES_EXTENDED",
            ],
            path,
            out,
        );

        self.unevaluated(
            "unevaluatedProperties",
            (o.unevaluated, u.unevaluated),
            [
                "UNEVALUATED_PROPERTIES_ADDED",
                "UNEVALUATED_PROPERTIES_REMOVED",
                "UNEVALUATED_PROPERTIES_EXTENDED",
                "UNEVALUATED_PROPERTIES_NARROWED",
            ],
            path,
            out,
        );

        limit(
            out,
            path,
            "maxProperties",
            o.max_properties,
            u.max_properties,
            [
                "MAX_PROPERTIES_ADDED",
                "MAX_PROPERTIES_REMOVED",
                "MAX_PROPERTIES_INCREASED",
                "MAX_PROPERTIES_DECREASED",
            ],
        );
        limit(
            out,
            path,
            "minProperties",
            o.min_properties,
            u.min_properties,
            [
                "MIN_PROPERTIES_ADDED",
                "MIN_PROPERTIES_REMOVED",
                "MIN_PROPERTIES_INCREASED",
                "MIN_PROPERTIES_DECREASED",
            ],
        );
    }

    /// Whether the update's schema for property `name` has a `default`.
    fn has_default(&self, update: &ObjectKind, name: &str) -> bool {
        update
            .properties
            .iter()
            .find(|(n, _)| n == name)
            .is_some_and(|(_, id)| self.u.node(*id).common.default.is_some())
    }

    /// A property or item of the original that the update no longer declares: judged by the
    /// update's content model (open, partially open through a schema for the rest, or closed).
    fn member_removed(
        &mut self,
        original: NodeId,
        open: bool,
        partial: Option<NodeId>,
        [
            open_kind,
            covered_kind,
            not_covered_kind,
            false_kind,
            closed_kind,
        ]: [&'static str; 5],
        path: &mut Path,
        out: &mut Vec<Difference>,
    ) {
        let kind = if open {
            open_kind
        } else if let Some(partial) = partial {
            let sub = self.sub(Some(original), Some(partial), path);
            let covered = self.compatible(&sub);
            out.extend(sub);
            if covered {
                covered_kind
            } else {
                not_covered_kind
            }
        } else if matches!(self.o.node(original).kind, Kind::False) {
            false_kind
        } else {
            closed_kind
        };
        add(out, path, kind);
    }

    /// `additionalProperties` / `additionalItems`: permitted or not, then the schema of the
    /// additional members. (When the permissions differ, the update's decides the kind.)
    fn additional(
        &mut self,
        keyword: &str,
        ((o_permits, o), (u_permits, u)): ((bool, Option<NodeId>), (bool, Option<NodeId>)),
        [added, removed, narrowed, extended]: [&'static str; 4],
        path: &mut Path,
        out: &mut Vec<Difference>,
    ) {
        path.push(keyword.to_owned());
        if o_permits != u_permits {
            add(out, path, if u_permits { added } else { removed });
        } else if o.is_none() && u.is_some() {
            add(out, path, narrowed);
        } else if u.is_none() && o.is_some() {
            add(out, path, extended);
        } else {
            self.compare(o, u, path, out);
        }
        path.pop();
    }

    /// `unevaluatedProperties`/`unevaluatedItems`: `[added, removed, extended, narrowed]`.
    fn unevaluated(
        &mut self,
        keyword: &str,
        (o, u): (Option<NodeId>, Option<NodeId>),
        [added, removed, extended, narrowed]: [&'static str; 4],
        path: &mut Path,
        out: &mut Vec<Difference>,
    ) {
        if o.is_none() && u.is_none() {
            return;
        }
        path.push(keyword.to_owned());
        let is_false = |model: &Model, id: Option<NodeId>| {
            id.is_some_and(|id| matches!(model.node(id).kind, Kind::False))
        };
        let is_empty = |model: &Model, id: Option<NodeId>| {
            id.is_some_and(|id| is_empty_schema(&model.node(id).kind))
        };
        let (o_false, u_false) = (is_false(self.o, o), is_false(self.u, u));
        let (o_empty, u_empty) = (is_empty(self.o, o), is_empty(self.u, u));
        let kind = if o.is_none() {
            Some(if u_false { removed } else { narrowed })
        } else if u.is_none() {
            Some(if o_false { added } else { extended })
        } else if o_false && !u_false {
            Some(added)
        } else if !o_false && u_false {
            Some(removed)
        } else if o_empty && !u_empty {
            Some(narrowed)
        } else if !o_empty && u_empty {
            Some(extended)
        } else {
            None
        };
        match kind {
            Some(kind) => add(out, path, kind),
            None => self.compare(o, u, path, out),
        }
        path.pop();
    }

    fn array(&mut self, o: &ArrayKind, u: &ArrayKind, path: &mut Path, out: &mut Vec<Difference>) {
        path.push("items".to_owned());
        self.compare(o.all_items, u.all_items, path, out);
        path.pop();

        let common = o.item_schemas.len().min(u.item_schemas.len());
        for index in 0..common {
            path.push(format!("items/{index}"));
            self.compare(
                Some(o.item_schemas[index]),
                Some(u.item_schemas[index]),
                path,
                out,
            );
            path.pop();
        }
        for (index, &original) in o.item_schemas.iter().enumerate().skip(common) {
            path.push(format!("items/{index}"));
            self.member_removed(
                original,
                is_open_array(self.u, u),
                partial_array(self.u, u),
                ITEM_REMOVED,
                path,
                out,
            );
            path.pop();
        }
        for (index, &added) in u.item_schemas.iter().enumerate().skip(common) {
            path.push(format!("items/{index}"));
            if is_open_array(self.o, o) {
                let kind = if is_empty_schema(&self.u.node(added).kind) {
                    "ITEM_WITH_EMPTY_SCHEMA_ADDED_TO_OPEN_CONTENT_MODEL"
                } else {
                    "ITEM_ADDED_TO_OPEN_CONTENT_MODEL"
                };
                add(out, path, kind);
            } else if let Some(partial) = partial_array(self.o, o) {
                let sub = self.sub(Some(partial), Some(added), path);
                let covered = self.compatible(&sub);
                out.extend(sub);
                add(
                    out,
                    path,
                    if covered {
                        "ITEM_ADDED_IS_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL"
                    } else {
                        "ITEM_ADDED_NOT_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL"
                    },
                );
            } else {
                add(out, path, "ITEM_ADDED_TO_CLOSED_CONTENT_MODEL");
            }
            path.pop();
        }

        self.additional(
            "additionalItems",
            (
                (o.permits_additional, o.additional),
                (u.permits_additional, u.additional),
            ),
            [
                "ADDITIONAL_ITEMS_ADDED",
                "ADDITIONAL_ITEMS_REMOVED",
                "ADDITIONAL_ITEMS_NARROWED",
                "ADDITIONAL_ITEMS_EXTENDED",
            ],
            path,
            out,
        );

        self.unevaluated(
            "unevaluatedItems",
            (o.unevaluated, u.unevaluated),
            [
                "UNEVALUATED_ITEMS_ADDED",
                "UNEVALUATED_ITEMS_REMOVED",
                "UNEVALUATED_ITEMS_EXTENDED",
                "UNEVALUATED_ITEMS_NARROWED",
            ],
            path,
            out,
        );

        limit(
            out,
            path,
            "maxItems",
            o.max_items,
            u.max_items,
            [
                "MAX_ITEMS_ADDED",
                "MAX_ITEMS_REMOVED",
                "MAX_ITEMS_INCREASED",
                "MAX_ITEMS_DECREASED",
            ],
        );
        limit(
            out,
            path,
            "minItems",
            o.min_items,
            u.min_items,
            [
                "MIN_ITEMS_ADDED",
                "MIN_ITEMS_REMOVED",
                "MIN_ITEMS_INCREASED",
                "MIN_ITEMS_DECREASED",
            ],
        );
        if o.unique_items != u.unique_items {
            let kind = if o.unique_items {
                "UNIQUE_ITEMS_REMOVED"
            } else {
                "UNIQUE_ITEMS_ADDED"
            };
            add_at(out, path, "uniqueItems", kind);
        }
        limit(
            out,
            path,
            "maxContains",
            o.max_contains.map(f64::trunc),
            u.max_contains.map(f64::trunc),
            [
                "MAX_CONTAINS_ADDED",
                "MAX_CONTAINS_REMOVED",
                "MAX_CONTAINS_INCREASED",
                "MAX_CONTAINS_DECREASED",
            ],
        );
        limit(
            out,
            path,
            "minContains",
            o.min_contains.map(f64::trunc),
            u.min_contains.map(f64::trunc),
            [
                "MIN_CONTAINS_ADDED",
                "MIN_CONTAINS_REMOVED",
                "MIN_CONTAINS_INCREASED",
                "MIN_CONTAINS_DECREASED",
            ],
        );
    }
}

fn number(o: &NumberKind, u: &NumberKind, path: &mut Path, out: &mut Vec<Difference>) {
    let f = |n: &Option<serde_json::Number>| n.as_ref().and_then(serde_json::Number::as_f64);
    limit(
        out,
        path,
        "maximum",
        f(&o.maximum),
        f(&u.maximum),
        [
            "MAXIMUM_ADDED",
            "MAXIMUM_REMOVED",
            "MAXIMUM_INCREASED",
            "MAXIMUM_DECREASED",
        ],
    );
    limit(
        out,
        path,
        "minimum",
        f(&o.minimum),
        f(&u.minimum),
        [
            "MINIMUM_ADDED",
            "MINIMUM_REMOVED",
            "MINIMUM_INCREASED",
            "MINIMUM_DECREASED",
        ],
    );
    // Confluent compares a decreased exclusive maximum with the update's `maximum` and fails
    // with a NullPointerException when that is absent; Accord reports the decrease.
    limit(
        out,
        path,
        "exclusiveMaximum",
        f(&o.exclusive_maximum),
        f(&u.exclusive_maximum),
        [
            "EXCLUSIVE_MAXIMUM_ADDED",
            "EXCLUSIVE_MAXIMUM_REMOVED",
            "EXCLUSIVE_MAXIMUM_INCREASED",
            "EXCLUSIVE_MAXIMUM_DECREASED",
        ],
    );
    limit(
        out,
        path,
        "exclusiveMinimum",
        f(&o.exclusive_minimum),
        f(&u.exclusive_minimum),
        [
            "EXCLUSIVE_MINIMUM_ADDED",
            "EXCLUSIVE_MINIMUM_REMOVED",
            "EXCLUSIVE_MINIMUM_INCREASED",
            "EXCLUSIVE_MINIMUM_DECREASED",
        ],
    );
    // `BigDecimal` equality on the number's text, then Java's `intValue()` arithmetic.
    let text = |n: &Option<serde_json::Number>| n.as_ref().map(ToString::to_string);
    if text(&o.multiple_of) != text(&u.multiple_of) {
        let int = |n: &Option<serde_json::Number>| f(n).map_or(0, |v| v.trunc() as i64);
        let (oi, ui) = (int(&o.multiple_of), int(&u.multiple_of));
        let kind = if o.multiple_of.is_none() {
            "MULTIPLE_OF_ADDED"
        } else if u.multiple_of.is_none() {
            "MULTIPLE_OF_REMOVED"
        } else if oi != 0 && ui % oi == 0 {
            "MULTIPLE_OF_EXPANDED"
        } else if ui != 0 && oi % ui == 0 {
            "MULTIPLE_OF_REDUCED"
        } else {
            "MULTIPLE_OF_CHANGED"
        };
        add_at(out, path, "multipleOf", kind);
    }
    if o.requires_integer != u.requires_integer {
        let kind = if o.requires_integer {
            "TYPE_EXTENDED"
        } else {
            "TYPE_NARROWED"
        };
        add(out, path, kind);
    }
}

/// The subschemas without duplicates (same canonical text), first occurrence kept.
fn distinct(model: &Model, subschemas: &[NodeId]) -> Vec<NodeId> {
    let mut seen: Vec<&str> = Vec::new();
    let mut out = Vec::new();
    for &id in subschemas {
        let key = model.node(id).key.as_str();
        if !seen.contains(&key) {
            seen.push(key);
            out.push(id);
        }
    }
    out
}

/// A maximum bipartite matching (augmenting paths), as `matching[original] = Some(update)`.
fn maximum_matching(edges: &[Vec<(usize, Vec<Difference>)>], right: usize) -> Vec<Option<usize>> {
    fn augment(
        i: usize,
        edges: &[Vec<(usize, Vec<Difference>)>],
        seen: &mut [bool],
        owner: &mut [Option<usize>],
    ) -> bool {
        for (j, _) in &edges[i] {
            if seen[*j] {
                continue;
            }
            seen[*j] = true;
            if owner[*j].is_none_or(|k| augment(k, edges, seen, owner)) {
                owner[*j] = Some(i);
                return true;
            }
        }
        false
    }
    let mut owner: Vec<Option<usize>> = vec![None; right];
    for i in 0..edges.len() {
        let mut seen = vec![false; right];
        augment(i, edges, &mut seen, &mut owner);
    }
    let mut matching = vec![None; edges.len()];
    for (j, i) in owner.iter().enumerate() {
        if let Some(i) = i {
            matching[*i] = Some(j);
        }
    }
    matching
}

fn is_open_object(model: &Model, object: &ObjectKind) -> bool {
    object.pattern_properties.is_empty()
        && object.additional.is_none()
        && object.permits_additional
        && object
            .unevaluated
            .is_none_or(|id| is_empty_schema(&model.node(id).kind))
}

/// The schema a partially open object applies to property `name`, if any.
fn partial_object(model: &Model, object: &ObjectKind, name: &str) -> Option<NodeId> {
    if let Some((_, id)) = object
        .pattern_properties
        .iter()
        .find(|(pattern, _)| pattern_finds(pattern, name))
    {
        return Some(*id);
    }
    if object.additional.is_some() {
        return object.additional;
    }
    object.unevaluated.filter(|&id| {
        object.permits_additional
            && !matches!(model.node(id).kind, Kind::False)
            && !is_empty_schema(&model.node(id).kind)
    })
}

fn is_open_array(model: &Model, array: &ArrayKind) -> bool {
    array.permits_additional
        && array.additional.is_none()
        && array
            .unevaluated
            .is_none_or(|id| is_empty_schema(&model.node(id).kind))
}

fn partial_array(model: &Model, array: &ArrayKind) -> Option<NodeId> {
    if array.additional.is_some() {
        return array.additional;
    }
    array.unevaluated.filter(|&id| {
        array.permits_additional
            && !matches!(model.node(id).kind, Kind::False)
            && !is_empty_schema(&model.node(id).kind)
    })
}

/// Java's `String.hashCode()`.
fn java_hash(s: &str) -> i32 {
    s.encode_utf16()
        .fold(0i32, |h, c| h.wrapping_mul(31).wrapping_add(i32::from(c)))
}

/// The bucket of a key in a Java `HashMap` table of `capacity` slots.
fn bucket(s: &str, capacity: usize) -> usize {
    let h = java_hash(s) as u32;
    ((h ^ (h >> 16)) as usize) & (capacity - 1)
}

/// Table size of a `HashMap` after `n` insertions into a table of `capacity` slots.
fn grown(mut capacity: usize, n: usize) -> usize {
    while n > capacity / 4 * 3 {
        capacity *= 2;
    }
    capacity
}

/// Iteration order of a Java `HashMap` filled with `keys` in order.
fn java_map_order<'k>(keys: &[&'k str]) -> Vec<&'k str> {
    let capacity = grown(16, keys.len());
    let mut out = keys.to_vec();
    out.sort_by_key(|k| bucket(k, capacity));
    out
}

/// Iteration order of `new HashSet<>(original.keySet())` after `addAll(update.keySet())`,
/// both maps being Java `HashMap`s filled in document order.
fn java_set_order<'k>(original: &[&'k str], update: &[&'k str]) -> Vec<&'k str> {
    let mut keys = java_map_order(original);
    for key in java_map_order(update) {
        if !keys.contains(&key) {
            keys.push(key);
        }
    }
    let initial = ((original.len() as f64 / 0.75) as usize + 1)
        .max(16)
        .next_power_of_two();
    let capacity = grown(initial, keys.len());
    keys.sort_by_key(|k| bucket(k, capacity));
    keys
}
