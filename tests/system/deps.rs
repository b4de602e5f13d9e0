//! The dependency direction of DESIGN.md §2, checked on `cargo metadata` rather than by review (STYLE rule 3).
//!
//! Two rules: the pure crates reach no async runtime, database, HTTP or network crate through normal dependencies,
//! and each workspace crate reaches only the workspace crates its row of the table allows.

use std::collections::{BTreeMap, BTreeSet, VecDeque};
use std::process::Command;
use std::time::Duration;

use accord_tests::{run_bounded, workspace_root};
use serde_json::Value;

/// Crates that must stay pure: no IO, async, clock or network (DESIGN §2 invariants).
const PURE: &[&str] = &["accord-compat", "accord-asyncapi", "accord-codegen"];

/// Third-party crates (and their `-*` family) that the pure crates must not reach.
const IMPURE: &[&str] = &[
    "tokio",
    "sqlx",
    "axum",
    "reqwest",
    "hyper",
    "mio",
    "ureq",
    "async-std",
];

/// For each workspace crate, the workspace crates it may reach, directly or transitively; `None` means anything.
/// A new workspace crate must be added here, so that its row is decided on purpose.
const WORKSPACE_RULES: &[(&str, Option<&[&str]>)] = &[
    ("accord-compat", Some(&[])),
    ("accord-asyncapi", Some(&["accord-compat"])),
    (
        "accord-codegen",
        Some(&["accord-compat", "accord-asyncapi"]),
    ),
    ("accord-types", Some(&[])),
    ("accord-client", Some(&["accord-types"])),
    (
        "accord-server",
        Some(&[
            "accord-compat",
            "accord-asyncapi",
            "accord-codegen",
            "accord-types",
        ]),
    ),
    ("accord", None),
    ("accord-tests", None),
    ("accord-bench-serdes", None),
];

/// Which kinds of dependency edge a walk follows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Walk {
    /// Normal dependencies only: what the crate's code links against.
    Normal,
    /// Normal and build dependencies, plus the crate's own dev-dependencies on the first hop.
    AllOfTheCrate,
}

/// The resolved package graph of the workspace.
#[derive(Debug)]
struct Graph {
    names: BTreeMap<String, String>,
    members: BTreeSet<String>,
    /// Package id to (dependency id, normal, build, dev).
    edges: BTreeMap<String, Vec<(String, bool, bool, bool)>>,
}

impl Graph {
    fn load() -> Graph {
        let cargo = option_env!("CARGO").unwrap_or("cargo");
        let finished = run_bounded(
            Command::new(cargo)
                .args(["metadata", "--format-version", "1"])
                .current_dir(workspace_root()),
            Duration::from_secs(300),
        );
        assert!(
            finished.success(),
            "cargo metadata failed: {}",
            finished.describe()
        );
        let metadata: Value =
            serde_json::from_str(&finished.stdout).expect("cargo metadata prints JSON");

        let names = metadata["packages"]
            .as_array()
            .expect("packages")
            .iter()
            .map(|package| (text(&package["id"]), text(&package["name"])))
            .collect();
        let members = metadata["workspace_members"]
            .as_array()
            .expect("workspace_members")
            .iter()
            .map(text)
            .collect();
        let mut edges = BTreeMap::new();
        for node in metadata["resolve"]["nodes"]
            .as_array()
            .expect("resolve.nodes")
        {
            let deps = node["deps"]
                .as_array()
                .expect("deps")
                .iter()
                .map(|dep| {
                    let kinds: Vec<&Value> = dep["dep_kinds"]
                        .as_array()
                        .expect("dep_kinds")
                        .iter()
                        .map(|k| &k["kind"])
                        .collect();
                    let normal = kinds.iter().any(|kind| kind.is_null());
                    let build = kinds.iter().any(|kind| kind.as_str() == Some("build"));
                    let dev = kinds.iter().any(|kind| kind.as_str() == Some("dev"));
                    (text(&dep["pkg"]), normal, build, dev)
                })
                .collect();
            edges.insert(text(&node["id"]), deps);
        }
        Graph {
            names,
            members,
            edges,
        }
    }

    fn name<'a>(&'a self, id: &'a str) -> &'a str {
        self.names.get(id).map(String::as_str).unwrap_or(id)
    }

    fn member_id(&self, name: &str) -> Option<&String> {
        self.members.iter().find(|id| self.name(id) == name)
    }

    /// Every package reachable from `start`, with the shortest path to it (as package names).
    fn reachable(&self, start: &str, walk: Walk) -> BTreeMap<String, Vec<String>> {
        let mut paths = BTreeMap::new();
        paths.insert(start.to_string(), vec![self.name(start).to_string()]);
        let mut queue = VecDeque::from([start.to_string()]);
        while let Some(id) = queue.pop_front() {
            let first_hop = id == start;
            for (dep, normal, build, dev) in self.edges.get(&id).into_iter().flatten() {
                let follow = match walk {
                    Walk::Normal => *normal,
                    Walk::AllOfTheCrate => *normal || *build || (first_hop && *dev),
                };
                if follow && !paths.contains_key(dep) {
                    let mut path = paths[&id].clone();
                    path.push(self.name(dep).to_string());
                    paths.insert(dep.clone(), path);
                    queue.push_back(dep.clone());
                }
            }
        }
        paths.remove(start);
        paths
    }
}

fn text(value: &Value) -> String {
    value
        .as_str()
        .expect("a string in cargo metadata")
        .to_string()
}

fn is_impure(name: &str) -> bool {
    IMPURE.iter().any(|bad| {
        name == *bad
            || name
                .strip_prefix(bad)
                .is_some_and(|rest| rest.starts_with('-'))
    })
}

#[test]
fn dependency_direction_follows_design() {
    let graph = Graph::load();
    let mut problems = Vec::new();

    for id in &graph.members {
        let name = graph.name(id);
        if !WORKSPACE_RULES.iter().any(|(known, _)| *known == name) {
            problems.push(format!(
                "workspace crate {name} has no row in WORKSPACE_RULES (tests/system/deps.rs): decide what it may depend on"
            ));
        }
    }

    for crate_name in PURE {
        let Some(id) = graph.member_id(crate_name) else {
            problems.push(format!("{crate_name} is not a workspace member"));
            continue;
        };
        for (dep, path) in graph.reachable(id, Walk::Normal) {
            if is_impure(graph.name(&dep)) {
                problems.push(format!(
                    "{crate_name} must stay pure, but: {}",
                    path.join(" -> ")
                ));
            }
        }
    }

    for (crate_name, allowed) in WORKSPACE_RULES {
        let Some(allowed) = allowed else { continue };
        let Some(id) = graph.member_id(crate_name) else {
            problems.push(format!("{crate_name} is not a workspace member"));
            continue;
        };
        for (dep, path) in graph.reachable(id, Walk::AllOfTheCrate) {
            let dep_name = graph.name(&dep);
            if graph.members.contains(&dep) && !allowed.contains(&dep_name) {
                problems.push(format!(
                    "{crate_name} may depend only on {allowed:?} among workspace crates, but: {}",
                    path.join(" -> ")
                ));
            }
        }
    }

    assert!(
        problems.is_empty(),
        "forbidden dependency edges (DESIGN.md §2):\n  {}",
        problems.join("\n  ")
    );
}
