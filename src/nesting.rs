//! How deeply a file nests, measured before it is parsed: the parser and the summary
//! recurse once per level, so a file nested past what CPython itself accepts is a
//! diagnostic instead of a stack overflow that would end the whole run.
//!
//! One pass over the bytes, no recursion: strings (prefixes, triple quotes, escapes,
//! f-strings with their replacement fields, nested as PEP 701 allows) and comments are
//! skipped; brackets, indentation and chains of operators are counted. Operators are
//! counted only on logical lines long enough to nest past the limit: on the others the
//! scan skips from one bracket, quote or line end to the next.

/// CPython's tokenizer refuses more nested brackets than this ("too many nested
/// parentheses").
pub const MAX_BRACKETS: usize = 200;
/// CPython's tokenizer refuses this many indentation levels ("too many levels of
/// indentation").
pub const MAX_INDENT: usize = 100;
/// Operators, attribute dots, calls and subscripts nested in one expression: CPython's
/// compiler gives up between 1,000 and 3,000 (`RecursionError` during compilation).
pub const MAX_CHAIN: usize = 3_000;

/// The bytes an identifier (or a word of non-ASCII text) is made of.
const IDENTIFIER: [bool; 256] = {
    let mut table = [false; 256];
    let mut b = 0;
    while b < 256 {
        let c = b as u8;
        table[b] = c.is_ascii_alphanumeric() || c == b'_' || c >= 0x80;
        b += 1;
    }
    table
};

/// A logical line this short cannot nest an expression past `MAX_CHAIN`: every level
/// counted is a byte of the line, a bracket two. Longer ones are scanned counting.
const SHORT_LINE: usize = (MAX_CHAIN - 1) / 2;

/// The bytes that change what the fast scan is inside: line ends, continuations,
/// comments, quotes and brackets (and, in a replacement field, the spec's colon).
const BOUNDARY: [bool; 256] = {
    let mut table = [false; 256];
    let mut b = 0;
    while b < 256 {
        table[b] = matches!(
            b as u8,
            b'\n' | b'\\' | b'#' | b'\'' | b'"' | b'(' | b')' | b'[' | b']' | b'{' | b'}'
        );
        b += 1;
    }
    table
};

/// The bytes `BOUNDARY` holds, for the vector search.
const BOUNDARY_BYTES: [u8; 11] = [
    b'\n', b'\\', b'#', b'\'', b'"', b'(', b')', b'[', b']', b'{', b'}',
];

/// Where the first `BOUNDARY` byte of `bytes` is (`bytes.len()` when none is): sixteen
/// bytes compared at a time, as most of a line is none of them.
#[cfg(target_arch = "x86_64")]
fn next_boundary(bytes: &[u8]) -> usize {
    use std::arch::x86_64::{
        __m128i, _mm_cmpeq_epi8, _mm_loadu_si128, _mm_movemask_epi8, _mm_or_si128, _mm_set1_epi8,
        _mm_setzero_si128,
    };
    let mut at = 0;
    // SAFETY: SSE2 is part of every x86_64 processor; each load reads the 16 bytes at
    // `at`, all inside `bytes`, unaligned.
    unsafe {
        let targets = BOUNDARY_BYTES.map(|b| _mm_set1_epi8(b as i8));
        while at + 16 <= bytes.len() {
            let chunk = _mm_loadu_si128(bytes.as_ptr().add(at).cast::<__m128i>());
            let mut hits = _mm_setzero_si128();
            for target in targets {
                hits = _mm_or_si128(hits, _mm_cmpeq_epi8(chunk, target));
            }
            let mask = _mm_movemask_epi8(hits);
            if mask != 0 {
                return at + mask.trailing_zeros() as usize;
            }
            at += 16;
        }
    }
    at + next_boundary_bytewise(&bytes[at..])
}

#[cfg(not(target_arch = "x86_64"))]
fn next_boundary(bytes: &[u8]) -> usize {
    next_boundary_bytewise(bytes)
}

fn next_boundary_bytewise(bytes: &[u8]) -> usize {
    (bytes.iter())
        .position(|&b| BOUNDARY[b as usize])
        .unwrap_or(bytes.len())
}

