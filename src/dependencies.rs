//! The third-party distributions a package declares it depends on, read as tach reads
//! them: a folder with a `pyproject.toml` is a package (`[project] dependencies`, else
//! `[tool.poetry.dependencies]`, else none), else one with `install_requires` in
//! `setup.cfg`, else one with a `requirements.txt`. Optional dependencies are not
//! declared dependencies.

use std::path::{Path, PathBuf};

use anyhow::{Result, anyhow};

/// One package's declared dependencies.
pub struct Declared {
    /// The file that declares them.
    pub file: PathBuf,
    /// `[project] name` (or poetry's), else the folder as written under the root.
    pub package: String,
    pub distributions: Vec<Distribution>,
}

pub struct Distribution {
    /// As written (`PyYAML`).
    pub name: String,
    /// PEP 503 normalized (`pyyaml`), with `_` for `-`: comparable with an import name.
    pub key: String,
    /// 1-based line of the declaration in `file`.
    pub line: u32,
}

/// PEP 503's normalized name, with `_` in place of `-` so it compares with import names.
pub fn key(name: &str) -> String {
    name.to_lowercase().replace(['-', '.'], "_")
}

/// The dependencies declared in `folder`; `None` when it declares none; an error naming
/// the file when it cannot be read.
pub fn declared_in(folder: &Path, shown: &str) -> Option<Result<Declared>> {
    let pyproject = folder.join("pyproject.toml");
    if let Some(text) = crate::read::optional_text(&pyproject) {
        return Some(
            from_pyproject(&text, &pyproject)
                .map(|(package, names)| declared(pyproject, &text, package, shown, names)),
        );
    }
    let setup = folder.join("setup.cfg");
    if let Some(text) = crate::read::optional_text(&setup) {
        let mut ini = configparser::ini::Ini::new_cs();
        if let Err(error) = ini.read(text.clone()) {
            return Some(Err(anyhow!("{}: {error}", setup.display())));
        }
        if let Some(requires) = ini.get("options", "install_requires") {
            let names = requires.lines().filter_map(requirement).collect();
            let package = ini.get("metadata", "name");
            return Some(Ok(declared(setup, &text, package, shown, names)));
        }
    }
    let requirements = folder.join("requirements.txt");
    let text = crate::read::optional_text(&requirements)?;
    let names = text.lines().filter_map(requirement).collect();
    Some(Ok(declared(requirements, &text, None, shown, names)))
}

fn declared(
    file: PathBuf,
    text: &str,
    package: Option<String>,
    shown: &str,
    names: Vec<String>,
) -> Declared {
    let distributions = names
        .into_iter()
        .map(|name| Distribution {
            line: line_of(text, &name),
            key: key(&name),
            name,
        })
        .collect();
    Declared {
        file,
        package: package.unwrap_or_else(|| shown.to_string()),
        distributions,
    }
}

/// `[project]`'s name and dependencies, or poetry's (none when it declares neither).
type Named = (Option<String>, Vec<String>);

fn from_pyproject(text: &str, path: &Path) -> Result<Named> {
    let document: toml::Table = toml::from_str(text).map_err(|e| {
        anyhow!(
            "{}:{}",
            path.display(),
            crate::config::located(text, &e, "")
        )
    })?;
    let name = |table: Option<&toml::Value>| {
        table
            .and_then(|t| t.get("name"))
            .and_then(|n| n.as_str())
            .map(str::to_string)
    };
    let project = document.get("project");
    if let Some(dependencies) = project.and_then(|p| p.get("dependencies")) {
        let names = dependencies
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|d| d.as_str().and_then(requirement))
            .collect();
        return Ok((name(project), names));
    }
    let poetry = document.get("tool").and_then(|t| t.get("poetry"));
    if let Some(dependencies) = poetry
        .and_then(|p| p.get("dependencies"))
        .and_then(|d| d.as_table())
    {
        let names = dependencies
            .keys()
            .filter(|k| !["python", "poetry", "poetry-core"].contains(&k.as_str()))
            .cloned()
            .collect();
        return Ok((name(project).or_else(|| name(poetry)), names));
    }
    Ok((name(project), Vec::new()))
}

/// The distribution a requirement line names (`requests[socks]>=2; python_version<"4"`
/// and `pkg @ git+https://…` are `requests` and `pkg`); `None` for comments, options
/// (`-r other.txt`) and bare URLs.
fn requirement(line: &str) -> Option<String> {
    let line = line.split(" #").next().unwrap_or_default().trim();
    if line.is_empty() || line.starts_with(['-', '#']) {
        return None;
    }
    let end = line
        .find(|c: char| !(c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.')))
        .unwrap_or(line.len());
    let rest = line[end..].trim_start();
    // `git+https://…` or `https://…` name no distribution; `name @ url` does.
    let url = rest.starts_with(['+', ':']);
    (end > 0 && !url).then(|| line[..end].to_string())
}

/// The first line naming `name` (as a whole word), for findings about it.
fn line_of(text: &str, name: &str) -> u32 {
    let word = |line: &str| {
        line.match_indices(name).any(|(at, _)| {
            let before = line[..at].chars().next_back();
            let after = line[at + name.len()..].chars().next();
            let boundary = |c: Option<char>| {
                !c.is_some_and(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
            };
            boundary(before) && boundary(after)
        })
    };
    text.lines()
        .position(word)
        .map_or(1, |index| index as u32 + 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_requirement_names_its_distribution() {
        assert_eq!(
            requirement("requests[socks]>=2; python_version<'4'"),
            Some("requests".to_string())
        );
        assert_eq!(requirement("PyYAML  # config"), Some("PyYAML".to_string()));
        assert_eq!(requirement("-r dev.txt"), None);
        assert_eq!(requirement("git+https://x/y.git"), None);
        assert_eq!(requirement("https://x/y-1.0.tar.gz"), None);
        assert_eq!(
            requirement("pkg @ git+https://github.com/x/pkg#egg=pkg"),
            Some("pkg".to_string())
        );
        assert_eq!(requirement("# only a comment"), None);
        assert_eq!(key("Zope.Interface"), "zope_interface");
    }

    #[test]
    fn the_line_of_a_declaration_is_the_one_naming_it_as_a_word() {
        let text = "[project]\ndependencies = [\n  \"requests-oauthlib\",\n  \"requests>=2\",\n]\n";
        assert_eq!(line_of(text, "requests"), 4);
    }
}
