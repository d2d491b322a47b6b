//! A table of the report, described once and printed as Markdown or as HTML.

use std::fmt::Write as _;

pub enum Cell {
    Text(String),
    Code(String),
    /// Several code spans, comma-separated.
    Codes(Vec<String>),
    Count(usize),
    /// A bar this wide (percent of the cell); HTML only.
    Bar(f64),
}

pub struct Row {
    pub cells: Vec<Cell>,
    /// Marks the row: a class in HTML, `(mark)` after the first cell in Markdown.
    pub mark: Option<&'static str>,
}

pub struct Table {
    /// Titles, and whether the column holds numbers (right-aligned in Markdown). A
    /// column with no title is drawn in HTML only.
    pub columns: Vec<(&'static str, bool)>,
    pub rows: Vec<Row>,
}

impl Row {
    pub fn of(cells: Vec<Cell>) -> Row {
        Row { cells, mark: None }
    }
}

impl Table {
    pub fn markdown(&self) -> String {
        let shown: Vec<bool> = self.columns.iter().map(|(t, _)| !t.is_empty()).collect();
        let titles: Vec<&str> = self
            .columns
            .iter()
            .filter(|(t, _)| !t.is_empty())
            .map(|(t, _)| *t)
            .collect();
        let rules: Vec<&str> = self
            .columns
            .iter()
            .filter(|(t, _)| !t.is_empty())
            .map(|&(_, number)| if number { "---:" } else { "---" })
            .collect();
        let mut md = format!("| {} |\n| {} |\n", titles.join(" | "), rules.join(" | "));
        for row in &self.rows {
            let mut cells: Vec<String> = row
                .cells
                .iter()
                .zip(&shown)
                .filter(|(_, shown)| **shown)
                .map(|(cell, _)| match cell {
                    Cell::Text(value) => text(value),
                    Cell::Code(value) => code(value),
                    Cell::Codes(values) => values
                        .iter()
                        .map(|v| code(v))
                        .collect::<Vec<_>>()
                        .join(", "),
                    Cell::Count(n) => n.to_string(),
                    Cell::Bar(_) => String::new(),
                })
                .collect();
            if let (Some(mark), Some(first)) = (row.mark, cells.first_mut()) {
                let _ = write!(first, " ({mark})");
            }
            let _ = writeln!(md, "| {} |", cells.join(" | "));
        }
        md
    }

    pub fn html(&self) -> String {
        let mut html = String::from("<table><tr>");
        for (title, _) in &self.columns {
            let _ = write!(html, "<th>{}</th>", escape(title));
        }
        html.push_str("</tr>");
        for row in &self.rows {
            match row.mark {
                Some(mark) => {
                    let _ = write!(html, "<tr class=\"{mark}\">");
                }
                None => html.push_str("<tr>"),
            }
            for cell in &row.cells {
                let _ = match cell {
                    Cell::Text(value) => write!(html, "<td>{}</td>", escape(value)),
                    Cell::Code(value) => write!(html, "<td><code>{}</code></td>", escape(value)),
                    Cell::Codes(values) => {
                        let codes: Vec<String> = values
                            .iter()
                            .map(|v| format!("<code>{}</code>", escape(v)))
                            .collect();
                        write!(html, "<td>{}</td>", codes.join(", "))
                    }
                    Cell::Count(n) => write!(html, "<td>{n}</td>"),
                    Cell::Bar(width) => write!(
                        html,
                        "<td class=\"spark\"><div style=\"width:{width:.1}%\"></div></td>"
                    ),
                };
            }
            html.push_str("</tr>");
        }
        html.push_str("</table>");
        html
    }
}

/// `value` as a Markdown code span that stays one table cell: fenced with more backticks
/// than it holds in a row, `|` escaped (GitHub reads `\|` as a pipe even in code).
pub fn code(value: &str) -> String {
    let longest = value.split(|c| c != '`').map(str::len).max().unwrap_or(0);
    let fence = "`".repeat(longest + 1);
    let pad = if value.starts_with('`') || value.ends_with('`') {
        " "
    } else {
        ""
    };
    format!("{fence}{pad}{}{pad}{fence}", value.replace('|', "\\|"))
}

/// The fence of a Markdown code block holding `lines`: three backticks, or one more than
/// the longest run of them in a line.
pub fn fence(lines: &[String]) -> String {
    let longest = lines
        .iter()
        .flat_map(|line| line.split(|c| c != '`').map(str::len))
        .max()
        .unwrap_or(0);
    "`".repeat((longest + 1).max(3))
}

/// `text` with its control characters escaped (a newline reads `\n`): one line.
pub fn one_line(text: &str) -> String {
    text.chars()
        .flat_map(|c| {
            let escaped: Vec<char> = match c.is_control() {
                true => c.escape_default().collect(),
                false => vec![c],
            };
            escaped
        })
        .collect()
}

/// `value` as plain Markdown text in a table cell: `|` and the characters that start
/// markup mid-word escaped (GitHub leaves `_` inside words alone).
pub fn text(value: &str) -> String {
    let mut escaped = String::with_capacity(value.len());
    for c in value.chars() {
        if matches!(c, '|' | '`' | '*' | '\\' | '<') {
            escaped.push('\\');
        }
        escaped.push(c);
    }
    escaped
}

pub use crate::view::escape;

#[cfg(test)]
mod tests {
    use super::{code, text};

    #[test]
    fn markdown_cells_survive_pipes_and_backticks() {
        assert_eq!(code("pkg.mod"), "`pkg.mod`");
        assert_eq!(code("a|b"), "`a\\|b`");
        assert_eq!(code("x`y"), "``x`y``");
        assert_eq!(code("`odd`"), "`` `odd` ``");
        assert_eq!(text("rule|one_two*"), "rule\\|one_two\\*");
        assert_eq!(text("a`b"), "a\\`b");
    }
}
