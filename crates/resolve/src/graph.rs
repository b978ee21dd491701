//! The relationship graph: persons, enterprises and units as nodes, what the
//! records say about them as edges, each edge with the source rows behind it.
//! Queries: the neighbourhood to k hops (optionally only some edge kinds) and
//! a shortest path between two nodes. No IO.

use serde::Serialize;
use std::collections::{HashMap, VecDeque};

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, PartialOrd, Ord)]
#[serde(rename_all = "snake_case")]
pub enum NodeKind {
    Person,
    Enterprise,
    Unit,
}

#[derive(Clone, Debug, Serialize)]
pub struct Node {
    /// The ID number or credit code; for a person known only by name, `name@source`.
    pub id: String,
    pub kind: NodeKind,
    pub name: String,
}

/// A source row an edge rests on: table, batch, original row, and what it says.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize)]
pub struct Evidence {
    pub table: String,
    pub batch: i64,
    pub row: i64,
    pub detail: String,
}

#[derive(Clone, Debug, Serialize)]
pub struct Edge {
    pub from: String,
    pub to: String,
    /// kin, household, post, role, agent, bid, award, payment, disbursement, shared_identifier
    pub kind: String,
    /// The relation, role, identifier … shown on the edge.
    pub label: String,
    /// Evidence rows, at most [`MAX_EVIDENCE`] kept; `count` says how many there were.
    pub evidence: Vec<Evidence>,
    pub count: usize,
}

/// Evidence rows kept per edge.
pub const MAX_EVIDENCE: usize = 20;

/// Every edge kind, in the order pages list them.
pub const EDGE_KINDS: [&str; 10] =
    ["kin", "household", "post", "role", "agent", "bid", "award", "payment", "disbursement", "shared_identifier"];

#[derive(Clone, Debug, Default)]
pub struct Graph {
    nodes: Vec<Node>,
    index: HashMap<String, usize>,
    edges: Vec<Edge>,
    /// Edges by their two ends and kind; the label tells those apart.
    edge_index: HashMap<(usize, usize, &'static str), Vec<usize>>,
    adjacent: Vec<Vec<usize>>,
}

/// A subgraph: what a query returns.
#[derive(Clone, Debug, Default, Serialize)]
pub struct Subgraph {
    pub nodes: Vec<Node>,
    pub edges: Vec<Edge>,
}

impl Graph {
    /// Adds a node, or names an unnamed one; returns its index.
    pub fn node(&mut self, id: &str, kind: NodeKind, name: &str) -> usize {
        if let Some(&i) = self.index.get(id) {
            if self.nodes[i].name.is_empty() && !name.is_empty() {
                self.nodes[i].name = name.to_owned();
            }
            return i;
        }
        self.nodes.push(Node { id: id.to_owned(), kind, name: name.to_owned() });
        self.adjacent.push(Vec::new());
        self.index.insert(id.to_owned(), self.nodes.len() - 1);
        self.nodes.len() - 1
    }

    /// Adds evidence for an edge; edges of one kind and label between two nodes are one edge.
    pub fn edge(&mut self, from: usize, to: usize, kind: &str, label: &str, evidence: Evidence) {
        if from == to {
            return;
        }
        let (a, b) = (from.min(to), from.max(to));
        let kind: &'static str = EDGE_KINDS.iter().copied().find(|k| *k == kind).unwrap_or("other");
        let found = self
            .edge_index
            .get(&(a, b, kind))
            .and_then(|list| list.iter().copied().find(|&e| self.edges[e].label == label));
        let e = match found {
            Some(e) => e,
            None => {
                self.edges.push(Edge {
                    from: self.nodes[from].id.clone(),
                    to: self.nodes[to].id.clone(),
                    kind: kind.to_owned(),
                    label: label.to_owned(),
                    evidence: Vec::new(),
                    count: 0,
                });
                let e = self.edges.len() - 1;
                self.edge_index.entry((a, b, kind)).or_default().push(e);
                self.adjacent[a].push(e);
                self.adjacent[b].push(e);
                e
            }
        };
        let edge = &mut self.edges[e];
        edge.count += 1;
        if edge.evidence.len() < MAX_EVIDENCE && !edge.evidence.contains(&evidence) {
            edge.evidence.push(evidence);
        }
    }

    pub fn find(&self, id: &str) -> Option<&Node> {
        self.index.get(id).map(|&i| &self.nodes[i])
    }

    pub fn nodes(&self) -> &[Node] {
        &self.nodes
    }

    pub fn edges(&self) -> &[Edge] {
        &self.edges
    }

    fn other(&self, edge: usize, node: usize) -> usize {
        let e = &self.edges[edge];
        let from = self.index[&e.from];
        if from == node { self.index[&e.to] } else { from }
    }

    fn allowed(&self, edge: usize, kinds: &[String]) -> bool {
        kinds.is_empty() || kinds.iter().any(|k| *k == self.edges[edge].kind)
    }

