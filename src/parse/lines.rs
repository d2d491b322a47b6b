//! Byte offsets to the 1-based lines and columns a summary records.

use ruff_text_size::TextSize;

use crate::summary::Position;

/// Maps byte offsets to 1-based line and character columns.
pub(super) struct LineIndex<'a> {
    source: &'a str,
    /// Where each line starts (byte offsets).
    pub(super) starts: Vec<usize>,
    /// Columns are byte offsets in an ASCII file: no characters to count.
    ascii: bool,
    /// The line of the last offset asked for: the walks ask in source order, mostly.
    last: std::cell::Cell<usize>,
}

impl<'a> LineIndex<'a> {
    pub(super) fn new(source: &'a str) -> Self {
        let mut starts = vec![0];
        starts.extend(memchr::memchr_iter(b'\n', source.as_bytes()).map(|at| at + 1));
        LineIndex {
            source,
            starts,
            ascii: source.is_ascii(),
            last: std::cell::Cell::new(0),
        }
    }

    pub(super) fn position(&self, offset: TextSize) -> Position {
        let offset = usize::from(offset).min(self.source.len());
        let line = self.line_of(offset);
        let col = match self.ascii {
            true => offset - self.starts[line],
            false => self.source[self.starts[line]..offset].chars().count(),
        };
        Position {
            line: line as u32 + 1,
            col: col as u32 + 1,
        }
    }

    /// The 0-based line holding `offset`: the last one asked for or one of the next two,
    /// else a binary search.
    fn line_of(&self, offset: usize) -> usize {
        let last = self.last.get();
        let ends_after = |line: usize| self.starts.get(line + 1).is_none_or(|&next| offset < next);
        let near = (self.starts[last] <= offset)
            .then(|| (last..(last + 3).min(self.starts.len())).find(|&line| ends_after(line)))
            .flatten();
        let line =
            near.unwrap_or_else(|| self.starts.partition_point(|&start| start <= offset) - 1);
        self.last.set(line);
        line
    }
}
