//! Runs of consecutive import statements in one body: what isort (and ruff's `I001`)
//! sorts as one block.

use ruff_python_ast::token::TokenKind;
use ruff_python_ast::visitor::{Visitor, walk_stmt};
use ruff_python_ast::{PySourceType, Stmt};
use ruff_python_parser::parse_unchecked_source;
use ruff_text_size::Ranged;

/// One name of an import statement: `a.b` of `import a.b as c`, `X` of `from m import X`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ImportedName {
    pub name: String,
    pub asname: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ImportStatementKind {
    /// `import a, b.c as d`
    Straight,
    /// `from .module import x`: the module as written after the dots, and the dots.
    From { module: Option<String>, level: u32 },
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ImportStatement {
    /// The statement's bytes, without what follows it on its last line.
    pub start: usize,
    pub end: usize,
    pub kind: ImportStatementKind,
    pub names: Vec<ImportedName>,
}

/// Import statements with no other statement between them, in one body (the module's,
/// a function's, an `if` branch's...).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ImportBlock {
    pub statements: Vec<ImportStatement>,
}

/// A file's import blocks and its unit of indentation.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ImportLayout {
    /// In source order.
    pub blocks: Vec<ImportBlock>,
    /// The whitespace of the first indented line (`None` when no line is indented).
    pub indentation: Option<String>,
}

/// The import layout of the source; empty when it does not parse.
pub fn import_blocks(source: &str, is_stub: bool) -> ImportLayout {
    let source_type = match is_stub {
        true => PySourceType::Stub,
        false => PySourceType::Python,
    };
    let parsed = parse_unchecked_source(source, source_type);
    if !parsed.errors().is_empty() {
        return ImportLayout::default();
    }
    let mut collector = Blocks::default();
    collector.body(&parsed.syntax().body);
    collector.blocks.sort_by_key(|b| b.statements[0].start);
    let indentation = parsed
        .tokens()
        .iter()
        .find(|token| token.kind() == TokenKind::Indent)
        .map(|token| source[token.range()].to_string());
    ImportLayout {
        blocks: collector.blocks,
        indentation,
    }
}

#[derive(Default)]
struct Blocks {
    blocks: Vec<ImportBlock>,
}

impl Blocks {
    fn body(&mut self, body: &[Stmt]) {
        let mut current = ImportBlock::default();
        for stmt in body {
            match statement(stmt) {
                Some(import) => current.statements.push(import),
                None => {
                    self.close(&mut current);
                    self.visit_stmt(stmt);
                }
            }
        }
        self.close(&mut current);
    }

    fn close(&mut self, block: &mut ImportBlock) {
        if !block.statements.is_empty() {
            self.blocks.push(std::mem::take(block));
        }
    }
}

impl<'a> Visitor<'a> for Blocks {
    fn visit_body(&mut self, body: &'a [Stmt]) {
        self.body(body);
    }

    fn visit_stmt(&mut self, stmt: &'a Stmt) {
        walk_stmt(self, stmt);
    }
}

fn statement(stmt: &Stmt) -> Option<ImportStatement> {
    let named = |alias: &ruff_python_ast::Alias| ImportedName {
        name: alias.name.to_string(),
        asname: alias.asname.as_ref().map(|a| a.to_string()),
    };
    let (kind, names) = match stmt {
        Stmt::Import(import) => (
            ImportStatementKind::Straight,
            import.names.iter().map(named).collect(),
        ),
        Stmt::ImportFrom(import) => (
            ImportStatementKind::From {
                module: import.module.as_ref().map(|m| m.to_string()),
                level: import.level,
            },
            import.names.iter().map(named).collect(),
        ),
        _ => return None,
    };
    Some(ImportStatement {
        start: stmt.start().to_usize(),
        end: stmt.end().to_usize(),
        kind,
        names,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn blocks_end_at_other_statements_and_are_found_in_every_body() {
        let source = "import os\nfrom . import a as b, c\nX = 1\nimport sys\n\
                      def f():\n    import json\n    return json\n";
        let layout = import_blocks(source, false);
        assert_eq!(layout.indentation.as_deref(), Some("    "));
        let blocks = layout.blocks;
        let starts: Vec<Vec<usize>> = blocks
            .iter()
            .map(|b| b.statements.iter().map(|s| s.start).collect())
            .collect();
        assert_eq!(starts, vec![vec![0, 10], vec![40], vec![64]]);
        assert_eq!(
            blocks[0].statements[1].kind,
            ImportStatementKind::From {
                module: None,
                level: 1
            }
        );
        assert_eq!(
            blocks[0].statements[1].names[0],
            ImportedName {
                name: "a".to_string(),
                asname: Some("b".to_string())
            }
        );
    }
}
