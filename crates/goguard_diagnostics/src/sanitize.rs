//! Text that reaches a terminal or a log must not carry control sequences:
//! paths, function names and messages can come from files or programs one
//! does not trust (a goroutine dump of a hostile process, a file named with
//! an escape sequence). Every renderer that writes for people passes such
//! text through [`display_safe`].

use std::borrow::Cow;

/// `text` with every character that could move the cursor, change colours,
/// rename the terminal or reorder what is shown replaced by a visible
/// stand-in: C0 controls (tab kept) by their Unicode control pictures
/// (`ESC` becomes `␛`, a newline `␊`), DEL by `␡`, C1 controls and
/// bidirectional overrides by `�`.
pub fn display_safe(text: &str) -> Cow<'_, str> {
    if !text.chars().any(needs_replacing) {
        return Cow::Borrowed(text);
    }
    Cow::Owned(text.chars().map(replacement).collect())
}

fn needs_replacing(c: char) -> bool {
    replacement(c) != c
}

fn replacement(c: char) -> char {
    match c {
        '\t' => c,
        '\u{0}'..='\u{1f}' => char::from_u32(0x2400 + c as u32).unwrap_or('\u{fffd}'),
        '\u{7f}' => '\u{2421}',
        '\u{80}'..='\u{9f}'
        | '\u{200e}'
        | '\u{200f}'
        | '\u{202a}'..='\u{202e}'
        | '\u{2066}'..='\u{2069}' => '\u{fffd}',
        c => c,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_become_visible() {
        assert_eq!(display_safe("main.f"), Cow::Borrowed("main.f"));
        assert_eq!(
            display_safe("a\u{1b}[31mb\u{7}\nc\u{202e}d\u{9b}e\tf"),
            "a\u{241b}[31mb\u{2407}\u{240a}c\u{fffd}d\u{fffd}e\tf"
        );
    }
}
