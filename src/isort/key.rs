//! The order of modules and of the names imported from them, as isort and ruff sort
//! them: case-insensitive natural order, constants then classes then the rest.

use std::cmp::Ordering;

use super::settings::Settings;

/// A string in natural order (`mod2` before `mod10`).
#[derive(Debug, PartialEq, Eq)]
struct Natural(String);

impl Ord for Natural {
    fn cmp(&self, other: &Self) -> Ordering {
        natord::compare(&self.0, &other.0)
    }
}

impl PartialOrd for Natural {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

#[derive(Debug, PartialEq, Eq, PartialOrd, Ord, Clone, Copy)]
enum MemberType {
    Constant,
    Class,
    Variable,
}

fn member_type(name: &str) -> MemberType {
    let cased = name.chars().any(|c| c.is_lowercase() || c.is_uppercase());
    if name.chars().count() > 1 && cased && !name.chars().any(char::is_lowercase) {
        MemberType::Constant
    } else if name.chars().next().is_some_and(char::is_uppercase) {
        MemberType::Class
    } else {
        MemberType::Variable
    }
}

/// The key of a name imported from a module (`X` of `from m import X as Y`).
#[derive(Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct MemberKey {
    not_star: bool,
    member_type: Option<MemberType>,
    lowercase: Option<Natural>,
    name: Natural,
    asname: Option<Natural>,
}

impl MemberKey {
    pub fn new(name: &str, asname: Option<&str>, settings: &Settings) -> MemberKey {
        MemberKey {
            not_star: name != "*",
            member_type: settings.order_by_type.then(|| member_type(name)),
            lowercase: (!settings.case_sensitive).then(|| Natural(name.to_lowercase())),
            name: Natural(name.to_string()),
            asname: asname.map(|a| Natural(a.to_string())),
        }
    }
}

/// Relative imports, furthest first (ruff's default) or closest first.
#[derive(Debug, PartialEq, Eq, PartialOrd, Ord)]
enum Distance {
    Nearest(u32),
    Furthest(std::cmp::Reverse<u32>),
}

/// The key of an import statement: its module, then its first name.
#[derive(Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct ModuleKey {
    distance: Distance,
    lowercase: Option<Natural>,
    name: Option<Natural>,
    first: Option<MemberKey>,
    asname: Option<Natural>,
}

impl ModuleKey {
    /// `import name as asname`, or (`first` given) `from .name import first`.
    pub fn new(
        name: Option<&str>,
        asname: Option<&str>,
        level: u32,
        first: Option<(&str, Option<&str>)>,
        settings: &Settings,
    ) -> ModuleKey {
        ModuleKey {
            distance: match settings.closest_to_furthest {
                true => Distance::Nearest(level),
                false => Distance::Furthest(std::cmp::Reverse(level)),
            },
            lowercase: name
                .filter(|_| !settings.case_sensitive)
                .map(|n| Natural(n.to_lowercase())),
            name: name.map(|n| Natural(n.to_string())),
            first: first.map(|(name, asname)| MemberKey::new(name, asname, settings)),
            asname: asname.map(|a| Natural(a.to_string())),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn members_go_constants_classes_then_the_rest_in_natural_order() {
        let settings = Settings::defaults(std::path::Path::new("."));
        let mut names = vec![
            "function", "Class", "CONSTANT", "mod10", "mod2", "A", "_private",
        ];
        names.sort_by_key(|n| MemberKey::new(n, None, &settings));
        assert_eq!(
            names,
            vec![
                "CONSTANT", "A", "Class", "_private", "function", "mod2", "mod10"
            ]
        );
        let mut modules = vec!["Zeta", "alpha", "beta.b2", "beta.b10"];
        modules.sort_by_key(|m| ModuleKey::new(Some(m), None, 0, None, &settings));
        assert_eq!(modules, vec!["alpha", "beta.b2", "beta.b10", "Zeta"]);
    }
}
