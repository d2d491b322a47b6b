//! The JSON Schema editors validate settings and rule files with
//! (`ssot-graph.schema.json`), generated from the types that read them.

use crate::config::Config;
use crate::rules::RuleKind;

/// A rule file: `[[rule]]` tables.
#[derive(schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
#[allow(dead_code)] // only its schema is used
struct RuleFile {
    rule: Vec<RuleKind>,
}

/// The schema of `ssot-graph.toml` and `[tool.ssot-graph]` (a `Config`) and of the rule
/// files in `queries/` (a `RuleFile`): a document is one or the other.
pub fn json_schema() -> serde_json::Value {
    let mut generator = schemars::generate::SchemaSettings::draft07().into_generator();
    let config = generator.subschema_for::<Config>();
    let rules = generator.subschema_for::<RuleFile>();
    let definitions = generator.take_definitions(true);
    let mut schema = serde_json::json!({
        "$schema": "http://json-schema.org/draft-07/schema#",
        "$id": "https://github.com/ssot-graph/ssot-graph/ssot-graph.schema.json",
        "title": "ssot-graph settings and rule files",
        "description": "ssot-graph.toml or [tool.ssot-graph] of pyproject.toml (settings), or a file of queries/ (`[[rule]]` tables).",
        "anyOf": [config, rules],
        "definitions": definitions,
    });
    without_null(&mut schema);
    schema
}

/// TOML has no null: an optional key is one left out. `Option<T>`'s `T | null` becomes
/// `T`.
fn without_null(value: &mut serde_json::Value) {
    use serde_json::Value;
    match value {
        Value::Object(map) => {
            if let Some(Value::Array(types)) = map.get_mut("type") {
                types.retain(|t| t != "null");
                if types.len() == 1 {
                    let only = types.remove(0);
                    map.insert("type".to_string(), only);
                }
            }
            if let Some(Value::Array(choices)) = map.get("anyOf") {
                let kept: Vec<Value> = choices
                    .iter()
                    .filter(|c| c.get("type").is_none_or(|t| t != "null"))
                    .cloned()
                    .collect();
                if kept.len() == 1 && kept.len() < choices.len() {
                    map.remove("anyOf");
                    if let Value::Object(only) = &kept[0] {
                        map.extend(only.clone());
                    }
                }
            }
            map.values_mut().for_each(without_null);
        }
        Value::Array(items) => items.iter_mut().for_each(without_null),
        _ => {}
    }
}
