//! `--format mermaid` and `--format dot`: an answer as a graph, ready to paste into an
//! incident report (Mermaid) or render with Graphviz (DOT). Nodes are the function's
//! scopes (or a role and the services it reaches) and the principals; edges carry the
//! action and the decision, styled by decision: allowed solid, conditional dashed,
//! denied dotted. Labels are sanitised and escaped for each syntax.

use crate::graph::Verdict;
use crate::text::sanitize;

/// What an edge means, which decides its style.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Style {
    Decided(Verdict),
    /// A step of a role chain.
    Chain,
}

#[derive(Debug, Default)]
pub struct Diagram {
    /// Label and whether it is the subject (drawn as a box).
    nodes: Vec<(String, bool)>,
    edges: Vec<(usize, usize, String, Style)>,
}

impl Diagram {
    /// The node with this label (made once).
    pub fn node(&mut self, label: &str, subject: bool) -> usize {
        let label = sanitize(label).into_owned();
        if let Some(i) = self.nodes.iter().position(|(l, _)| *l == label) {
            return i;
        }
        self.nodes.push((label, subject));
        self.nodes.len() - 1
    }

    pub fn edge(&mut self, from: usize, to: usize, label: &str, style: Style) {
        self.edges.push((from, to, sanitize(label).into_owned(), style));
    }

    pub fn mermaid(&self) -> String {
        let text = |s: &str| s.replace('"', "#quot;").replace(['[', ']', '{', '}', '|'], " ");
        let mut out = String::from("flowchart LR\n");
        for (i, (label, subject)) in self.nodes.iter().enumerate() {
            if *subject {
                out.push_str(&format!("  n{i}[\"{}\"]\n", text(label)));
            } else {
                out.push_str(&format!("  n{i}(\"{}\")\n", text(label)));
            }
        }
        for (from, to, label, style) in &self.edges {
            let arrow = match style {
                Style::Decided(Verdict::Allowed) => "-->",
                Style::Decided(Verdict::Conditional) | Style::Chain => "-.->",
                Style::Decided(Verdict::Denied) => "--x",
            };
            out.push_str(&format!("  n{from} {arrow}|\"{}\"| n{to}\n", text(label)));
        }
        for (i, (.., style)) in self.edges.iter().enumerate() {
            let colour = colour(*style);
            out.push_str(&format!("  linkStyle {i} stroke:{colour}\n"));
        }
        out
    }

    pub fn dot(&self) -> String {
        let text = |s: &str| s.replace('\\', "\\\\").replace('"', "\\\"");
        let mut out = String::from("digraph lambdascope {\n  rankdir=LR;\n  node [fontname=\"Helvetica\"];\n");
        for (i, (label, subject)) in self.nodes.iter().enumerate() {
            let shape = if *subject { "box" } else { "ellipse" };
            out.push_str(&format!("  n{i} [label=\"{}\", shape={shape}];\n", text(label)));
        }
        for (from, to, label, style) in &self.edges {
            let line = match style {
                Style::Decided(Verdict::Allowed) => "solid",
                Style::Decided(Verdict::Conditional) | Style::Chain => "dashed",
                Style::Decided(Verdict::Denied) => "dotted",
            };
            out.push_str(&format!(
                "  n{from} -> n{to} [label=\"{}\", style={line}, color=\"{}\"];\n",
                text(label),
                colour(*style)
            ));
        }
        out.push_str("}\n");
        out
    }
}

/// The same colours the UI uses for decisions.
fn colour(style: Style) -> &'static str {
    match style {
        Style::Decided(Verdict::Allowed) => "#2da44e",
        Style::Decided(Verdict::Conditional) => "#d29922",
        Style::Decided(Verdict::Denied) => "#cf222e",
        Style::Chain => "#8250df",
    }
}
