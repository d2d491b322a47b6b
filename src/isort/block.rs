//! One import block written as ruff's isort writes it: statements merged per module,
//! grouped in sections, sorted, each on one line or wrapped in parentheses.

use std::ops::Range;

use unicode_width::UnicodeWidthStr;

use super::key::{MemberKey, ModuleKey};
use super::sorter::{Section, Sorter};
use crate::parse::{ImportBlock, ImportStatementKind};

#[derive(Debug, Default)]
struct Comments {
    /// Own-line comments above the statement.
    atop: Vec<String>,
    /// After a plain import, or after a one-line `from` import of several names: written
    /// after `(` when wrapped.
    inline: Vec<String>,
    /// After the `)` of a wrapped `from` import: written after `)` when wrapped.
    trailing: Vec<String>,
}

/// A name imported from a module, with the comment after it when it was alone on a line
/// (`from m import x  # noqa`): written after `x,` when wrapped.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Member {
    name: String,
    asname: Option<String>,
    comments: Vec<String>,
}

#[derive(Debug)]
enum Entry {
    Straight {
        name: String,
        asname: Option<String>,
        comments: Comments,
    },
    From {
        module: Option<String>,
        level: u32,
        names: Vec<Member>,
        comments: Comments,
        trailing_comma: bool,
    },
}

impl Entry {
    fn comments(&mut self) -> &mut Comments {
        match self {
            Entry::Straight { comments, .. } | Entry::From { comments, .. } => comments,
        }
    }
}

/// What ruff merges into one statement: a module's plain names; each aliased name, star
/// import or (with force-single-line) name on its own.
#[derive(Debug, PartialEq, Eq)]
enum Group {
    Straight(String, Option<String>),
    From(Option<String>, u32, Option<(String, Option<String>)>),
}

