//! CODEOWNERS, as GitHub reads it: the first of `.github/CODEOWNERS`, `CODEOWNERS` and
//! `docs/CODEOWNERS` at the top of the repository; the last pattern that matches a path
//! decides its owners (a pattern with no owners leaves the path unowned).

use std::path::Path;

use anyhow::{Result, anyhow};
use globset::{GlobBuilder, GlobMatcher};

/// The owners file of a repository.
pub struct Owners {
    /// Where it was read, relative to the project root (`../.github/CODEOWNERS` above).
    pub file: String,
    rules: Vec<Rule>,
    /// The project root relative to the top of the repository, with a trailing `/`.
    prefix: String,
}

struct Rule {
    matchers: Vec<GlobMatcher>,
    owners: Vec<String>,
}

/// What a path with no owner is grouped under.
pub const UNOWNED: &str = "(no owner)";

impl Owners {
    /// The owners file of the repository holding `root`, if it has one. A pattern that
    /// is not valid is an error naming the file and line.
    pub fn find(root: &Path) -> Result<Option<Owners>> {
        let top = root
            .ancestors()
            .find(|dir| dir.join(".git").exists())
            .unwrap_or(root);
        let prefix = root
            .strip_prefix(top)
            .map(crate::discover::slash_path)
            .unwrap_or_default();
        let prefix = if prefix.is_empty() {
            prefix
        } else {
            format!("{prefix}/")
        };
        for place in [".github/CODEOWNERS", "CODEOWNERS", "docs/CODEOWNERS"] {
            let path = top.join(place);
            let Some(text) = crate::read::optional_text(&path) else {
                continue;
            };
            let up = "../".repeat(prefix.matches('/').count());
            let file = format!("{up}{place}");
            let rules = parse(&text).map_err(|(line, e)| anyhow!("{file}:{line}: {e}"))?;
            return Ok(Some(Owners {
                file,
                rules,
                prefix,
            }));
        }
        Ok(None)
    }

    /// The owners of the file at root-relative `rel`; empty when none is named.
    pub fn of(&self, rel: &str) -> &[String] {
        let path = format!("{}{rel}", self.prefix);
        self.rules
            .iter()
            .rev()
            .find(|rule| rule.matchers.iter().any(|m| m.is_match(&path)))
            .map_or(&[], |rule| &rule.owners)
    }

    /// The owners of `rel`, or [`UNOWNED`] alone.
    pub fn groups_of(&self, rel: &str) -> Vec<String> {
        match self.of(rel) {
            [] => vec![UNOWNED.to_string()],
            owners => owners.to_vec(),
        }
    }
}

fn parse(text: &str) -> std::result::Result<Vec<Rule>, (usize, String)> {
    let mut rules = Vec::new();
    for (number, line) in text.lines().enumerate() {
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let mut words = line.split_whitespace();
        let pattern = words.next().expect("a non-empty line has a word");
        let owners = words
            .take_while(|w| !w.starts_with('#'))
            .map(str::to_string)
            .collect();
        let matchers = globs_of(pattern)
            .into_iter()
            .map(|glob| {
                GlobBuilder::new(&glob)
                    .literal_separator(true)
                    .build()
                    .map(|g| g.compile_matcher())
                    .map_err(|e| (number + 1, format!("pattern `{pattern}`: {e}")))
            })
            .collect::<std::result::Result<_, _>>()?;
        rules.push(Rule { matchers, owners });
    }
    Ok(rules)
}

/// The globs a CODEOWNERS pattern stands for, over paths from the repository's top: a
/// pattern with a `/` before its end is anchored there, one without matches at any
/// depth; a match is a file or everything below a directory, but `dir/*` names only
/// the files directly in `dir`.
fn globs_of(pattern: &str) -> Vec<String> {
    let directory = pattern.ends_with('/');
    let body = pattern.trim_end_matches('/');
    let anchored = body.contains('/');
    let body = body.trim_start_matches('/');
    let base = if anchored || body.starts_with("**") {
        body.to_string()
    } else {
        format!("**/{body}")
    };
    if body.is_empty() || body == "*" {
        return vec!["**".to_string()];
    }
    if directory {
        vec![format!("{base}/**")]
    } else if body.ends_with("/*") {
        vec![base]
    } else {
        vec![base.clone(), format!("{base}/**")]
    }
}

#[cfg(test)]
mod tests {
    use super::parse;

    fn owners_of(text: &str, path: &str) -> Vec<String> {
        let owners = super::Owners {
            file: "CODEOWNERS".to_string(),
            rules: parse(text).unwrap(),
            prefix: String::new(),
        };
        owners.of(path).to_vec()
    }

    /// The examples of GitHub's "About code owners" page.
    #[test]
    fn the_last_matching_pattern_decides_as_on_github() {
        let file = "\
* @global-owner1 @global-owner2
*.js @js-owner #This is an inline comment.
*.go docs@example.com
/build/logs/ @doctocat
docs/* docs@example.com
apps/ @octocat
/docs/ @doctocat
/scripts/ @doctocat @octocat
**/logs @octocat
/apps/ @octocat
/apps/github
";
        assert_eq!(
            owners_of(file, "README.md"),
            ["@global-owner1", "@global-owner2"]
        );
        assert_eq!(owners_of(file, "src/app.js"), ["@js-owner"]);
        assert_eq!(owners_of(file, "build/logs/x/y.txt"), ["@octocat"]);
        assert_eq!(owners_of(file, "deep/build/logs/a.txt"), ["@octocat"]);
        assert_eq!(owners_of(file, "docs/getting-started.md"), ["@doctocat"]);
        // `docs/*` has a `/` before its end: anchored at the top, as in gitignore.
        assert_eq!(
            owners_of(file, "a/docs/x.md"),
            ["@global-owner1", "@global-owner2"]
        );
        assert_eq!(
            owners_of(file, "a/docs/build-app/troubleshooting.md"),
            ["@global-owner1", "@global-owner2"]
        );
        assert_eq!(owners_of(file, "apps/web/main.py"), ["@octocat"]);
        assert!(owners_of(file, "apps/github/main.py").is_empty());
        assert_eq!(owners_of(file, "scripts/run.sh"), ["@doctocat", "@octocat"]);
    }
}
