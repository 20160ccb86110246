//! goguard_syntax: how Go source text becomes a tree. It owns the lexer (with automatic
//! semicolon insertion), the recursive-descent parser, the arena-based AST with byte spans,
//! comments and the line index. It knows nothing about types, packages or rules.