/// The bytes the block spans (whole lines, its last newline included) and the block as
/// ruff would write them; `None` when the block holds what is not modelled here (a
/// comment inside a statement, two statements on one line, a comment after a statement
/// of several plain imports). With `before` (the statements' texts before a rewrite), a
/// statement the rewrite changed is written anew: its magic trailing comma does not keep
/// it wrapped (moving a name back restores a line a first move had to wrap).
pub fn format(
    sorter: &Sorter,
    source: &str,
    block: &ImportBlock,
    before: Option<&[&str]>,
) -> Option<(Range<usize>, String)> {
    let newline = if source.contains("\r\n") {
        "\r\n"
    } else {
        "\n"
    };
    let first = block.statements.first()?;
    let start = line_start(source, first.start);
    let indent = &source[start..first.start];
    if !indent.chars().all(|c| c == ' ' || c == '\t') {
        return None;
    }
    let mut entries: Vec<(Group, Entry)> = Vec::new();
    let mut previous_end = start;
    let mut end = start;
    for statement in &block.statements {
        let own_start = line_start(source, statement.start);
        if &source[own_start..statement.start] != indent {
            return None;
        }
        let mut comments = Comments::default();
        for line in source[previous_end..own_start].lines() {
            let line = line.trim();
            match line.starts_with('#') {
                true => comments.atop.push(line.to_string()),
                false if line.is_empty() => {}
                false => return None,
            }
        }
        let text = &source[statement.start..statement.end];
        if text.contains('#') {
            return None;
        }
        let line_end = source[statement.end..]
            .find('\n')
            .map_or(source.len(), |at| statement.end + at);
        let after = source[statement.end..line_end].trim();
        match after {
            "" => {}
            comment if comment.starts_with('#') => comments.inline.push(comment.to_string()),
            _ => return None,
        }
        end = (line_end + 1).min(source.len());
        previous_end = end;
        let names = &statement.names;
        match &statement.kind {
            ImportStatementKind::Straight => {
                if names.len() > 1 && !comments.inline.is_empty() {
                    return None;
                }
                let mut comments = Some(comments);
                for name in names {
                    let group = Group::Straight(name.name.clone(), name.asname.clone());
                    let entry = Entry::Straight {
                        name: name.name.clone(),
                        asname: name.asname.clone(),
                        comments: comments.take().unwrap_or_default(),
                    };
                    merge(&mut entries, group, entry);
                }
            }
            ImportStatementKind::From { module, level } => {
                let unchanged = before.is_none_or(|texts| texts.contains(&text));
                let trailing_comma = unchanged
                    && text
                        .trim_end()
                        .strip_suffix(')')
                        .is_some_and(|inner| inner.trim_end().ends_with(','));
                let mut members: Vec<Member> = names
                    .iter()
                    .map(|name| Member {
                        name: name.name.clone(),
                        asname: name.asname.clone(),
                        comments: Vec::new(),
                    })
                    .collect();
                // Where ruff files the comment after the statement.
                if text.contains('\n') {
                    comments.trailing = std::mem::take(&mut comments.inline);
                } else if let [only] = members.as_mut_slice() {
                    only.comments = std::mem::take(&mut comments.inline);
                }
                let mut plain = Vec::new();
                let mut own = Vec::new();
                for member in members {
                    let alone = member.name == "*"
                        || sorter.settings.force_single_line
                        || (member.asname.is_some() && !sorter.settings.combine_as_imports);
                    match alone {
                        true => own.push(member),
                        false => plain.push(member),
                    }
                }
                let mut comments = Some(comments);
                let mut add = |key: Option<(String, Option<String>)>, names| {
                    let entry = Entry::From {
                        module: module.clone(),
                        level: *level,
                        names,
                        comments: comments.take().unwrap_or_default(),
                        trailing_comma,
                    };
                    merge(
                        &mut entries,
                        Group::From(module.clone(), *level, key),
                        entry,
                    );
                };
                if !plain.is_empty() {
                    add(None, plain);
                }
                for member in own {
                    add(
                        Some((member.name.clone(), member.asname.clone())),
                        vec![member],
                    );
                }
            }
        }
    }
    let mut sections: Vec<(Section, Vec<Entry>)> = Vec::new();
    for (_, entry) in entries {
        let section = match &entry {
            Entry::Straight { name, .. } => sorter.section(name, 0),
            Entry::From { module, level, .. } => {
                sorter.section(module.as_deref().unwrap_or(""), *level)
            }
        };
        match sections.iter_mut().find(|(s, _)| *s == section) {
            Some((_, list)) => list.push(entry),
            None => sections.push((section, vec![entry])),
        }
    }
    sections.sort_by_key(|(section, _)| *section);
    let mut out = String::new();
    for (index, (section, mut entries)) in sections.into_iter().enumerate() {
        if index > 0 {
            out.push_str(newline);
        }
        order(sorter, section, &mut entries);
        let mut after_straight = false;
        for (position, entry) in entries.iter().enumerate() {
            let is_from = matches!(entry, Entry::From { .. });
            let settings = &sorter.settings;
            if settings.lines_between_types > 0
                && !settings.force_sort_within_sections
                && after_straight
                && is_from != settings.from_first
            {
                out.push_str(&newline.repeat(settings.lines_between_types));
                after_straight = false;
            }
            if is_from == settings.from_first {
                after_straight = true;
            }
            write_entry(sorter, &mut out, entry, position == 0, indent, newline);
        }
    }
    Some((start..end, out))
}

fn line_start(source: &str, at: usize) -> usize {
    source[..at].rfind('\n').map_or(0, |n| n + 1)
}

fn merge(entries: &mut Vec<(Group, Entry)>, group: Group, mut entry: Entry) {
    let Some((_, existing)) = entries.iter_mut().find(|(g, _)| *g == group) else {
        entries.push((group, entry));
        return;
    };
    let added = std::mem::take(entry.comments());
    let comments = existing.comments();
    comments.atop.extend(added.atop);
    comments.inline.extend(added.inline);
    comments.trailing.extend(added.trailing);
    if let (
        Entry::From {
            names,
            trailing_comma,
            ..
        },
        Entry::From {
            names: more,
            trailing_comma: more_comma,
            ..
        },
    ) = (existing, entry)
    {
        *trailing_comma |= more_comma;
        for member in more {
            let same = |m: &&mut Member| m.name == member.name && m.asname == member.asname;
            match names.iter_mut().find(same) {
                Some(existing) => existing.comments.extend(member.comments),
                None => names.push(member),
            }
        }
    }
}

fn module_key(sorter: &Sorter, entry: &Entry) -> ModuleKey {
    let settings = &sorter.settings;
    match entry {
        Entry::Straight { name, asname, .. } => {
            ModuleKey::new(Some(name), asname.as_deref(), 0, None, settings)
        }
        Entry::From {
            module,
            level,
            names,
            ..
        } => ModuleKey::new(
            module.as_deref(),
            None,
            *level,
            names
                .first()
                .map(|m| (m.name.as_str(), m.asname.as_deref())),
            settings,
        ),
    }
}

