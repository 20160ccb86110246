//! Byte-oriented Go lexer with automatic semicolon insertion, modelled on go/scanner.
//!
//! Tokens are returned by value and carry only byte offsets; the text of identifiers and
//! literals is the source slice `pos..end`, so lexing allocates nothing per token.

use crate::token::Tok;
use crate::SyntaxError;

/// One token. `implicit` marks a semicolon inserted at a newline or EOF (go/scanner's
/// literal "\n"); its span is empty.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Token {
    /// Kind.
    pub tok: Tok,
    /// Start byte offset.
    pub pos: u32,
    /// End byte offset (exclusive).
    pub end: u32,
    /// Automatically inserted semicolon.
    pub implicit: bool,
}

/// The lexer. Comments are returned as `Tok::Comment` tokens.
pub struct Lexer<'a> {
    src: &'a [u8],
    pos: usize,
    insert_semi: bool,
    /// Position of the first newline inside a `/*...*/` comment that must be followed by
    /// an inserted semicolon.
    nl_pos: Option<u32>,
    /// Scanner errors, in the order found.
    pub errors: Vec<SyntaxError>,
    /// NUL and misplaced BOM errors, found up front and released once the scan reaches
    /// them (go/scanner reports them when it reads the character).
    pending: Vec<SyntaxError>,
    pending_next: usize,
}

fn is_letter(b: u8) -> bool {
    b.is_ascii_alphabetic() || b == b'_'
}