    /// Every node within `hops` of `id` and the edges among them that the walk
    /// used, at most `limit` nodes (nearest first); `kinds` empty means every kind.
    pub fn neighbours(&self, id: &str, hops: usize, kinds: &[String], limit: usize) -> Option<Subgraph> {
        let &start = self.index.get(id)?;
        let mut depth: HashMap<usize, usize> = HashMap::from([(start, 0)]);
        let mut order = vec![start];
        let mut used = Vec::new();
        let mut queue = VecDeque::from([start]);
        while let Some(n) = queue.pop_front() {
            let d = depth[&n];
            if d >= hops {
                continue;
            }
            for &e in &self.adjacent[n] {
                if !self.allowed(e, kinds) {
                    continue;
                }
                let m = self.other(e, n);
                if !depth.contains_key(&m) {
                    if order.len() >= limit {
                        continue;
                    }
                    depth.insert(m, d + 1);
                    order.push(m);
                    queue.push_back(m);
                }
                used.push(e);
            }
        }
        used.sort_unstable();
        used.dedup();
        Some(Subgraph {
            nodes: order.iter().map(|&i| self.nodes[i].clone()).collect(),
            edges: used
                .into_iter()
                .filter(|&e| {
                    let edge = &self.edges[e];
                    depth.contains_key(&self.index[&edge.from]) && depth.contains_key(&self.index[&edge.to])
                })
                .map(|e| self.edges[e].clone())
                .collect(),
        })
    }

    /// A shortest path from `a` to `b` (fewest edges), its nodes in order and
    /// the edge between each two; `None` when either is unknown or nothing
    /// joins them within `max_hops`.
    pub fn path(&self, a: &str, b: &str, kinds: &[String], max_hops: usize) -> Option<Subgraph> {
        let (&start, &goal) = (self.index.get(a)?, self.index.get(b)?);
        let mut came: HashMap<usize, (usize, usize)> = HashMap::new();
        let mut depth: HashMap<usize, usize> = HashMap::from([(start, 0)]);
        let mut queue = VecDeque::from([start]);
        while let Some(n) = queue.pop_front() {
            if n == goal {
                break;
            }
            if depth[&n] >= max_hops {
                continue;
            }
            for &e in &self.adjacent[n] {
                if !self.allowed(e, kinds) {
                    continue;
                }
                let m = self.other(e, n);
                if !depth.contains_key(&m) {
                    depth.insert(m, depth[&n] + 1);
                    came.insert(m, (n, e));
                    queue.push_back(m);
                }
            }
        }
        if !depth.contains_key(&goal) {
            return None;
        }
        let (mut nodes, mut edges) = (vec![goal], Vec::new());
        let mut at = goal;
        while let Some(&(prev, e)) = came.get(&at) {
            nodes.push(prev);
            edges.push(e);
            at = prev;
        }
        nodes.reverse();
        edges.reverse();
        Some(Subgraph {
            nodes: nodes.into_iter().map(|i| self.nodes[i].clone()).collect(),
            edges: edges.into_iter().map(|e| self.edges[e].clone()).collect(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ev(row: i64) -> Evidence {
        Evidence { table: "t".into(), batch: 1, row, detail: String::new() }
    }

    /// official —kin— relative —role— enterprise —bid— unit; official —post— unit.
    fn graph() -> Graph {
        let mut g = Graph::default();
        let official = g.node("P1", NodeKind::Person, "张伟");
        let relative = g.node("P2", NodeKind::Person, "张强");
        let enterprise = g.node("E1", NodeKind::Enterprise, "某公司");
        let unit = g.node("U1", NodeKind::Unit, "某局");
        let stranger = g.node("P3", NodeKind::Person, "李四");
        g.edge(official, relative, "kin", "sibling", ev(1));
        g.edge(relative, enterprise, "role", "shareholder", ev(2));
        g.edge(relative, enterprise, "role", "shareholder", ev(2));
        g.edge(relative, enterprise, "role", "shareholder", ev(3));
        g.edge(enterprise, unit, "bid", "T-1", ev(4));
        g.edge(official, unit, "post", "局长", ev(5));
        g.edge(stranger, stranger, "kin", "self", ev(6));
        g
    }

    #[test]
    fn neighbours_to_k_hops_with_kind_filters() {
        let g = graph();
        let one = g.neighbours("P1", 1, &[], 100).unwrap();
        assert_eq!(one.nodes.iter().map(|n| n.id.as_str()).collect::<Vec<_>>(), ["P1", "P2", "U1"]);
        assert_eq!(one.edges.len(), 2);
        let two = g.neighbours("P1", 2, &[], 100).unwrap();
        assert_eq!(two.nodes.len(), 4);
        assert_eq!(two.edges.len(), 4, "the bid edge between two reached nodes too");
        let kin_only = g.neighbours("P1", 3, &["kin".into()], 100).unwrap();
        assert_eq!(kin_only.nodes.len(), 2);
        let role = two.edges.iter().find(|e| e.kind == "role").unwrap();
        assert_eq!((role.count, role.evidence.len()), (3, 2), "repeated evidence kept once, counted each time");
        assert!(g.neighbours("nobody", 1, &[], 100).is_none());
        assert_eq!(g.neighbours("P1", 5, &[], 2).unwrap().nodes.len(), 2, "the limit holds");
    }

    #[test]
    fn shortest_paths_with_their_edges() {
        let g = graph();
        let p = g.path("P2", "U1", &[], 6).unwrap();
        assert_eq!(p.nodes.len(), 3);
        assert_eq!(p.edges.len(), 2);
        // Without post edges the way from the official to the unit is longer.
        let kinds: Vec<String> = ["kin", "role", "bid"].iter().map(|s| s.to_string()).collect();
        let p = g.path("P1", "U1", &kinds, 6).unwrap();
        assert_eq!(p.nodes.iter().map(|n| n.id.as_str()).collect::<Vec<_>>(), ["P1", "P2", "E1", "U1"]);
        assert_eq!(p.edges.iter().map(|e| e.kind.as_str()).collect::<Vec<_>>(), ["kin", "role", "bid"]);
        assert!(g.path("P1", "P3", &[], 6).is_none());
        assert!(g.path("P1", "U1", &kinds, 2).is_none(), "beyond the hop limit");
    }
}