/// Why `source` nests too deeply to parse, with the 1-based line where it does.
///
/// Scanned fast, brackets, strings and indentation only, while each logical line is
/// short; a long line, or a failure, is scanned again from its start counting every
/// operator, as the failure is found in the exact order.
pub fn too_deep(source: &str) -> Option<(u32, String)> {
    let bytes = source.as_bytes();
    let mut scan = Scan::default();
    scan.frames.push(Frame::Code {
        chain: 0,
        field: false,
    });
    scan.line = 1;
    scan.logical_line = 1;
    scan.at_line_start = true;
    loop {
        match scan.run(bytes) {
            Ok(()) => return None,
            Err(Stop::Failed) => return scan.failure.take(),
            Err(Stop::Recount) => scan.rescan_line(),
        }
    }
}

/// What the scanner is inside, innermost last.
#[derive(Clone, Copy)]
enum Frame {
    /// The statement level, a bracket, or an f-string replacement field (`field`), with
    /// the operators counted in it since its last comma.
    Code { chain: usize, field: bool },
    /// A string literal.
    Text {
        quote: u8,
        triple: bool,
        format: bool,
    },
    /// The format spec after `:` in a replacement field: text up to the field's `}`.
    Spec,
}

/// Why a scan stopped before the end.
enum Stop {
    /// A limit was passed (`Scan::failure`), the first one as the counting scan finds.
    Failed,
    /// The current logical line is to be scanned again, counting: it is too long to
    /// skip counting, passed a limit (a count may pass another first), or a word before a
    /// quote may end a number.
    Recount,
}

#[derive(Default)]
struct Scan {
    frames: Vec<Frame>,
    indents: Vec<usize>,
    line: u32,
    /// Set when a limit is passed.
    failure: Option<(u32, String)>,
    /// Operators, keywords and calls are counted (else only brackets, strings and
    /// indentation are followed).
    counting: bool,
    /// The next byte to read.
    at: usize,
    at_line_start: bool,
    /// Where the current logical line starts, and its line number.
    logical_start: usize,
    logical_line: u32,
}

impl Scan {
    /// Scans the current logical line again from its start, counting. At its start
    /// only the statement level is open, and indentation read again changes nothing.
    fn rescan_line(&mut self) {
        self.counting = true;
        self.failure = None;
        self.at = self.logical_start;
        self.line = self.logical_line;
        self.at_line_start = true;
        self.frames.truncate(1);
        self.reset_chain();
    }

    /// Scans from where the scan is to the end.
    fn run(&mut self, bytes: &[u8]) -> Result<(), Stop> {
        while self.at < bytes.len() {
            self.at = self.step(bytes, self.at)?;
        }
        // A string's replacement field nested too deep ends the scan at once.
        if self.failure.is_some() {
            return Err(self.stop());
        }
        if !self.counting && bytes.len() - self.logical_start > SHORT_LINE {
            return Err(Stop::Recount);
        }
        Ok(())
    }

    /// How a scan stops at a limit: as it is when counting, else to count.
    fn stop(&self) -> Stop {
        match self.counting {
            true => Stop::Failed,
            false => Stop::Recount,
        }
    }

