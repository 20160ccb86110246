//! Findings the engine itself reports, named and coded like rules so they
//! can be selected, ignored and explained: syntax errors, rules that
//! crashed, and malformed or unused `//goguard:ignore` comments.

use super::rule::Category;

/// A finding kind produced by the engine rather than by a rule.
#[derive(Debug)]
pub struct BuiltinRule {
    pub name: &'static str,
    pub code: &'static str,
    pub category: Category,
    /// Markdown, with the same sections as a rule's documentation.
    pub doc: &'static str,
}

pub const SYNTAX_ERROR: BuiltinRule = BuiltinRule {
    name: "syntax-error",
    code: "E001",
    category: Category::Correctness,
    doc: "## What it does
Reports Go source that does not parse, with the parser's message.

## Why is this bad?
The go command refuses to build the package. goguard still checks the rest of
the file as far as the parser could recover, and the package's other files,
but findings near the error may be missing or wrong.

## Example
```go
package p

func f() {
\tx :=
}
```

## Use instead
```go
package p

func f() int {
\tx := 1
\treturn x
}
```

## Known limitations
Messages follow go/parser's wording; `go vet` may word the same error
differently.
",
};

pub const INTERNAL_ERROR: BuiltinRule = BuiltinRule {
    name: "internal-error",
    code: "E002",
    category: Category::Correctness,
    doc: "## What it does
Reports that goguard itself failed while checking a file: a rule (named in the
message) stopped unexpectedly.

## Why is this bad?
The failing rule's findings for that file are missing. Other rules and files
are unaffected.

## Example
Any file that triggers a goguard bug.

## Use instead
Please report the message and, if you can, the smallest file that triggers it.
Meanwhile `ignore = [\"<rule-name>\"]` for the affected path in goguard.toml
silences it.

## Known limitations
None: this finding exists so that a bug never hides silently.
",
};

pub const INVALID_SUPPRESSION: BuiltinRule = BuiltinRule {
    name: "invalid-suppression",
    code: "E003",
    category: Category::Suspicious,
    doc: "## What it does
Reports a `//goguard:ignore` comment that names no rule, names an unknown rule,
or gives no reason.

## Why is this bad?
A suppression without a reason leaves the next reader guessing whether the
finding was a false positive or a known bug left in place. A misspelt rule
suppresses nothing.

## Example
```go
package p

func f() {
\tgo work() //goguard:ignore goroutine-leak
}

func work() {}
```

## Use instead
```go
package p

func f() {
\tgo work() //goguard:ignore goroutine-leak work returns when the queue closes
}

func work() {}
```

## Known limitations
The reason is free text; goguard only checks that there is one.
",
};

pub const UNUSED_SUPPRESSION: BuiltinRule = BuiltinRule {
    name: "unused-suppression",
    code: "E004",
    category: Category::Suspicious,
    doc: "## What it does
Reports a `//goguard:ignore` comment naming a rule that ran on the line it
covers and found nothing there.

## Why is this bad?
A stale suppression would hide a future, real finding on that line.

## Example
```go
package p

func f() {
\tx := 1 //goguard:ignore context-cancel-not-called no context here
\t_ = x
}
```

## Use instead
```go
package p

func f() {
\tx := 1
\t_ = x
}
```

## Known limitations
A suppression naming a rule that did not run on the file (not selected, or
not applicable to the file's Go version or to test files) is never reported
as unused.
",
};

/// Every engine finding kind, in code order.
pub const BUILTINS: &[&BuiltinRule] = &[
    &SYNTAX_ERROR,
    &INTERNAL_ERROR,
    &INVALID_SUPPRESSION,
    &UNUSED_SUPPRESSION,
];
