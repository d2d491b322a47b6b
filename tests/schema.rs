//! `ssot-graph.schema.json` is what the types that read settings and rule files say.

use std::path::Path;

#[test]
fn the_committed_schema_is_generated_from_the_settings_and_rule_types() {
    let generated =
        serde_json::to_string_pretty(&ssot_graph::schema::json_schema()).unwrap() + "\n";
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("ssot-graph.schema.json");
    if std::env::var_os("UPDATE_SCHEMA").is_some() {
        std::fs::write(&path, &generated).unwrap();
    }
    let committed = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        committed == generated,
        "ssot-graph.schema.json is out of date: UPDATE_SCHEMA=1 cargo test --test schema"
    );
}