    /// Reads from `i` to the next place worth stopping at, and says where that is.
    fn step(&mut self, bytes: &[u8], mut i: usize) -> Result<usize, Stop> {
        let top = *self.frames.last().expect("the statement level");
        let (in_field, at_statement) = match top {
            Frame::Code { field, .. } => (field, self.frames.len() == 1),
            Frame::Text {
                quote,
                triple,
                format,
            } => return Ok(self.text_byte(bytes, i, quote, triple, format)),
            Frame::Spec => return Ok(self.spec_byte(bytes, i)),
        };
        if self.at_line_start && at_statement {
            self.at_line_start = false;
            let (width, next) = indentation(bytes, i);
            let blank = matches!(bytes.get(next), None | Some(b'\n' | b'\r' | b'#'));
            if !blank {
                while self.indents.last().is_some_and(|&top| top > width) {
                    self.indents.pop();
                }
                if width > self.indents.last().copied().unwrap_or(0) {
                    self.indents.push(width);
                    if self.indents.len() >= MAX_INDENT {
                        self.failure = Some((
                            self.line,
                            format!(
                                "{} levels of indentation: CPython refuses {MAX_INDENT} or more",
                                self.indents.len()
                            ),
                        ));
                        // The first thing read on its logical line: nothing counted
                        // before it there.
                        return Err(Stop::Failed);
                    }
                }
            }
            return Ok(next);
        }
        if !self.counting {
            i += match in_field {
                false => next_boundary(&bytes[i..]),
                true => (bytes[i..].iter())
                    .position(|&b| BOUNDARY[b as usize] || b == b':')
                    .unwrap_or(bytes.len() - i),
            };
            if i == bytes.len() {
                return Ok(i);
            }
        }
        let c = bytes[i];
        match c {
            b'\n' => {
                self.line += 1;
                if at_statement {
                    self.at_line_start = true;
                    self.reset_chain();
                    if !self.counting && i - self.logical_start > SHORT_LINE {
                        return Err(Stop::Recount);
                    }
                    self.counting = false;
                    self.logical_start = i + 1;
                    self.logical_line = self.line;
                }
                i += 1;
            }
            b'\\' => {
                // A line continuation: the logical line goes on.
                i += 1;
                if bytes.get(i) == Some(&b'\r') {
                    i += 1;
                }
                if bytes.get(i) == Some(&b'\n') {
                    self.line += 1;
                    i += 1;
                }
            }
            b'#' => {
                i = memchr::memchr(b'\n', &bytes[i..]).map_or(bytes.len(), |at| i + at);
            }
            b' ' | b'\t' => {
                i += 1;
                while matches!(bytes.get(i), Some(b' ' | b'\t')) {
                    i += 1;
                }
            }
            b'\'' | b'"' => {
                let start = match self.counting {
                    true => i,
                    false => prefix_start(bytes, i).ok_or(Stop::Recount)?,
                };
                i = self.open_text(bytes, i, start).ok_or(Stop::Failed)?;
            }
            b'(' | b'[' | b'{' => {
                self.count().ok_or(Stop::Failed)?;
                let opened = self.open_code(false);
                opened.ok_or(self.stop())?;
                i += 1;
            }
            b'}' if in_field => {
                self.frames.pop();
                i += 1;
            }
            b')' | b']' | b'}' => {
                if self.frames.len() > 1 {
                    self.frames.pop();
                }
                i += 1;
            }
            b':' if in_field => {
                self.frames.push(Frame::Spec);
                i += 1;
            }
            b',' | b';' => {
                self.reset_chain();
                i += 1;
            }
            c if c.is_ascii_alphabetic() || c == b'_' || c >= 0x80 => {
                let start = i;
                i += bytes[i..]
                    .iter()
                    .position(|&b| !IDENTIFIER[b as usize])
                    .unwrap_or(bytes.len() - i);
                let word = &bytes[start..i];
                if matches!(bytes.get(i), Some(b'\'' | b'"')) && is_prefix(word) {
                    i = self.open_text(bytes, i, start).ok_or(Stop::Failed)?;
                } else if matches!(word, b"lambda" | b"not" | b"await" | b"if" | b"else") {
                    self.count().ok_or(Stop::Failed)?;
                }
            }
            c if c.is_ascii_digit() => {
                // A number, dots and exponents included: no attribute access.
                while i < bytes.len() && (IDENTIFIER[bytes[i] as usize] || bytes[i] == b'.') {
                    i += 1;
                }
            }
            b'.' | b'+' | b'-' | b'*' | b'/' | b'%' | b'@' | b'&' | b'|' | b'^' | b'~' | b'<'
            | b'>' | b'=' | b'!' => {
                // One operator, however many characters it is written with. Comparisons
                // and assignments are flat (one node for the whole chain): not counted.
                let start = i;
                i += 1;
                while i < bytes.len() && c != b'.' && b"+-*/%@&|^~<>=!".contains(&bytes[i]) {
                    i += 1;
                }
                let operator = &bytes[start..i];
                let flat =
                    operator.ends_with(b"=") || matches!(operator, b"<" | b">" | b"->" | b"!");
                if !flat {
                    // `---x` nests three unary operators.
                    for _ in operator {
                        self.count().ok_or(Stop::Failed)?;
                    }
                }
            }
            _ => i += 1,
        }
        Ok(i)
    }

