//! What the snapshot keeps of each site's resolution: its kind and the hops it took.

/// What kind of thing a site resolved to, without the particulars: what `stats` counts,
/// and what the snapshot keeps of each site's resolution.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum Outcome {
    Definition,
    Module,
    Compiled,
    External,
    Unresolved,
    Cycle,
}

/// A site's outcome and how many re-export hops its chain took.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct SiteOutcome {
    pub outcome: Outcome,
    pub hops: u32,
}
