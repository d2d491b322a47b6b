//! The layers a drawing ranks its nodes by: `--layers`, else the first `layers` rule
//! (import-linter's contract, its containers expanded) or `modules` rule with layers
//! (tach's) of the queries folder.

use anyhow::{Result, bail};

use crate::index::Project;
use crate::rules::{Rule, RuleKind};
use crate::suggest;

pub struct Layers {
    /// Where they come from, for the drawing's notes.
    pub source: String,
    /// Highest first: each layer's text as written, and the modules it names.
    pub lines: Vec<(String, Vec<String>)>,
}

impl Layers {
    /// `--layers a,b|c,d`: highest first, `|` or `:` between siblings.
    pub fn from_flag(text: &str) -> Layers {
        Layers {
            source: "--layers".to_string(),
            lines: text
                .split(',')
                .map(str::trim)
                .filter(|line| !line.is_empty())
                .map(|line| (line.to_string(), names(line, None)))
                .collect(),
        }
    }

    pub fn from_rules(rules: &[Rule]) -> Option<Layers> {
        rules.iter().find_map(|rule| match &rule.kind {
            RuleKind::Layers {
                id,
                layers,
                containers,
                ..
            } if !containers.iter().any(|c| c.contains('*')) => Some(Layers {
                source: format!("rule `{id}`"),
                lines: layers
                    .iter()
                    .map(|line| {
                        let mut modules = Vec::new();
                        if containers.is_empty() {
                            modules = names(line, None);
                        }
                        for container in containers {
                            modules.extend(names(line, Some(container)));
                        }
                        (line.clone(), modules)
                    })
                    .collect(),
            }),
            RuleKind::Modules {
                id,
                layers,
                modules,
                ..
            } if !layers.is_empty() => Some(Layers {
                source: format!("rule `{id}`"),
                lines: layers
                    .iter()
                    .map(|layer| {
                        let members = modules
                            .iter()
                            .filter(|m| m.layer.as_ref() == Some(layer))
                            .map(|m| m.path.clone())
                            .collect();
                        (layer.clone(), members)
                    })
                    .collect(),
            }),
            _ => None,
        })
    }

    /// The layer a node (a module, or a package drawn as one) is in: the line naming it or
    /// one of its ancestors.
    pub fn of(&self, node: &str) -> Option<usize> {
        self.lines.iter().position(|(_, modules)| {
            modules.iter().any(|m| {
                node == m || (node.starts_with(m.as_str()) && node[m.len()..].starts_with('.'))
            })
        })
    }

    /// An error naming the first module of `--layers` that is not in the repository, with
    /// the module it most likely means: a layer naming nothing ranks nothing.
    pub fn check(&self, project: &Project) -> Result<()> {
        if self.lines.is_empty() {
            bail!(
                "{}: no layer named (highest first: `app.api,app.core`)",
                self.source
            );
        }
        let own: Vec<&str> = project
            .modules
            .iter()
            .filter(|m| !m.external)
            .map(|m| m.name.as_str())
            .collect();
        let exists = |name: &str| {
            own.iter().any(|m| {
                m.starts_with(name) && (m.len() == name.len() || m[name.len()..].starts_with('.'))
            })
        };
        for name in self.lines.iter().flat_map(|(_, modules)| modules) {
            if exists(name) {
                continue;
            }
            let suffix = format!(".{name}");
            let hint = match own
                .iter()
                .filter(|m| m.ends_with(&suffix))
                .min_by_key(|m| (m.len(), **m))
            {
                Some(full) => format!("; did you mean `{full}`?"),
                None => suggest::did_you_mean(name, own.iter().copied()),
            };
            bail!(
                "{}: `{name}` is not a module of the repository{hint}",
                self.source
            );
        }
        Ok(())
    }

    /// The layers' texts, highest first.
    pub fn labels(&self) -> Vec<String> {
        self.lines.iter().map(|(text, _)| text.clone()).collect()
    }
}

fn names(line: &str, container: Option<&str>) -> Vec<String> {
    crate::rules::layers::names(line)
        .into_iter()
        .map(|(name, _)| match container {
            Some(container) => format!("{container}.{name}"),
            None => name,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::Layers;

    #[test]
    fn a_node_is_in_the_layer_naming_it_or_an_ancestor() {
        let layers = Layers::from_flag("app.api, app.services | app.jobs ,app.core");
        assert_eq!(
            layers.labels(),
            ["app.api", "app.services | app.jobs", "app.core"]
        );
        assert_eq!(layers.of("app.api"), Some(0));
        assert_eq!(layers.of("app.jobs.nightly"), Some(1));
        assert_eq!(layers.of("app.core"), Some(2));
        assert_eq!(layers.of("app.core_extra"), None);
        assert_eq!(layers.of("app"), None);
    }
}
