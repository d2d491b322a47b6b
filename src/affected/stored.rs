//! The string edges of `affected` (see `dependents::strings`), kept in the cache folder
//! next to the snapshot whose state they describe: module ids are stable for one state.

use serde::{Deserialize, Serialize};

use crate::cache::AFFECTED_FILE_NAME as FILE_NAME;
use crate::cache::snapshot::{self, Container};
use crate::index::{ModuleId, Project};

/// The last byte is the layout version.
const MAGIC: &[u8; 8] = b"SSOTA\x00\x00\x01";

#[derive(Serialize, Deserialize)]
struct Stored {
    tool: String,
    state: u64,
    edges: Vec<(ModuleId, ModuleId, u32)>,
}

/// The edges stored for the project's cache state; `None` when there are none or they
/// describe another state.
pub fn read(project: &Project) -> Option<Vec<(ModuleId, ModuleId, u32)>> {
    let cache = project.cache.as_ref()?;
    let container = Container::open(&cache.dir.join(FILE_NAME), MAGIC).ok()??;
    let stored: Stored = crate::exact::within(container.header.len(), || {
        bincode::deserialize(&container.header)
    })
    .ok()?;
    let current = stored.tool == env!("CARGO_PKG_VERSION") && stored.state == cache.state;
    let modules = project.modules.len() as ModuleId;
    let valid = stored
        .edges
        .iter()
        .all(|&(a, b, _)| a < modules && b < modules);
    (current && valid).then_some(stored.edges)
}

/// Stores `edges` for the project's cache state; a failure only costs the next run time.
pub fn write(project: &Project, edges: &[(ModuleId, ModuleId, u32)]) {
    let Some(cache) = project.cache.as_ref() else {
        return;
    };
    let stored = Stored {
        tool: env!("CARGO_PKG_VERSION").to_string(),
        state: cache.state,
        edges: edges.to_vec(),
    };
    let _ = snapshot::write_container(
        &cache.dir.join(FILE_NAME),
        MAGIC,
        std::iter::empty(),
        |_| Ok(bincode::serialize(&stored)?),
    );
}
