//! Whether a run's memory comes in 2 MiB pages. The allocator asks for them (transparent
//! huge pages): fewer page faults, but every 2 MiB page it touches at all is resident and
//! zeroed whole, ~50 MB more than the run uses. Measured on Home Assistant copies (cold
//! `stats`, alternated runs, this 2-core machine): one copy (6,725 files) runs 6% faster
//! with them, two copies about as fast either way, five 7% slower and fifteen 11% slower
//! and 50 MB heavier (cold peak with the snapshot written ~1,015 -> ~965 MB). Warm runs
//! keep them: a 15x `check` takes 0.10 s with them, 0.16 s without.

/// A cold run over more files than this does without huge pages.
const BIG_TREE: usize = 20_000;

/// Turns huge pages off for the rest of a cold run over `files` files when the tree is
/// big. Pages already faulted in stay as they are.
pub fn for_cold_run(files: usize) {
    if files > BIG_TREE {
        turn_off();
    }
}

#[cfg(target_os = "linux")]
fn turn_off() {
    // A refusal (an old kernel) leaves the run as it was: only slower.
    let _ = rustix::thread::disable_transparent_huge_pages(true);
}

#[cfg(not(target_os = "linux"))]
fn turn_off() {}

#[cfg(all(test, target_os = "linux"))]
mod tests {
    use super::*;

    #[test]
    fn a_big_cold_run_turns_huge_pages_off_and_a_small_one_leaves_them() {
        let off = || rustix::thread::transparent_huge_pages_are_disabled().unwrap();
        let before = off();
        for_cold_run(BIG_TREE);
        assert_eq!(off(), before);
        for_cold_run(BIG_TREE + 1);
        assert!(off());
    }
}