    fn reset_chain(&mut self) {
        if let Some(Frame::Code { chain, .. }) = self.frames.last_mut() {
            *chain = 0;
        }
    }

    /// A bracket or replacement field opens: one more level of code.
    fn open_code(&mut self, field: bool) -> Option<()> {
        self.frames.push(Frame::Code { chain: 0, field });
        let brackets = self
            .frames
            .iter()
            .filter(|f| matches!(f, Frame::Code { .. }))
            .count()
            - 1;
        if brackets > MAX_BRACKETS {
            self.failure = Some((
                self.line,
                format!(
                    "brackets nested more than {MAX_BRACKETS} deep: CPython refuses them (too \
                     many nested parentheses)"
                ),
            ));
            return None;
        }
        Some(())
    }

    /// Opens the string whose quote is at `quote_at` (its prefix starts at `start`).
    fn open_text(&mut self, bytes: &[u8], quote_at: usize, start: usize) -> Option<usize> {
        let prefix = &bytes[start..quote_at];
        let quote = bytes[quote_at];
        let triple =
            bytes.get(quote_at + 1) == Some(&quote) && bytes.get(quote_at + 2) == Some(&quote);
        let format = prefix
            .iter()
            .any(|b| matches!(b, b'f' | b'F' | b't' | b'T'));
        if format {
            // Nested f-strings nest the parser as brackets do.
            self.count()?;
        }
        self.frames.push(Frame::Text {
            quote,
            triple,
            format,
        });
        Some(quote_at + if triple { 3 } else { 1 })
    }

    /// One byte (or escape, or closing quote) of the innermost string.
    fn text_byte(
        &mut self,
        bytes: &[u8],
        i: usize,
        quote: u8,
        triple: bool,
        format: bool,
    ) -> usize {
        let c = bytes[i];
        let plain =
            |b: u8| b != quote && b != b'\\' && b != b'\n' && !(format && (b == b'{' || b == b'}'));
        if plain(c) {
            // Most of a string is plain text: skip to the next byte that means something.
            let rest = &bytes[i + 1..];
            let next = match format {
                false => memchr::memchr3(quote, b'\\', b'\n', rest),
                true => rest.iter().position(|&b| !plain(b)),
            };
            return i + 1 + next.unwrap_or(rest.len());
        }
        if c == b'\n' {
            self.line += 1;
            if !triple {
                // An unterminated one-line string ends with its line, as for the tokenizer.
                self.frames.pop();
            }
            return i + 1;
        }
        // A backslash keeps the quote, backslash or newline after it in the string, raw
        // strings included (`r'\''` is one string); a brace after it still counts.
        if c == b'\\' && matches!(bytes.get(i + 1), Some(b'\\' | b'\'' | b'"' | b'\n')) {
            if bytes.get(i + 1) == Some(&b'\n') {
                self.line += 1;
            }
            return i + 2;
        }
        if format && (c == b'{' || c == b'}') {
            if bytes.get(i + 1) == Some(&c) {
                return i + 2;
            }
            if c == b'{' && self.open_code(true).is_none() {
                return bytes.len();
            }
            return i + 1;
        }
        if c == quote && (!triple || (bytes.get(i + 1) == Some(&c) && bytes.get(i + 2) == Some(&c)))
        {
            self.frames.pop();
            return i + if triple { 3 } else { 1 };
        }
        i + 1
    }

    /// One byte of a format spec: `{` opens a nested field, `}` closes the spec's field.
    fn spec_byte(&mut self, bytes: &[u8], i: usize) -> usize {
        match bytes[i] {
            b'}' => {
                self.frames.pop();
                self.frames.pop();
            }
            b'{' if self.open_code(true).is_none() => return bytes.len(),
            b'\n' => self.line += 1,
            _ => {}
        }
        i + 1
    }

    /// One more nesting step in the innermost code frame; fails past the limit.
    fn count(&mut self) -> Option<()> {
        if !self.counting {
            return Some(());
        }
        if let Some(Frame::Code { chain, .. }) = self.frames.last_mut() {
            *chain += 1;
        }
        let depth: usize = self
            .frames
            .iter()
            .map(|f| match f {
                Frame::Code { chain, .. } => chain + 1,
                _ => 1,
            })
            .sum();
        if depth > MAX_CHAIN {
            self.failure = Some((
                self.line,
                format!(
                    "an expression nested more than {MAX_CHAIN} levels deep: CPython refuses to \
                     compile it"
                ),
            ));
            return None;
        }
        Some(())
    }
}