impl<'a> Lexer<'a> {
    /// Starts lexing `src`, skipping a leading byte order mark.
    pub fn new(src: &'a str) -> Lexer<'a> {
        let bytes = src.as_bytes();
        let pos = if bytes.starts_with(b"\xEF\xBB\xBF") {
            3
        } else {
            0
        };
        let mut pending = Vec::new();
        // go/scanner reports NUL bytes and misplaced BOMs wherever they occur, even inside
        // literals and comments, so find them up front.
        for i in memchr::memchr2_iter(0, 0xEF, bytes) {
            if bytes[i] == 0 {
                pending.push(SyntaxError {
                    offset: i as u32,
                    message: "illegal character NUL".into(),
                });
            } else if i > 0 && bytes[i..].starts_with(b"\xEF\xBB\xBF") {
                pending.push(SyntaxError {
                    offset: i as u32,
                    message: "illegal byte order mark".into(),
                });
            }
        }
        Lexer {
            src: bytes,
            pos,
            insert_semi: false,
            nl_pos: None,
            errors: Vec::new(),
            pending,
            pending_next: 0,
        }
    }

    fn error(&mut self, offset: usize, msg: impl Into<String>) {
        self.errors.push(SyntaxError {
            offset: offset as u32,
            message: msg.into(),
        });
    }

    #[inline]
    fn peek(&self) -> u8 {
        *self.src.get(self.pos).unwrap_or(&0xFF)
    }

    #[inline]
    fn peek_at(&self, n: usize) -> u8 {
        *self.src.get(self.pos + n).unwrap_or(&0xFF)
    }

    fn at_eof(&self) -> bool {
        self.pos >= self.src.len()
    }

    /// Decodes the char at `self.pos` (which must be a non-ASCII lead byte).
    fn char_at(&self, at: usize) -> Option<char> {
        let s = std::str::from_utf8(&self.src[at..self.src.len().min(at + 4)])
            .ok()
            .or_else(|| {
                // A 4-byte window may cut the following char; shorten until valid.
                (1..4)
                    .rev()
                    .find_map(|n| std::str::from_utf8(self.src.get(at..at + n)?).ok())
            })?;
        s.chars().next()
    }

    fn ident_continue(&self) -> Option<usize> {
        let b = self.peek();
        if b.is_ascii_alphanumeric() || b == b'_' {
            return Some(1);
        }
        if b >= 0x80 && !self.at_eof() {
            let c = self.char_at(self.pos)?;
            if c.is_alphanumeric() {
                return Some(c.len_utf8());
            }
        }
        None
    }

    /// Returns the next token.
    pub fn next_token(&mut self) -> Token {
        let t = self.scan();
        while let Some(e) = self.pending.get(self.pending_next) {
            if e.offset as usize > self.pos {
                break;
            }
            self.errors.push(e.clone());
            self.pending_next += 1;
        }
        t
    }

    fn scan(&mut self) -> Token {
        if let Some(nl) = self.nl_pos.take() {
            return Token {
                tok: Tok::Semicolon,
                pos: nl,
                end: nl,
                implicit: true,
            };
        }
        // Skip whitespace; a newline ends the scan if a semicolon is due.
        while let Some(&b) = self.src.get(self.pos) {
            if b == b' ' || b == b'\t' || b == b'\r' || (b == b'\n' && !self.insert_semi) {
                self.pos += 1;
            } else {
                break;
            }
        }
        let start = self.pos;
        let mut insert_semi = false;
        let tok = if self.at_eof() {
            if self.insert_semi {
                self.insert_semi = false;
                return Token {
                    tok: Tok::Semicolon,
                    pos: start as u32,
                    end: start as u32,
                    implicit: true,
                };
            }
            Tok::Eof
        } else {
            let b = self.src[self.pos];
            if is_letter(b)
                || (b >= 0x80 && self.char_at(self.pos).is_some_and(|c| c.is_alphabetic()))
            {
                self.pos += if b >= 0x80 {
                    self.char_at(self.pos).map_or(1, char::len_utf8)
                } else {
                    1
                };
                // Fast path over ASCII identifier bytes; fall back per char for Unicode.
                loop {
                    while let Some(&b) = self.src.get(self.pos) {
                        if b.is_ascii_alphanumeric() || b == b'_' {
                            self.pos += 1;
                        } else {
                            break;
                        }
                    }
                    match self.ident_continue() {
                        Some(n) => self.pos += n,
                        None => break,
                    }
                }
                let word = &self.src[start..self.pos];
                let tok = if word.len() > 1 {
                    Tok::keyword(word).unwrap_or(Tok::Ident)
                } else {
                    Tok::Ident
                };
                insert_semi = matches!(
                    tok,
                    Tok::Ident | Tok::Break | Tok::Continue | Tok::Fallthrough | Tok::Return
                );
                tok
            } else if b.is_ascii_digit() || (b == b'.' && self.peek_at(1).is_ascii_digit()) {
                insert_semi = true;
                self.scan_number()
            } else {
                self.pos += 1;
                match b {
                    b'\n' => {
                        self.insert_semi = false;
                        return Token {
                            tok: Tok::Semicolon,
                            pos: start as u32,
                            end: start as u32,
                            implicit: true,
                        };
                    }
                    b'"' => {
                        insert_semi = true;
                        self.scan_string(start);
                        Tok::String
                    }
                    b'\'' => {
                        insert_semi = true;
                        self.scan_rune(start);
                        Tok::Char
                    }
                    b'`' => {
                        insert_semi = true;
                        match memchr_byte(b'`', &self.src[self.pos..]) {
                            Some(i) => self.pos += i + 1,
                            None => {
                                self.pos = self.src.len();
                                self.error(start, "raw string literal not terminated");
                            }
                        }
                        Tok::String
                    }
                    b':' => self.switch2(Tok::Colon, Tok::Define),
                    b'.' => {
                        if self.peek() == b'.' && self.peek_at(1) == b'.' {
                            self.pos += 2;
                            Tok::Ellipsis
                        } else {
                            Tok::Period
                        }
                    }
                    b',' => Tok::Comma,
                    b';' => Tok::Semicolon,
                    b'(' => Tok::Lparen,
                    b')' => {
                        insert_semi = true;
                        Tok::Rparen
                    }
                    b'[' => Tok::Lbrack,
                    b']' => {
                        insert_semi = true;
                        Tok::Rbrack
                    }
                    b'{' => Tok::Lbrace,
                    b'}' => {
                        insert_semi = true;
                        Tok::Rbrace
                    }
                    b'+' => {
                        let t = self.switch3(Tok::Add, Tok::AddAssign, b'+', Tok::Inc);
                        insert_semi = t == Tok::Inc;
                        t
                    }
                    b'-' => {
                        let t = self.switch3(Tok::Sub, Tok::SubAssign, b'-', Tok::Dec);
                        insert_semi = t == Tok::Dec;
                        t
                    }
                    b'*' => self.switch2(Tok::Mul, Tok::MulAssign),
                    b'/' if self.peek() == b'/' || self.peek() == b'*' => {
                        let nl = self.scan_comment(start);
                        if self.insert_semi && nl.is_some() {
                            // A /*...*/ comment spanning lines ends the statement: the
                            // semicolon comes after the comment, at its first newline.
                            self.nl_pos = nl;
                            self.insert_semi = false;
                        } else {
                            insert_semi = self.insert_semi;
                        }
                        Tok::Comment
                    }
                    b'/' => self.switch2(Tok::Quo, Tok::QuoAssign),
                    b'%' => self.switch2(Tok::Rem, Tok::RemAssign),
                    b'^' => self.switch2(Tok::Xor, Tok::XorAssign),
                    b'<' => {
                        if self.peek() == b'-' {
                            self.pos += 1;
                            Tok::Arrow
                        } else {
                            self.switch4(Tok::Lss, Tok::Leq, b'<', Tok::Shl, Tok::ShlAssign)
                        }
                    }
                    b'>' => self.switch4(Tok::Gtr, Tok::Geq, b'>', Tok::Shr, Tok::ShrAssign),
                    b'=' => self.switch2(Tok::Assign, Tok::Eql),
                    b'!' => self.switch2(Tok::Not, Tok::Neq),
                    b'&' => {
                        if self.peek() == b'^' {
                            self.pos += 1;
                            self.switch2(Tok::AndNot, Tok::AndNotAssign)
                        } else {
                            self.switch3(Tok::And, Tok::AndAssign, b'&', Tok::Land)
                        }
                    }
                    b'|' => self.switch3(Tok::Or, Tok::OrAssign, b'|', Tok::Lor),
                    b'~' => Tok::Tilde,
                    _ => {
                        // Illegal character: consume the whole UTF-8 sequence.
                        if b >= 0x80 {
                            let c = self.char_at(start);
                            self.pos = start + c.map_or(1, char::len_utf8);
                            match c {
                                Some('\u{FEFF}') => {} // reported up front
                                Some(c @ ('\u{201C}' | '\u{201D}')) => self.error(
                                    start,
                                    format!("curly quotation mark '{c}' (use neutral '\"')"),
                                ),
                                Some(c) => self.error(
                                    start,
                                    format!("illegal character U+{:04X} '{c}'", c as u32),
                                ),
                                None => self.error(start, "illegal UTF-8 encoding"),
                            }
                        } else {
                            let msg = if b.is_ascii_graphic() {
                                format!("illegal character U+{:04X} '{}'", b, b as char)
                            } else {
                                format!("illegal character U+{b:04X}")
                            };
                            self.error(start, msg);
                        }
                        insert_semi = self.insert_semi;
                        Tok::Illegal
                    }
                }
            }
        };
        self.insert_semi = insert_semi;
        Token {
            tok,
            pos: start as u32,
            end: self.pos as u32,
            implicit: false,
        }
    }

    fn switch2(&mut self, t0: Tok, t1: Tok) -> Tok {
        if self.peek() == b'=' {
            self.pos += 1;
            return t1;
        }
        t0
    }

    fn switch3(&mut self, t0: Tok, t1: Tok, ch2: u8, t2: Tok) -> Tok {
        if self.peek() == b'=' {
            self.pos += 1;
            return t1;
        }
        if self.peek() == ch2 {
            self.pos += 1;
            return t2;
        }
        t0
    }

    fn switch4(&mut self, t0: Tok, t1: Tok, ch2: u8, t2: Tok, t3: Tok) -> Tok {
        if self.peek() == b'=' {
            self.pos += 1;
            return t1;
        }
        if self.peek() == ch2 {
            self.pos += 1;
            if self.peek() == b'=' {
                self.pos += 1;
                return t3;
            }
            return t2;
        }
        t0
    }

    /// Scans a comment whose '/' is at `start` (already consumed). Returns the offset of
    /// the first newline inside a `/*...*/` comment.
    fn scan_comment(&mut self, start: usize) -> Option<u32> {
        if self.peek() == b'/' {
            let rest = &self.src[self.pos..];
            self.pos += memchr_byte(b'\n', rest).unwrap_or(rest.len());
            return None;
        }
        self.pos += 1; // '*'
        let body = &self.src[self.pos..];
        let close = find_comment_end(body);
        let nl =
            memchr_byte(b'\n', &body[..close.unwrap_or(body.len())]).map(|i| (self.pos + i) as u32);
        match close {
            Some(i) => self.pos += i + 2,
            None => {
                self.pos = self.src.len();
                self.error(start, "comment not terminated");
            }
        }
        nl
    }

    fn digits(&mut self, base: u32, invalid: &mut Option<usize>) -> u8 {
        let mut digsep = 0;
        loop {
            let b = self.peek();
            if b == b'_' {
                digsep |= 2;
            } else if base <= 10 && b.is_ascii_digit() {
                if (b - b'0') as u32 >= base && invalid.is_none() {
                    *invalid = Some(self.pos);
                }
                digsep |= 1;
            } else if base == 16 && b.is_ascii_hexdigit() {
                digsep |= 1;
            } else {
                return digsep;
            }
            self.pos += 1;
        }
    }

    fn scan_number(&mut self) -> Tok {
        let start = self.pos;
        let mut tok = Tok::Illegal;
        let mut base = 10;
        let mut prefix = 0u8;
        let mut digsep = 0u8;
        let mut invalid = None;
        if self.peek() != b'.' {
            tok = Tok::Int;
            if self.peek() == b'0' {
                self.pos += 1;
                match self.peek().to_ascii_lowercase() {
                    b'x' => {
                        self.pos += 1;
                        base = 16;
                        prefix = b'x';
                    }
                    b'o' => {
                        self.pos += 1;
                        base = 8;
                        prefix = b'o';
                    }
                    b'b' => {
                        self.pos += 1;
                        base = 2;
                        prefix = b'b';
                    }
                    _ => {
                        base = 8;
                        prefix = b'0';
                        digsep = 1;
                    }
                }
            }
            digsep |= self.digits(base, &mut invalid);
        }
        if self.peek() == b'.' {
            tok = Tok::Float;
            if prefix == b'o' || prefix == b'b' {
                self.error(
                    self.pos,
                    format!("invalid radix point in {}", litname(prefix)),
                );
            }
            self.pos += 1;
            digsep |= self.digits(base, &mut invalid);
        }
        if digsep & 1 == 0 {
            self.error(self.pos, format!("{} has no digits", litname(prefix)));
        }
        let e = self.peek().to_ascii_lowercase();
        if e == b'e' || e == b'p' {
            if e == b'e' && prefix != 0 && prefix != b'0' {
                self.error(
                    self.pos,
                    format!(
                        "'{}' exponent requires decimal mantissa",
                        self.peek() as char
                    ),
                );
            } else if e == b'p' && prefix != b'x' {
                self.error(
                    self.pos,
                    format!(
                        "'{}' exponent requires hexadecimal mantissa",
                        self.peek() as char
                    ),
                );
            }
            self.pos += 1;
            tok = Tok::Float;
            if self.peek() == b'+' || self.peek() == b'-' {
                self.pos += 1;
            }
            let ds = self.digits(10, &mut None);
            digsep |= ds;
            if ds & 1 == 0 {
                self.error(self.pos, "exponent has no digits");
            }
        } else if prefix == b'x' && tok == Tok::Float {
            self.error(self.pos, "hexadecimal mantissa requires a 'p' exponent");
        }
        if self.peek() == b'i' {
            tok = Tok::Imag;
            self.pos += 1;
        }
        if tok == Tok::Int {
            if let Some(i) = invalid {
                self.error(
                    i,
                    format!(
                        "invalid digit '{}' in {}",
                        self.src[i] as char,
                        litname(prefix)
                    ),
                );
            }
        }
        if digsep & 2 != 0 {
            if let Some(i) = invalid_sep(&self.src[start..self.pos]) {
                self.error(start + i, "'_' must separate successive digits");
            }
        }
        tok
    }

    fn scan_escape(&mut self, quote: u8) -> bool {
        let offs = self.pos;
        let (mut n, base, max): (u32, u32, u32) = match self.peek() {
            b'a' | b'b' | b'f' | b'n' | b'r' | b't' | b'v' | b'\\' => {
                self.pos += 1;
                return true;
            }
            c if c == quote => {
                self.pos += 1;
                return true;
            }
            b'0'..=b'7' => (3, 8, 255),
            b'x' => {
                self.pos += 1;
                (2, 16, 255)
            }
            b'u' => {
                self.pos += 1;
                (4, 16, 0x10FFFF)
            }
            b'U' => {
                self.pos += 1;
                (8, 16, 0x10FFFF)
            }
            _ => {
                let msg = if self.at_eof() {
                    "escape sequence not terminated"
                } else {
                    "unknown escape sequence"
                };
                self.error(offs, msg);
                return false;
            }
        };
        let mut x: u32 = 0;
        while n > 0 {
            let d = (self.peek() as char).to_digit(16).unwrap_or(99);
            if d >= base {
                let msg = if self.at_eof() {
                    "escape sequence not terminated".to_string()
                } else {
                    match self.char_at(self.pos) {
                        Some(c) if c.is_ascii_graphic() || !c.is_ascii() => {
                            format!(
                                "illegal character U+{:04X} '{c}' in escape sequence",
                                c as u32
                            )
                        }
                        Some(c) => {
                            format!("illegal character U+{:04X} in escape sequence", c as u32)
                        }
                        None => "illegal character in escape sequence".to_string(),
                    }
                };
                self.error(self.pos, msg);
                return false;
            }
            x = x.wrapping_mul(base).wrapping_add(d);
            self.pos += 1;
            n -= 1;
        }
        if x > max || (0xD800..0xE000).contains(&x) {
            self.error(offs, "escape sequence is invalid Unicode code point");
            return false;
        }
        true
    }

    fn scan_rune(&mut self, start: usize) {
        let mut valid = true;
        let mut n = 0;
        loop {
            if self.at_eof() || self.peek() == b'\n' {
                if valid {
                    self.error(start, "rune literal not terminated");
                    valid = false;
                }
                break;
            }
            let ch = self.src[self.pos];
            self.pos += 1;
            if ch == b'\'' {
                break;
            }
            if ch & 0xC0 != 0x80 {
                n += 1; // count chars, not bytes
            }
            if ch == b'\\' && !self.scan_escape(b'\'') {
                valid = false;
            }
        }
        if valid && n != 1 {
            self.error(start, "illegal rune literal");
        }
    }

    fn scan_string(&mut self, start: usize) {
        loop {
            // Skip plain bytes up to the next quote, backslash or newline.
            let rest = &self.src[self.pos..];
            self.pos += memchr::memchr3(b'"', b'\\', b'\n', rest).unwrap_or(rest.len());
            if self.at_eof() || self.peek() == b'\n' {
                self.error(start, "string literal not terminated");
                break;
            }
            let ch = self.src[self.pos];
            self.pos += 1;
            if ch == b'"' {
                break;
            }
            if ch == b'\\' {
                self.scan_escape(b'"');
            }
        }
    }
}

fn litname(prefix: u8) -> &'static str {
    match prefix {
        b'x' => "hexadecimal literal",
        b'o' | b'0' => "octal literal",
        b'b' => "binary literal",
        _ => "decimal literal",
    }
}