fn order(sorter: &Sorter, section: Section, entries: &mut [Entry]) {
    let settings = &sorter.settings;
    for entry in entries.iter_mut() {
        if let Entry::From { names, .. } = entry {
            names.sort_by_cached_key(|m| MemberKey::new(&m.name, m.asname.as_deref(), settings));
        }
    }
    let straight_last = section == Section::Future || settings.from_first;
    entries.sort_by_cached_key(|entry| {
        let style = match settings.force_sort_within_sections && section != Section::Future {
            true => 0,
            false => u8::from(matches!(entry, Entry::Straight { .. }) == straight_last),
        };
        (style, module_key(sorter, entry))
    });
}

fn write_entry(
    sorter: &Sorter,
    out: &mut String,
    entry: &Entry,
    first: bool,
    indent: &str,
    newline: &str,
) {
    let comments = match entry {
        Entry::Straight { comments, .. } | Entry::From { comments, .. } => comments,
    };
    if !first && !comments.atop.is_empty() {
        out.push_str(newline);
    }
    for comment in &comments.atop {
        out.push_str(&format!("{indent}{comment}{newline}"));
    }
    let inline: String = comments.inline.iter().map(|c| format!("  {c}")).collect();
    let alias = |name: &str, asname: &Option<String>| match asname {
        Some(asname) => format!("{name} as {asname}"),
        None => name.to_string(),
    };
    match entry {
        Entry::Straight { name, asname, .. } => {
            out.push_str(&format!(
                "{indent}import {}{inline}{newline}",
                alias(name, asname)
            ));
        }
        Entry::From {
            module,
            level,
            names,
            trailing_comma,
            ..
        } => {
            let settings = &sorter.settings;
            let module = format!(
                "{}{}",
                ".".repeat(*level as usize),
                module.as_deref().unwrap_or("")
            );
            let listed: Vec<String> = names.iter().map(|m| alias(&m.name, &m.asname)).collect();
            let every_comment: Vec<&String> = comments
                .inline
                .iter()
                .chain(names.iter().flat_map(|m| &m.comments))
                .chain(&comments.trailing)
                .collect();
            let single = format!(
                "{indent}from {module} import {}{}",
                listed.join(", "),
                every_comment
                    .iter()
                    .map(|c| format!("  {c}"))
                    .collect::<String>()
            );
            // A pragma (`# noqa`, `# type: ignore`) does not count towards the width.
            let width = single.width()
                - every_comment
                    .iter()
                    .filter(|c| is_pragma(c))
                    .map(|c| c.width() + 2)
                    .sum::<usize>();
            let star = names.iter().any(|m| m.name == "*");
            let may_inline = !(*trailing_comma && settings.split_on_trailing_comma)
                && (names.len() == 1 || names.iter().all(|m| m.comments.is_empty()))
                && (!settings.force_wrap_aliases
                    || names.len() == 1
                    || names.iter().all(|m| m.asname.is_none()));
            if star || (may_inline && width <= settings.line_length) {
                out.push_str(&single);
                out.push_str(newline);
                return;
            }
            out.push_str(&format!("{indent}from {module} import ({inline}{newline}"));
            for (member, name) in names.iter().zip(&listed) {
                let after: String = member.comments.iter().map(|c| format!("  {c}")).collect();
                out.push_str(&format!(
                    "{indent}{}{name},{after}{newline}",
                    sorter.indentation
                ));
            }
            let trailing: String = comments.trailing.iter().map(|c| format!("  {c}")).collect();
            out.push_str(&format!("{indent}){trailing}{newline}"));
        }
    }
}

/// A comment for a tool (`# noqa: F401`, `# type: ignore`, `# pylint: disable=...`), as
/// ruff recognises one.
fn is_pragma(comment: &str) -> bool {
    let Some(content) = comment.strip_prefix('#') else {
        return false;
    };
    let text = content.trim_start();
    text.get(..4)
        .is_some_and(|w| w.eq_ignore_ascii_case("noqa"))
        || text.starts_with("nosec")
        || text.split_once(':').is_some_and(|(tool, _)| {
            matches!(
                tool,
                "isort" | "type" | "pyright" | "pyrefly" | "pylint" | "flake8" | "ruff" | "ty"
            )
        })
}
