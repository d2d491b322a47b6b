//! Dotted module globs: `pkg.mod` matches that module, `pkg.*` its direct children,
//! `pkg.**` the package and everything below it.

use anyhow::{Result, anyhow};
use globset::{Glob, GlobBuilder, GlobSet, GlobSetBuilder};

use super::Rule;

#[derive(Clone, Debug)]
pub struct ModulePattern {
    text: String,
    globs: GlobSet,
}

impl ModulePattern {
    pub fn new(text: &str) -> Result<ModulePattern> {
        if text.is_empty() || text.split('.').any(str::is_empty) {
            return Err(anyhow!("{text:?} is not a dotted module name or glob"));
        }
        // Match on `/`-joined names so `*` stops at a dot, as globset stops at a slash.
        let as_path = text.replace('.', "/");
        let mut builder = GlobSetBuilder::new();
        let mut add = |pattern: &str| -> Result<()> {
            let glob = GlobBuilder::new(pattern)
                .literal_separator(true)
                .build()
                .map_err(|e| anyhow!("{text:?}: {e}"))?;
            builder.add(glob);
            Ok(())
        };
        add(&as_path)?;
        if let Some(package) = as_path.strip_suffix("/**") {
            add(package)?;
        }
        Ok(ModulePattern {
            text: text.to_string(),
            globs: builder.build()?,
        })
    }

    pub fn matches(&self, module: &str) -> bool {
        self.globs.is_match(module.replace('.', "/"))
    }

    pub fn is_glob(&self) -> bool {
        self.text.contains(['*', '?', '[', '{'])
    }

    pub fn text(&self) -> &str {
        &self.text
    }
}

/// Any of several patterns.
pub fn any_matches(patterns: &[ModulePattern], module: &str) -> bool {
    patterns.iter().any(|p| p.matches(module))
}

/// A rule's path globs (`allow`, `names`, `paths`), or an error naming the rule and key.
pub(super) fn path_globs(rule: &Rule, key: &str, patterns: &[String]) -> Result<GlobSet> {
    let mut builder = GlobSetBuilder::new();
    for pattern in patterns {
        let glob =
            Glob::new(pattern).map_err(|e| anyhow!("{}: {key} {pattern:?}: {e}", rule.at()))?;
        builder.add(glob);
    }
    Ok(builder.build()?)
}

pub(super) fn module_patterns(
    rule: &Rule,
    key: &str,
    patterns: &[String],
) -> Result<Vec<ModulePattern>> {
    patterns
        .iter()
        .map(|p| ModulePattern::new(p).map_err(|e| anyhow!("{}: {key}: {e}", rule.at())))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn star_matches_children_and_double_star_the_whole_package() {
        let children = ModulePattern::new("pkg.*").unwrap();
        assert!(children.matches("pkg.a"));
        assert!(!children.matches("pkg"));
        assert!(!children.matches("pkg.a.b"));
        let all = ModulePattern::new("pkg.**").unwrap();
        assert!(all.matches("pkg"));
        assert!(all.matches("pkg.a.b"));
        assert!(!all.matches("pkgx.a"));
        let exact = ModulePattern::new("pkg.a").unwrap();
        assert!(exact.matches("pkg.a"));
        assert!(!exact.matches("pkg.a.b"));
        assert!(ModulePattern::new("pkg..a").is_err());
    }
}
