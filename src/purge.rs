//! How long freed memory stays with the process before it goes back to the system
//! (mimalloc's purge delay), chosen per run. On a virtual machine like the one this tool
//! is measured on, memory a process touches anew costs a fault and a zeroed page, and a
//! purge interrupts the other core: held memory is time; a big run's peak is its memory.

/// mimalloc's `mi_option_purge_delay` (v3 numbering), in milliseconds.
const PURGE_DELAY: libmimalloc_sys::mi_option_t = 15;

/// What a run mostly does with its memory.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Run {
    /// A `check` of the files named or staged, from the snapshot.
    CheckFew,
    /// Anything else from the snapshot.
    Warm,
    /// No snapshot to read: every file is parsed.
    Cold,
}

impl Run {
    fn purge_delay_ms(self) -> std::os::raw::c_long {
        match self {
            // The default, a second: the check peaks at its end with or without the
            // buffers it freed, and reusing them spares it a tenth of its time (a 15x
            // Home Assistant check: 145 -> 125 ms, 160 MB either way).
            Run::CheckFew => 1000,
            // At once: the snapshot's decode buffers would stay resident beside what is
            // restored (a 15x warm `stats`: 196 MB, 209 MB with 50 ms, 226 MB with a
            // second).
            Run::Warm => 0,
            // Parsing frees each file's tree: purged at once, its pages were faulted in
            // again for the next file, between TLB shootdowns of the other core (1x Home
            // Assistant cold `stats` 668 -> 538 ms; 15x cold peak 927 -> 944 MB).
            Run::Cold => 50,
        }
    }
}

/// Sets the purge delay for `run`. Called before the worker pool starts, while the only
/// other thread waits for this one.
pub fn set_for(run: Run) {
    // SAFETY: a plain store of a global option; no other thread allocates meanwhile.
    unsafe { libmimalloc_sys::mi_option_set(PURGE_DELAY, run.purge_delay_ms()) };
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_purge_delay_option_is_the_one_whose_default_is_a_second() {
        // SAFETY: reading an option is a plain load.
        assert_eq!(
            unsafe { libmimalloc_sys::mi_option_get(super::PURGE_DELAY) },
            1000
        );
    }
}
