//! `init --from TOOL`: another tool's architecture contracts, written as ssot-graph
//! rules (`queries/TOOL.toml`), each with a comment naming the contract it came from,
//! and one line for every setting that could not be carried over, saying why.

pub mod import_linter;
pub mod tach;

use std::fmt::Write as _;

/// A rule being written: its TOML lines after `[[rule]]`.
pub struct RuleText {
    /// Where it came from, for the comment above it.
    pub origin: String,
    pub lines: Vec<String>,
}

impl RuleText {
    pub fn new(origin: String, id: &str, kind: &str) -> RuleText {
        RuleText {
            origin,
            lines: vec![
                format!("id = {}", quoted(id)),
                format!("kind = {}", quoted(kind)),
            ],
        }
    }

    pub fn text(&mut self, key: &str, value: &str) {
        self.lines.push(format!("{key} = {}", quoted(value)));
    }

    pub fn list(&mut self, key: &str, values: &[String]) {
        let items: Vec<String> = values.iter().map(|v| quoted(v)).collect();
        let one_line = format!("{key} = [{}]", items.join(", "));
        if one_line.len() <= 88 {
            self.lines.push(one_line);
        } else {
            let mut text = format!("{key} = [\n");
            for item in items {
                let _ = writeln!(text, "    {item},");
            }
            text.push(']');
            self.lines.push(text);
        }
    }

    pub fn flag(&mut self, key: &str, value: bool) {
        self.lines.push(format!("{key} = {value}"));
    }
}

/// A TOML string.
fn quoted(text: &str) -> String {
    toml::Value::String(text.to_string()).to_string()
}

/// The rule file: a header, then each rule under its comment.
pub fn rule_file(header: &str, rules: &[RuleText]) -> String {
    let mut text = String::from(header);
    for rule in rules {
        let _ = write!(text, "\n# {}\n[[rule]]\n", rule.origin);
        for line in &rule.lines {
            let _ = writeln!(text, "{line}");
        }
    }
    text
}

/// `path` as written under `root`, for messages.
pub fn shown(path: &std::path::Path, root: &std::path::Path) -> String {
    path.strip_prefix(root)
        .unwrap_or(path)
        .display()
        .to_string()
}

/// A rule id from another tool's contract name: letters, digits and dashes.
pub fn rule_id(name: &str) -> String {
    let mut id = String::new();
    for c in name.trim().chars() {
        if c.is_alphanumeric() || c == '_' || c == '-' || c == '.' {
            id.push(c);
        } else if !id.ends_with('-') {
            id.push('-');
        }
    }
    id.trim_matches('-').to_string()
}