/// Index of the first misplaced '_' in a number literal, as go/scanner's invalidSep.
fn invalid_sep(x: &[u8]) -> Option<usize> {
    let mut x1 = b' ';
    let mut d = b'.';
    let mut i = 0;
    if x.len() >= 2 && x[0] == b'0' {
        x1 = x[1].to_ascii_lowercase();
        if x1 == b'x' || x1 == b'o' || x1 == b'b' {
            d = b'0';
            i = 2;
        }
    }
    while i < x.len() {
        let p = d;
        d = x[i];
        if d == b'_' {
            if p != b'0' {
                return Some(i);
            }
        } else if d.is_ascii_digit() || (x1 == b'x' && d.is_ascii_hexdigit()) {
            d = b'0';
        } else {
            if p == b'_' {
                return Some(i - 1);
            }
            d = b'.';
        }
        i += 1;
    }
    if d == b'_' {
        return Some(x.len() - 1);
    }
    None
}

#[inline]
fn memchr_byte(needle: u8, hay: &[u8]) -> Option<usize> {
    memchr::memchr(needle, hay)
}

/// Offset of the "*/" closing a block comment body.
fn find_comment_end(body: &[u8]) -> Option<usize> {
    memchr::memmem::find(body, b"*/")
}

#[cfg(test)]
mod tests {
    use super::*;

