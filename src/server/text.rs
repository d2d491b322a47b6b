//! Places as the client counts them (UTF-8 bytes, UTF-16 code units or characters in a
//! line, whichever was agreed) and as ssot-graph does (byte offsets; 1-based lines and
//! character columns).

use lsp_types::{Position, PositionEncodingKind, Range};

use crate::fix::rename::LineStarts;
use crate::summary;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Encoding {
    Utf8,
    Utf16,
    Utf32,
}

impl Encoding {
    /// The one to use of those the client offers: bytes first (no counting), then
    /// characters; UTF-16 when it offers none, as the protocol says.
    pub fn negotiate(offered: Option<&[PositionEncodingKind]>) -> Encoding {
        let offered = offered.unwrap_or_default();
        [Encoding::Utf8, Encoding::Utf32]
            .into_iter()
            .find(|e| offered.contains(&e.kind()))
            .unwrap_or(Encoding::Utf16)
    }

    pub fn kind(self) -> PositionEncodingKind {
        match self {
            Encoding::Utf8 => PositionEncodingKind::UTF8,
            Encoding::Utf16 => PositionEncodingKind::UTF16,
            Encoding::Utf32 => PositionEncodingKind::UTF32,
        }
    }

    fn width(self, c: char) -> usize {
        match self {
            Encoding::Utf8 => c.len_utf8(),
            Encoding::Utf16 => c.len_utf16(),
            Encoding::Utf32 => 1,
        }
    }
}

/// A text with its lines found, to turn places one way and the other.
pub struct LineIndex<'t> {
    text: &'t str,
    starts: LineStarts,
    encoding: Encoding,
}

impl<'t> LineIndex<'t> {
    pub fn new(text: &'t str, encoding: Encoding) -> LineIndex<'t> {
        LineIndex {
            text,
            starts: LineStarts::new(text),
            encoding,
        }
    }

    /// The byte offset of a client's position; past the end of a line is its end, past
    /// the last line the end of the text.
    pub fn offset(&self, position: Position) -> usize {
        let Some(start) = self.starts.start(position.line + 1) else {
            return self.text.len();
        };
        let line = &self.text[start..];
        let line = &line[..line.find('\n').unwrap_or(line.len())];
        let mut units = 0;
        for (at, c) in line.char_indices() {
            if units >= position.character as usize {
                return start + at;
            }
            units += self.encoding.width(c);
        }
        start + line.trim_end_matches('\r').len()
    }

    /// The client's position of a byte offset (clamped to the text, at a character).
    pub fn position(&self, offset: usize) -> Position {
        let mut offset = offset.min(self.text.len());
        while !self.text.is_char_boundary(offset) {
            offset -= 1;
        }
        let line = self.starts.line(offset);
        let start = self.starts.start(line).unwrap_or(0);
        let character = self.text[start..offset]
            .chars()
            .map(|c| self.encoding.width(c))
            .sum::<usize>();
        Position::new(line - 1, character as u32)
    }

    pub fn range(&self, start: usize, end: usize) -> Range {
        Range::new(self.position(start), self.position(end.max(start)))
    }

    /// The byte offset of a summary's place (1-based line, character column).
    pub fn offset_of(&self, position: summary::Position) -> Option<usize> {
        self.starts.offset(self.text, position)
    }

    /// The identifier (or dotted name) around byte `offset`: its start and end.
    pub fn word_at(&self, offset: usize, dotted: bool) -> (usize, usize) {
        let is_word = |c: char| c.is_alphanumeric() || c == '_' || (dotted && c == '.');
        let offset = offset.min(self.text.len());
        let start = self.text[..offset]
            .char_indices()
            .rev()
            .take_while(|(_, c)| is_word(*c))
            .last()
            .map_or(offset, |(at, _)| at);
        let end = self.text[offset..]
            .char_indices()
            .find(|(_, c)| !is_word(*c))
            .map_or(self.text.len(), |(at, _)| offset + at);
        (start, end)
    }

    /// Where `name` is named as a whole word first at or after byte `offset`, within the
    /// statement's reach (a few kilobytes): a definition's name after `class`/`def`, an
    /// imported name after `from m import`.
    pub fn name_after(&self, offset: usize, name: &str) -> Option<usize> {
        if name.is_empty() || offset > self.text.len() {
            return None;
        }
        let mut end = self.text.len().min(offset + 4096);
        while !self.text.is_char_boundary(end) {
            end -= 1;
        }
        let window = &self.text[offset..end];
        let is_word = |c: char| c.is_alphanumeric() || c == '_';
        window
            .match_indices(name)
            .find(|(found, _)| {
                let before = window[..*found].chars().next_back();
                let after = window[found + name.len()..].chars().next();
                !before.is_some_and(is_word) && !after.is_some_and(is_word)
            })
            .map(|(found, _)| offset + found)
    }

    pub fn text(&self) -> &'t str {
        self.text
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn positions_round_trip_in_each_encoding() {
        let text = "a = 1\nb = \"é𝄞\" + c\n";
        let c = text.rfind('c').unwrap();
        for (encoding, character) in [
            (Encoding::Utf8, 15),
            (Encoding::Utf16, 12),
            (Encoding::Utf32, 11),
        ] {
            let index = LineIndex::new(text, encoding);
            assert_eq!(index.position(c), Position::new(1, character));
            assert_eq!(index.offset(Position::new(1, character)), c);
        }
    }

    #[test]
    fn a_position_past_a_line_is_its_end() {
        let index = LineIndex::new("ab\r\ncd", Encoding::Utf16);
        assert_eq!(index.offset(Position::new(0, 40)), 2);
        assert_eq!(index.offset(Position::new(9, 0)), 6);
    }

    #[test]
    fn summary_places_are_characters() {
        let text = "é = x.y\n";
        let index = LineIndex::new(text, Encoding::Utf16);
        let x = text.find('x').unwrap();
        assert_eq!(
            index.offset_of(summary::Position { line: 1, col: 5 }),
            Some(x)
        );
        assert_eq!(index.word_at(x + 1, true), (x, x + 3));
    }
}