/// Where the string whose quote is at `quote_at` starts, its prefix included, read
/// backwards as the fast scan skipped the word before it; `None` when a `.` before the
/// word leaves unclear whether it ends a number (`1.f"…"`): the counting scan decides.
fn prefix_start(bytes: &[u8], quote_at: usize) -> Option<usize> {
    let mut start = quote_at;
    while start > 0 && quote_at - start <= 2 && IDENTIFIER[bytes[start - 1] as usize] {
        start -= 1;
    }
    let word = &bytes[start..quote_at];
    if word.is_empty() || word.len() > 2 || !is_prefix(word) {
        return Some(quote_at);
    }
    match start.checked_sub(1).map(|before| bytes[before]) {
        Some(b'.') => None,
        _ => Some(start),
    }
}

/// A string prefix: `r`, `b`, `f`, `u`, `t` in any case and order, at most two letters.
fn is_prefix(word: &[u8]) -> bool {
    word.len() <= 2
        && word
            .iter()
            .all(|b| matches!(b.to_ascii_lowercase(), b'r' | b'b' | b'f' | b'u' | b't'))
}

/// The width of the indentation starting at `i` (a tab to the next multiple of 8) and
/// where it ends.
fn indentation(bytes: &[u8], mut i: usize) -> (usize, usize) {
    let mut width = 0;
    while let Some(&c) = bytes.get(i) {
        match c {
            b' ' => width += 1,
            b'\t' => width = (width / 8 + 1) * 8,
            b'\x0c' => width = 0,
            _ => break,
        }
        i += 1;
    }
    (width, i)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn deep(text: &str) -> Option<String> {
        too_deep(text).map(|(line, message)| format!("{line}: {message}"))
    }

    #[test]
    fn the_vector_search_finds_the_boundary_the_bytewise_one_finds() {
        for byte in 0..=255u8 {
            assert_eq!(BOUNDARY[byte as usize], BOUNDARY_BYTES.contains(&byte));
        }
        // Every boundary byte and a few others, at every offset of lines up to 70 bytes
        // long (past four vectors), and non-ASCII bytes beside them.
        let fillers = [b"a".as_slice(), b" ", b"\xc3\xa9", b":", b"=", b"\t"];
        for boundary in BOUNDARY_BYTES.iter().map(|b| vec![*b]).chain([vec![]]) {
            for length in 0..70 {
                for filler in fillers {
                    let mut line: Vec<u8> = filler.iter().copied().cycle().take(length).collect();
                    line.extend(&boundary);
                    line.extend(b"tail(");
                    assert_eq!(
                        next_boundary(&line),
                        next_boundary_bytewise(&line),
                        "{:?}",
                        String::from_utf8_lossy(&line)
                    );
                }
            }
        }
    }

    #[test]
    fn brackets_past_cpythons_limit_are_refused_and_up_to_it_accepted() {
        let at = |n: usize| format!("x = {}{}\n", "[".repeat(n), "]".repeat(n));
        assert_eq!(deep(&at(MAX_BRACKETS)), None);
        assert_eq!(
            deep(&at(MAX_BRACKETS + 1)),
            Some(
                "1: brackets nested more than 200 deep: CPython refuses them (too many nested \
                 parentheses)"
                    .to_string()
            )
        );
        let mixed = format!("y = 1\nx = {}1{}\n", "({[".repeat(70), "]})".repeat(70));
        assert!(deep(&mixed).unwrap().starts_with("2: brackets"));
    }

    #[test]
    fn brackets_in_strings_and_comments_do_not_count() {
        let text = format!(
            "a = '{0}'\nb = \"\"\"{0}\n{0}\"\"\"\n# {0}\nc = r'\\'{0}'\nd = b\"{0}\"\n",
            "(".repeat(500)
        );
        assert_eq!(deep(&text), None);
    }

    #[test]
    fn f_string_fields_nest_and_their_text_does_not() {
        let fields = format!("x = {}1{}\n", "f\"{".repeat(250), "}\"".repeat(250));
        assert!(
            deep(&fields)
                .unwrap()
                .contains("brackets nested more than 200")
        );
        let text = format!(
            "x = f\"{{{{ {} }}}} {{y:>{{w}}}} {{z!r}}\"\n",
            "(".repeat(300)
        );
        assert_eq!(deep(&text), None, "escaped braces, specs and conversions");
        let fine = "x = f'{a}' + f\"{b['k']}\" + f'''{c:{d}.{e}}'''\n";
        assert_eq!(deep(fine), None);
    }

    #[test]
    fn indentation_stops_at_cpythons_limit() {
        let blocks = |n: usize| {
            let mut text: String = (0..n)
                .map(|i| format!("{}if x:\n", " ".repeat(i)))
                .collect();
            text.push_str(&" ".repeat(n));
            text.push_str("pass\n");
            text
        };
        assert_eq!(deep(&blocks(MAX_INDENT - 1)), None);
        assert_eq!(
            deep(&blocks(MAX_INDENT)),
            Some("101: 100 levels of indentation: CPython refuses 100 or more".to_string())
        );
        let inside_brackets = format!("x = (\n{}1)\n", " ".repeat(500));
        assert_eq!(
            deep(&inside_brackets),
            None,
            "indentation inside brackets is free"
        );
    }

    #[test]
    fn chains_that_nest_are_counted_and_flat_ones_are_not() {
        let over = MAX_CHAIN + 10;
        for chain in [
            format!("x = {}", vec!["1"; over].join("+")),
            format!("x = a{}", ".b".repeat(over)),
            format!("x = {}1", "lambda: ".repeat(over)),
            format!("x = {}1", "not ".repeat(over)),
            format!("x = {}1", "-".repeat(over)),
            format!("x = f{}", "()".repeat(over)),
            format!("x = a{}", "[0]".repeat(over)),
        ] {
            assert!(
                deep(&chain).is_some_and(|m| m.contains("nested more than 3000 levels")),
                "{}",
                &chain[..20]
            );
        }
        for flat in [
            format!("x = {}", vec!["a"; over].join(" and ")),
            format!("x = {}", vec!["a"; over].join(" < ")),
            format!("x = {}", vec!["a"; over].join(" = ")),
            format!("x = [{}]", vec!["a + 1"; over].join(", ")),
            format!("x = {}", vec!["1.5"; 100].join(" + ")),
        ] {
            assert_eq!(deep(&flat), None, "{}", &flat[..20]);
        }
    }

    #[test]
    fn a_long_line_is_counted_and_its_first_failure_is_the_one_said() {
        // Skipped fast, the brackets fail first; counted, the minus signs do.
        let both = format!(
            "y = 1\nx = {}1 + {}\n",
            "-".repeat(MAX_CHAIN + 1),
            "(".repeat(250)
        );
        assert!(deep(&both).is_some_and(|m| m.starts_with("2: an expression nested")));
        let lines = format!(
            "{}x = {}1\n",
            "y = [\n    1,\n]\n".repeat(50),
            "-".repeat(MAX_CHAIN + 1)
        );
        assert!(deep(&lines).is_some_and(|m| m.starts_with("151: an expression nested")));
        let wide = format!("x = [{}]\n", vec!["-1"; 2 * SHORT_LINE].join(", "));
        assert_eq!(deep(&wide), None, "a long line that does not nest");
    }

    #[test]
    fn a_prefix_after_a_number_is_read_as_the_tokenizer_reads_it() {
        // `1.f` is one number, so the string after it is no f-string: its braces are text.
        let fields = |before: &str| format!("x = {before}\"{{{}\"\n", "(".repeat(250));
        assert_eq!(deep(&fields("1.f")), None);
        assert!(deep(&fields("a.f")).is_some_and(|m| m.contains("brackets nested")));
        assert!(deep(&fields("f")).is_some_and(|m| m.contains("brackets nested")));
        assert_eq!(deep(&fields("rb")), None);
    }

    #[test]
    fn a_million_levels_end_quickly() {
        let text = format!("x = {}", "[".repeat(1_000_000));
        assert!(deep(&text).is_some());
        let text = format!("x = {}", "'".repeat(1_000_000));
        assert_eq!(deep(&text), None);
    }
}