    /// (token, text) pairs; inserted semicolons show as ";\n".
    fn lex(src: &str) -> Vec<(Tok, String)> {
        let mut l = Lexer::new(src);
        let mut out = Vec::new();
        loop {
            let t = l.next_token();
            if t.tok == Tok::Eof {
                return out;
            }
            let text = if t.implicit {
                ";\n".to_string()
            } else {
                src[t.pos as usize..t.end as usize].to_string()
            };
            out.push((t.tok, text));
            assert!(out.len() < 10_000, "lexer does not terminate");
        }
    }

    fn toks(src: &str) -> Vec<Tok> {
        lex(src).into_iter().map(|(t, _)| t).collect()
    }

    fn errors(src: &str) -> Vec<(u32, String)> {
        let mut l = Lexer::new(src);
        while l.next_token().tok != Tok::Eof {}
        l.errors
            .into_iter()
            .map(|e| (e.offset, e.message))
            .collect()
    }

    #[test]
    fn semicolons_are_inserted_after_line_final_tokens() {
        use Tok::*;
        assert_eq!(toks("x\n"), [Ident, Semicolon]);
        assert_eq!(
            toks("return\nbreak\ncontinue\nfallthrough\n"),
            [
                Return,
                Semicolon,
                Break,
                Semicolon,
                Continue,
                Semicolon,
                Fallthrough,
                Semicolon
            ]
        );
        assert_eq!(
            toks("1\n2.0\n3i\n'a'\n\"s\"\n`r`\n"),
            [
                Int, Semicolon, Float, Semicolon, Imag, Semicolon, Char, Semicolon, String,
                Semicolon, String, Semicolon
            ]
        );
        assert_eq!(
            toks(")\n]\n}\nx++\nx--\n"),
            [
                Rparen, Semicolon, Rbrack, Semicolon, Rbrace, Semicolon, Ident, Inc, Semicolon,
                Ident, Dec, Semicolon
            ]
        );
        // No insertion after operators, keywords like `func`, or opening brackets.
        assert_eq!(toks("x +\ny"), [Ident, Add, Ident, Semicolon]);
        assert_eq!(toks("func\n(\n"), [Func, Lparen]);
        // At EOF without newline.
        assert_eq!(toks("x"), [Ident, Semicolon]);
    }

