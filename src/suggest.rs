//! "Did you mean …?": the known word nearest to a typo.

/// The candidate closest to `word` when it is close enough to be the intended one: the
/// same word in another case, or within a third of its length in edits (a swap of two
/// neighbouring letters is one).
pub fn nearest<'a>(word: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    let lower = word.to_lowercase();
    let limit = (word.chars().count() / 3).max(1);
    let mut best: Option<(usize, &str)> = None;
    for candidate in candidates {
        if candidate == word {
            continue;
        }
        let distance = if candidate.to_lowercase() == lower {
            0
        } else {
            strsim::osa_distance(word, candidate)
        };
        if distance <= limit && best.is_none_or(|(d, c)| (distance, candidate) < (d, c)) {
            best = Some((distance, candidate));
        }
    }
    best.map(|(_, candidate)| candidate)
}

/// `"; did you mean `X`?"` for the nearest candidate, or nothing.
pub fn did_you_mean<'a>(word: &str, candidates: impl IntoIterator<Item = &'a str>) -> String {
    match nearest(word, candidates) {
        Some(candidate) => format!("; did you mean `{candidate}`?"),
        None => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_case_slip_or_a_small_typo_finds_the_word_and_a_far_one_does_not() {
        let names = ["WebSocketManager", "get_websocket_manager", "Notifier"];
        assert_eq!(nearest("WebsocketManager", names), Some("WebSocketManager"));
        assert_eq!(nearest("WebSocketManagr", names), Some("WebSocketManager"));
        assert_eq!(nearest("Database", names), None);
        assert_eq!(did_you_mean("notifer", names), "; did you mean `Notifier`?");
    }
}