    #[test]
    fn comments_and_semicolons() {
        use Tok::*;
        // A line comment comes before the inserted semicolon, which sits at the newline.
        let src = "x // c\ny";
        let mut l = Lexer::new(src);
        assert_eq!(l.next_token().tok, Ident);
        assert_eq!(l.next_token().tok, Comment);
        let semi = l.next_token();
        assert_eq!((semi.tok, semi.pos, semi.implicit), (Semicolon, 6, true));
        // A multi-line block comment ends the statement at its first newline.
        let src = "x /* a\nb */ y";
        let mut l = Lexer::new(src);
        l.next_token();
        assert_eq!(l.next_token().tok, Comment);
        let semi = l.next_token();
        assert_eq!((semi.tok, semi.pos), (Semicolon, 6));
        // A single-line block comment does not.
        assert_eq!(
            toks("x /* a */ + y"),
            [Ident, Comment, Add, Ident, Semicolon]
        );
    }

    #[test]
    fn number_literals() {
        use Tok::*;
        let cases = [
            ("0", Int),
            ("42", Int),
            ("0x1F", Int),
            ("0X_1f", Int),
            ("0o17", Int),
            ("0O17", Int),
            ("017", Int),
            ("0b1010", Int),
            ("1_000_000", Int),
            ("1.5", Float),
            (".5", Float),
            ("1.", Float),
            ("1e10", Float),
            ("1E-3", Float),
            ("0x1p-2", Float),
            ("0x1.8P+3", Float),
            ("0x.8p0", Float),
            ("2i", Imag),
            ("1.5i", Imag),
            ("0x10i", Imag),
            ("089i", Imag),
            ("1_0.2_5e1_0", Float),
        ];
        for (src, want) in cases {
            assert_eq!(lex(src)[0], (want, src.to_string()), "{src}");
            assert!(errors(src).is_empty(), "{src}: {:?}", errors(src));
        }
    }

    #[test]
    fn number_literal_errors() {
        assert_eq!(
            errors("0x"),
            [(2, "hexadecimal literal has no digits".to_string())]
        );
        assert_eq!(
            errors("1__0"),
            [(2, "'_' must separate successive digits".to_string())]
        );
        assert_eq!(
            errors("0b102"),
            [(4, "invalid digit '2' in binary literal".to_string())]
        );
        assert_eq!(
            errors("09"),
            [(1, "invalid digit '9' in octal literal".to_string())]
        );
        assert_eq!(
            errors("0x1.0"),
            [(
                5,
                "hexadecimal mantissa requires a 'p' exponent".to_string()
            )]
        );
        assert_eq!(errors("1e"), [(2, "exponent has no digits".to_string())]);
    }

    #[test]
    fn string_and_rune_literals() {
        use Tok::*;
        for src in [
            r#""a\tb\"c\\""#,
            r#""\u00e9\U0001F600\x41\101""#,
            "\"é\"",
            "`raw\\n\nline`",
        ] {
            assert_eq!(lex(src)[0], (String, src.to_string()));
            assert!(errors(src).is_empty(), "{src}");
        }
        for src in [
            "'a'",
            r"'\n'",
            r"'\''",
            r"'\x41'",
            r"'\u00e9'",
            "'é'",
            r"'\377'",
        ] {
            assert_eq!(lex(src)[0], (Char, src.to_string()));
            assert!(errors(src).is_empty(), "{src}");
        }
        assert_eq!(errors("'ab'"), [(0, "illegal rune literal".to_string())]);
        assert_eq!(errors("''"), [(0, "illegal rune literal".to_string())]);
        assert_eq!(
            errors("'a"),
            [(0, "rune literal not terminated".to_string())]
        );
        assert_eq!(
            errors(r#""\q""#),
            [(2, "unknown escape sequence".to_string())]
        );
        assert_eq!(
            errors(r#""\uD800""#),
            [(
                2,
                "escape sequence is invalid Unicode code point".to_string()
            )]
        );
    }

    #[test]
    fn unterminated_tokens_end_at_eof_or_line() {
        assert_eq!(
            errors("\"abc\nx"),
            [(0, "string literal not terminated".to_string())]
        );
        assert_eq!(lex("\"abc\nx")[0].1, "\"abc");
        assert_eq!(
            errors("`abc\nx"),
            [(0, "raw string literal not terminated".to_string())]
        );
        assert_eq!(
            errors("/* abc"),
            [(0, "comment not terminated".to_string())]
        );
        assert_eq!(lex("/* abc"), [(Tok::Comment, "/* abc".to_string())]);
    }

    #[test]
    fn bom_nul_and_illegal_characters() {
        // A leading BOM is skipped; later ones and NUL bytes are errors.
        assert_eq!(lex("\u{feff}x")[0], (Tok::Ident, "x".to_string()));
        assert!(errors("\u{feff}x").is_empty());
        assert_eq!(
            errors("x\u{feff}"),
            [(1, "illegal byte order mark".to_string())]
        );
        assert_eq!(
            errors("x\0"),
            [
                (1, "illegal character NUL".to_string()),
                (1, "illegal character U+0000".to_string())
            ]
        );
        assert_eq!(
            errors("@"),
            [(0, "illegal character U+0040 '@'".to_string())]
        );
        assert_eq!(
            errors("\u{201c}"),
            [(
                0,
                "curly quotation mark '\u{201c}' (use neutral '\"')".to_string()
            )]
        );
        // Stray carriage returns are whitespace.
        assert_eq!(
            toks("x\r\ny\r"),
            [Tok::Ident, Tok::Semicolon, Tok::Ident, Tok::Semicolon]
        );
    }

    #[test]
    fn operators_and_unicode_identifiers() {
        use Tok::*;
        assert_eq!(
            toks("&^= &^ <<= >>= <- ... ~ := != && || |="),
            [
                AndNotAssign,
                AndNot,
                ShlAssign,
                ShrAssign,
                Arrow,
                Ellipsis,
                Tilde,
                Define,
                Neq,
                Land,
                Lor,
                OrAssign
            ]
        );
        assert_eq!(
            lex("héllo 日本 x1")[..3]
                .iter()
                .map(|t| t.1.as_str())
                .collect::<Vec<_>>(),
            ["héllo", "日本", "x1"]
        );
    }
}
