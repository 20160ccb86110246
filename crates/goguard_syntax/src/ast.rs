//! The syntax tree: an arena of nodes addressed by [`NodeId`], mirroring go/ast's node types.
//!
//! Every node lives in one flat `Vec<Node>`; child lists (statements, arguments, fields...)
//! are [`List`] ranges into one shared `Vec<NodeId>`. Positions are 0-based byte offsets
//! into the source; [`NO_POS`] marks an absent position (go/token's `NoPos`). Identifier
//! and literal text is not copied: it is the source slice of the node's span.

use crate::token::Tok;
use std::num::NonZeroU32;

/// A byte offset into the source.
pub type Pos = u32;
/// An absent position (go/token's `NoPos`).
pub const NO_POS: Pos = u32::MAX;

/// Index of a node in [`Ast::nodes`]. `Option<NodeId>` is 4 bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct NodeId(NonZeroU32);

impl NodeId {
    /// The node's index in the arena.
    pub fn index(self) -> usize {
        self.0.get() as usize - 1
    }
    pub(crate) fn from_index(i: usize) -> NodeId {
        NodeId(NonZeroU32::new(i as u32 + 1).expect("arena overflow"))
    }
}

/// A range of node ids in [`Ast::lists`]; resolve with [`Ast::list`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct List {
    /// First element's index in `Ast::lists`.
    pub start: u32,
    /// Number of elements.
    pub len: u32,
}

impl List {
    /// True when the list has no elements (go/ast's nil slice).
    pub fn is_empty(self) -> bool {
        self.len == 0
    }
}

/// Index of a comment group in [`Ast::comment_groups`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct CommentGroupId(pub u32);

/// A single `//` or `/* */` comment. Its text is the source slice `pos..end`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Comment {
    /// Offset of the initial '/'.
    pub pos: Pos,
    /// Offset after the comment (before the newline for `//` comments).
    pub end: Pos,
}

/// Adjacent comments with no tokens or blank lines between them, as go/ast's CommentGroup.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CommentGroup {
    /// Index of the first comment in [`Ast::comments`].
    pub first: u32,
    /// Number of comments.
    pub len: u32,
}

/// Channel direction of a [`Node::ChanType`] (go/ast's ChanDir bits).
pub type ChanDir = u8;
/// Send-only channel bit.
pub const SEND: ChanDir = 1;
/// Receive-only channel bit.
pub const RECV: ChanDir = 2;

/// A syntax tree node. Variants and fields mirror go/ast; positions are byte offsets.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[allow(missing_docs)]
pub enum Node {
    // ---- expressions and types ----
    BadExpr {
        from: Pos,
        to: Pos,
    },
    /// An identifier; its name is `source[pos..end]`, or "_" when `synthetic` (inserted by
    /// error recovery for a missing name, as go/parser does).
    Ident {
        pos: Pos,
        end: Pos,
        synthetic: bool,
    },
    Ellipsis {
        pos: Pos,
        elt: Option<NodeId>,
    },
    /// A literal; its text is `source[pos..end]` (raw strings keep any '\r').
    BasicLit {
        pos: Pos,
        end: Pos,
        kind: Tok,
    },
    FuncLit {
        ty: NodeId,
        body: NodeId,
    },
    CompositeLit {
        ty: Option<NodeId>,
        lbrace: Pos,
        elts: List,
        rbrace: Pos,
        incomplete: bool,
    },
    ParenExpr {
        lparen: Pos,
        x: NodeId,
        rparen: Pos,
    },
    SelectorExpr {
        x: NodeId,
        sel: NodeId,
    },
    IndexExpr {
        x: NodeId,
        lbrack: Pos,
        index: NodeId,
        rbrack: Pos,
    },
    IndexListExpr {
        x: NodeId,
        lbrack: Pos,
        indices: List,
        rbrack: Pos,
    },
    SliceExpr {
        x: NodeId,
        lbrack: Pos,
        low: Option<NodeId>,
        high: Option<NodeId>,
        max: Option<NodeId>,
        slice3: bool,
        rbrack: Pos,
    },
    /// `x.(T)`; `ty` is None for `x.(type)`.
    TypeAssertExpr {
        x: NodeId,
        lparen: Pos,
        ty: Option<NodeId>,
        rparen: Pos,
    },
    CallExpr {
        fun: NodeId,
        lparen: Pos,
        args: List,
        ellipsis: Pos,
        rparen: Pos,
    },
    StarExpr {
        star: Pos,
        x: NodeId,
    },
    UnaryExpr {
        op_pos: Pos,
        op: Tok,
        x: NodeId,
    },
    BinaryExpr {
        x: NodeId,
        op_pos: Pos,
        op: Tok,
        y: NodeId,
    },
    KeyValueExpr {
        key: NodeId,
        colon: Pos,
        value: NodeId,
    },
    ArrayType {
        lbrack: Pos,
        len: Option<NodeId>,
        elt: NodeId,
    },
    StructType {
        struct_pos: Pos,
        fields: NodeId,
        incomplete: bool,
    },
    /// `func_pos` is NO_POS for interface methods.
    FuncType {
        func_pos: Pos,
        type_params: Option<NodeId>,
        params: NodeId,
        results: Option<NodeId>,
    },
    InterfaceType {
        interface_pos: Pos,
        methods: NodeId,
        incomplete: bool,
    },
    MapType {
        map_pos: Pos,
        key: NodeId,
        value: NodeId,
    },
    ChanType {
        begin: Pos,
        arrow: Pos,
        dir: ChanDir,
        value: NodeId,
    },
    // ---- fields ----
    Field {
        doc: Option<CommentGroupId>,
        names: List,
        ty: Option<NodeId>,
        tag: Option<NodeId>,
        comment: Option<CommentGroupId>,
    },
    FieldList {
        opening: Pos,
        list: List,
        closing: Pos,
    },
    // ---- statements ----
    BadStmt {
        from: Pos,
        to: Pos,
    },
    DeclStmt {
        decl: NodeId,
    },
    EmptyStmt {
        semicolon: Pos,
        implicit: bool,
    },
    LabeledStmt {
        label: NodeId,
        colon: Pos,
        stmt: NodeId,
    },
    ExprStmt {
        x: NodeId,
    },
    SendStmt {
        chan: NodeId,
        arrow: Pos,
        value: NodeId,
    },
    IncDecStmt {
        x: NodeId,
        tok_pos: Pos,
        tok: Tok,
    },
    AssignStmt {
        lhs: List,
        tok_pos: Pos,
        tok: Tok,
        rhs: List,
    },
    GoStmt {
        go_pos: Pos,
        call: NodeId,
    },
    DeferStmt {
        defer_pos: Pos,
        call: NodeId,
    },
    ReturnStmt {
        return_pos: Pos,
        results: List,
    },
    BranchStmt {
        tok_pos: Pos,
        tok: Tok,
        label: Option<NodeId>,
    },
    BlockStmt {
        lbrace: Pos,
        list: List,
        rbrace: Pos,
    },
    IfStmt {
        if_pos: Pos,
        init: Option<NodeId>,
        cond: NodeId,
        body: NodeId,
        else_: Option<NodeId>,
    },
    /// `case`/`default` clause of a switch; `default` has an empty `list`.
    CaseClause {
        case_pos: Pos,
        list: List,
        colon: Pos,
        body: List,
    },
    SwitchStmt {
        switch_pos: Pos,
        init: Option<NodeId>,
        tag: Option<NodeId>,
        body: NodeId,
    },
    TypeSwitchStmt {
        switch_pos: Pos,
        init: Option<NodeId>,
        assign: NodeId,
        body: NodeId,
    },
    /// `case`/`default` clause of a select; `default` has no `comm`.
    CommClause {
        case_pos: Pos,
        comm: Option<NodeId>,
        colon: Pos,
        body: List,
    },
    SelectStmt {
        select_pos: Pos,
        body: NodeId,
    },
    ForStmt {
        for_pos: Pos,
        init: Option<NodeId>,
        cond: Option<NodeId>,
        post: Option<NodeId>,
        body: NodeId,
    },
    /// `tok` is `Tok::Illegal` when there is no key (`for range x`).
    RangeStmt {
        for_pos: Pos,
        key: Option<NodeId>,
        value: Option<NodeId>,
        tok_pos: Pos,
        tok: Tok,
        range_pos: Pos,
        x: NodeId,
        body: NodeId,
    },
    // ---- specs and declarations ----
    ImportSpec {
        doc: Option<CommentGroupId>,
        name: Option<NodeId>,
        path: NodeId,
        comment: Option<CommentGroupId>,
    },
    ValueSpec {
        doc: Option<CommentGroupId>,
        names: List,
        ty: Option<NodeId>,
        values: List,
        comment: Option<CommentGroupId>,
    },
    TypeSpec {
        doc: Option<CommentGroupId>,
        name: NodeId,
        type_params: Option<NodeId>,
        assign: Pos,
        ty: NodeId,
        comment: Option<CommentGroupId>,
    },
    BadDecl {
        from: Pos,
        to: Pos,
    },
    /// `import`, `const`, `type` or `var` declaration; `lparen` is NO_POS when ungrouped.
    GenDecl {
        doc: Option<CommentGroupId>,
        tok_pos: Pos,
        tok: Tok,
        lparen: Pos,
        specs: List,
        rparen: Pos,
    },
    FuncDecl {
        doc: Option<CommentGroupId>,
        recv: Option<NodeId>,
        name: NodeId,
        ty: NodeId,
        body: Option<NodeId>,
    },
    /// The root. `package_pos` is NO_POS if the package clause is missing.
    File {
        doc: Option<CommentGroupId>,
        package_pos: Pos,
        name: NodeId,
        decls: List,
    },
}

/// The kind of a [`Node`], for cheap filtering (`ast.nodes_of_kind(NodeKind::CallExpr)`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[allow(missing_docs)]
pub enum NodeKind {
    BadExpr,
    Ident,
    Ellipsis,
    BasicLit,
    FuncLit,
    CompositeLit,
    ParenExpr,
    SelectorExpr,
    IndexExpr,
    IndexListExpr,
    SliceExpr,
    TypeAssertExpr,
    CallExpr,
    StarExpr,
    UnaryExpr,
    BinaryExpr,
    KeyValueExpr,
    ArrayType,
    StructType,
    FuncType,
    InterfaceType,
    MapType,
    ChanType,
    Field,
    FieldList,
    BadStmt,
    DeclStmt,
    EmptyStmt,
    LabeledStmt,
    ExprStmt,
    SendStmt,
    IncDecStmt,
    AssignStmt,
    GoStmt,
    DeferStmt,
    ReturnStmt,
    BranchStmt,
    BlockStmt,
    IfStmt,
    CaseClause,
    SwitchStmt,
    TypeSwitchStmt,
    CommClause,
    SelectStmt,
    ForStmt,
    RangeStmt,
    ImportSpec,
    ValueSpec,
    TypeSpec,
    BadDecl,
    GenDecl,
    FuncDecl,
    File,
}

impl NodeKind {
    /// go/ast's type name for this kind.
    pub fn name(self) -> &'static str {
        macro_rules! names { ($($k:ident),*) => { match self { $(NodeKind::$k => stringify!($k),)* } } }
        names!(
            BadExpr,
            Ident,
            Ellipsis,
            BasicLit,
            FuncLit,
            CompositeLit,
            ParenExpr,
            SelectorExpr,
            IndexExpr,
            IndexListExpr,
            SliceExpr,
            TypeAssertExpr,
            CallExpr,
            StarExpr,
            UnaryExpr,
            BinaryExpr,
            KeyValueExpr,
            ArrayType,
            StructType,
            FuncType,
            InterfaceType,
            MapType,
            ChanType,
            Field,
            FieldList,
            BadStmt,
            DeclStmt,
            EmptyStmt,
            LabeledStmt,
            ExprStmt,
            SendStmt,
            IncDecStmt,
            AssignStmt,
            GoStmt,
            DeferStmt,
            ReturnStmt,
            BranchStmt,
            BlockStmt,
            IfStmt,
            CaseClause,
            SwitchStmt,
            TypeSwitchStmt,
            CommClause,
            SelectStmt,
            ForStmt,
            RangeStmt,
            ImportSpec,
            ValueSpec,
            TypeSpec,
            BadDecl,
            GenDecl,
            FuncDecl,
            File
        )
    }
}

impl Node {
    /// This node's kind.
    pub fn kind(&self) -> NodeKind {
        macro_rules! kinds { ($($k:ident),*) => { match self { $(Node::$k { .. } => NodeKind::$k,)* } } }
        kinds!(
            BadExpr,
            Ident,
            Ellipsis,
            BasicLit,
            FuncLit,
            CompositeLit,
            ParenExpr,
            SelectorExpr,
            IndexExpr,
            IndexListExpr,
            SliceExpr,
            TypeAssertExpr,
            CallExpr,
            StarExpr,
            UnaryExpr,
            BinaryExpr,
            KeyValueExpr,
            ArrayType,
            StructType,
            FuncType,
            InterfaceType,
            MapType,
            ChanType,
            Field,
            FieldList,
            BadStmt,
            DeclStmt,
            EmptyStmt,
            LabeledStmt,
            ExprStmt,
            SendStmt,
            IncDecStmt,
            AssignStmt,
            GoStmt,
            DeferStmt,
            ReturnStmt,
            BranchStmt,
            BlockStmt,
            IfStmt,
            CaseClause,
            SwitchStmt,
            TypeSwitchStmt,
            CommClause,
            SelectStmt,
            ForStmt,
            RangeStmt,
            ImportSpec,
            ValueSpec,
            TypeSpec,
            BadDecl,
            GenDecl,
            FuncDecl,
            File
        )
    }
}

/// The node arena plus comments of one file.
#[derive(Debug, Clone, Default)]
pub struct Ast {
    /// All nodes, each after its children. May hold a few nodes not reachable from the
    /// root (left over when go/parser's logic rebuilds an expression, e.g. a `[P *C]` type
    /// parameter); walk from the root ([`Ast::walk`], `ParsedFile::nodes`) to see the tree.
    pub nodes: Vec<Node>,
    /// Storage of all child lists.
    pub lists: Vec<NodeId>,
    /// Every comment, in source order.
    pub comments: Vec<Comment>,
    /// Comment groups, in source order.
    pub comment_groups: Vec<CommentGroup>,
    /// (pos, end) of every node, filled in when parsing finishes.
    spans: Vec<(Pos, Pos)>,
}

impl Ast {
    /// The node with id `id`.
    #[inline]
    pub fn node(&self, id: NodeId) -> &Node {
        &self.nodes[id.index()]
    }

    /// The expression inside any parentheses around `id` (`id` itself when there are
    /// none). Ends: each `ParenExpr` holds a node made before it.
    pub fn unparen(&self, mut id: NodeId) -> NodeId {
        while let Node::ParenExpr { x, .. } = *self.node(id) {
            id = x;
        }
        id
    }

    /// The elements of a child list.
    #[inline]
    pub fn list(&self, l: List) -> &[NodeId] {
        &self.lists[l.start as usize..(l.start + l.len) as usize]
    }

    /// All arena nodes with their ids, in creation order (children before parents),
    /// including unreachable leftovers; prefer `ParsedFile::nodes` for the tree.
    pub fn nodes(&self) -> impl Iterator<Item = (NodeId, &Node)> + '_ {
        self.nodes
            .iter()
            .enumerate()
            .map(|(i, n)| (NodeId::from_index(i), n))
    }

    /// All nodes of one kind.
    pub fn nodes_of_kind(&self, kind: NodeKind) -> impl Iterator<Item = (NodeId, &Node)> + '_ {
        self.nodes().filter(move |(_, n)| n.kind() == kind)
    }

    /// The comments of a group.
    pub fn group_comments(&self, g: CommentGroupId) -> &[Comment] {
        let g = self.comment_groups[g.0 as usize];
        &self.comments[g.first as usize..(g.first + g.len) as usize]
    }

    /// Start of a comment group.
    pub fn group_pos(&self, g: CommentGroupId) -> Pos {
        self.group_comments(g)[0].pos
    }

    /// End of a comment group.
    pub fn group_end(&self, g: CommentGroupId) -> Pos {
        self.group_comments(g).last().map_or(NO_POS, |c| c.end)
    }

    /// Source text of a node's span (`source[pos..end]`), e.g. a literal with its quotes.
    pub fn text<'s>(&self, id: NodeId, source: &'s str) -> &'s str {
        let (p, e) = (self.pos(id), self.end(id));
        source.get(p as usize..e as usize).unwrap_or("")
    }

    /// Text of a comment, as written (including `//` or `/* */`).
    pub fn comment_text<'s>(&self, c: Comment, source: &'s str) -> &'s str {
        &source[c.pos as usize..c.end as usize]
    }

    /// Identifier name (`"_"` for a synthetic identifier).
    pub fn ident_name<'s>(&self, id: NodeId, source: &'s str) -> &'s str {
        match *self.node(id) {
            Node::Ident {
                synthetic: true, ..
            } => "_",
            Node::Ident { pos, end, .. } => &source[pos as usize..end as usize],
            _ => "",
        }
    }

    /// One step of go/ast's `Pos()`: the position itself, or the child it delegates to.
    fn pos_step(&self, id: NodeId) -> Result<NodeId, Pos> {
        {
            Ok(match *self.node(id) {
                Node::BadExpr { from, .. }
                | Node::BadStmt { from, .. }
                | Node::BadDecl { from, .. } => return Err(from),
                Node::Ident { pos, .. }
                | Node::Ellipsis { pos, .. }
                | Node::BasicLit { pos, .. } => return Err(pos),
                Node::FuncLit { ty, .. } => ty,
                Node::CompositeLit { ty, lbrace, .. } => match ty {
                    Some(t) => t,
                    None => return Err(lbrace),
                },
                Node::ParenExpr { lparen, .. } => return Err(lparen),
                Node::SelectorExpr { x, .. }
                | Node::IndexExpr { x, .. }
                | Node::IndexListExpr { x, .. }
                | Node::SliceExpr { x, .. }
                | Node::TypeAssertExpr { x, .. }
                | Node::BinaryExpr { x, .. }
                | Node::ExprStmt { x }
                | Node::IncDecStmt { x, .. } => x,
                Node::CallExpr { fun, .. } => fun,
                Node::StarExpr { star, .. } => return Err(star),
                Node::UnaryExpr { op_pos, .. } => return Err(op_pos),
                Node::KeyValueExpr { key, .. } => key,
                Node::ArrayType { lbrack, .. } => return Err(lbrack),
                Node::StructType { struct_pos, .. } => return Err(struct_pos),
                Node::FuncType {
                    func_pos, params, ..
                } => {
                    if func_pos != NO_POS {
                        return Err(func_pos);
                    }
                    params
                }
                Node::InterfaceType { interface_pos, .. } => return Err(interface_pos),
                Node::MapType { map_pos, .. } => return Err(map_pos),
                Node::ChanType { begin, .. } => return Err(begin),
                Node::Field { names, ty, .. } => match (self.list(names).first(), ty) {
                    (Some(&n), _) => n,
                    (None, Some(t)) => t,
                    _ => return Err(NO_POS),
                },
                Node::FieldList { opening, list, .. } => {
                    if opening != NO_POS {
                        return Err(opening);
                    }
                    match self.list(list).first() {
                        Some(&f) => f,
                        None => return Err(NO_POS),
                    }
                }
                Node::DeclStmt { decl } => decl,
                Node::EmptyStmt { semicolon, .. } => return Err(semicolon),
                Node::LabeledStmt { label, .. } => label,
                Node::SendStmt { chan, .. } => chan,
                Node::AssignStmt { lhs, .. } => match self.list(lhs).first() {
                    Some(&x) => x,
                    None => return Err(NO_POS),
                },
                Node::GoStmt { go_pos, .. } => return Err(go_pos),
                Node::DeferStmt { defer_pos, .. } => return Err(defer_pos),
                Node::ReturnStmt { return_pos, .. } => return Err(return_pos),
                Node::BranchStmt { tok_pos, .. } => return Err(tok_pos),
                Node::BlockStmt { lbrace, .. } => return Err(lbrace),
                Node::IfStmt { if_pos, .. } => return Err(if_pos),
                Node::CaseClause { case_pos, .. } | Node::CommClause { case_pos, .. } => {
                    return Err(case_pos)
                }
                Node::SwitchStmt { switch_pos, .. } | Node::TypeSwitchStmt { switch_pos, .. } => {
                    return Err(switch_pos)
                }
                Node::SelectStmt { select_pos, .. } => return Err(select_pos),
                Node::ForStmt { for_pos, .. } | Node::RangeStmt { for_pos, .. } => {
                    return Err(for_pos)
                }
                Node::ImportSpec { name, path, .. } => name.unwrap_or(path),
                Node::ValueSpec { names, .. } => match self.list(names).first() {
                    Some(&n) => n,
                    None => return Err(NO_POS),
                },
                Node::TypeSpec { name, .. } => name,
                Node::GenDecl { tok_pos, .. } => return Err(tok_pos),
                Node::FuncDecl { ty, .. } => ty,
                Node::File { package_pos, .. } => return Err(package_pos),
            })
        }
    }

    /// One step of go/ast's `End()`: the position itself, or the child it delegates to.
    fn end_step(&self, id: NodeId) -> Result<NodeId, Pos> {
        {
            Ok(match *self.node(id) {
                Node::BadExpr { to, .. } | Node::BadStmt { to, .. } | Node::BadDecl { to, .. } => {
                    return Err(to)
                }
                Node::Ident {
                    end,
                    synthetic,
                    pos,
                } => return Err(if synthetic { pos + 1 } else { end }),
                Node::Ellipsis { pos, elt } => match elt {
                    Some(e) => e,
                    None => return Err(pos + 3),
                },
                Node::BasicLit { end, .. } => return Err(end),
                Node::FuncLit { body, .. } => body,
                Node::CompositeLit { rbrace, .. } => return Err(rbrace.wrapping_add(1)),
                Node::ParenExpr { rparen, .. } => return Err(rparen.wrapping_add(1)),
                Node::SelectorExpr { sel, .. } => sel,
                Node::IndexExpr { rbrack, .. }
                | Node::IndexListExpr { rbrack, .. }
                | Node::SliceExpr { rbrack, .. } => return Err(rbrack.wrapping_add(1)),
                Node::TypeAssertExpr { rparen, .. } | Node::CallExpr { rparen, .. } => {
                    return Err(rparen.wrapping_add(1))
                }
                Node::StarExpr { x, .. } | Node::UnaryExpr { x, .. } | Node::ExprStmt { x } => x,
                Node::BinaryExpr { y, .. } => y,
                Node::KeyValueExpr { value, .. } => value,
                Node::ArrayType { elt, .. } => elt,
                Node::StructType { fields, .. } => fields,
                Node::FuncType {
                    params, results, ..
                } => results.unwrap_or(params),
                Node::InterfaceType { methods, .. } => methods,
                Node::MapType { value, .. } | Node::ChanType { value, .. } => value,
                Node::Field { names, ty, tag, .. } => match (tag, ty, self.list(names).last()) {
                    (Some(t), _, _) => t,
                    (None, Some(t), _) => t,
                    (None, None, Some(&n)) => n,
                    _ => return Err(NO_POS),
                },
                Node::FieldList { list, closing, .. } => {
                    if closing != NO_POS {
                        return Err(closing + 1);
                    }
                    match self.list(list).last() {
                        Some(&f) => f,
                        None => return Err(NO_POS),
                    }
                }
                Node::DeclStmt { decl } => decl,
                Node::EmptyStmt {
                    semicolon,
                    implicit,
                } => return Err(if implicit { semicolon } else { semicolon + 1 }),
                Node::LabeledStmt { stmt, .. } => stmt,
                Node::SendStmt { value, .. } => value,
                Node::IncDecStmt { tok_pos, .. } => return Err(tok_pos + 2),
                Node::AssignStmt { rhs, .. } => match self.list(rhs).last() {
                    Some(&x) => x,
                    None => return Err(NO_POS),
                },
                Node::GoStmt { call, .. } | Node::DeferStmt { call, .. } => call,
                Node::ReturnStmt {
                    return_pos,
                    results,
                } => match self.list(results).last() {
                    Some(&x) => x,
                    None => return Err(return_pos + 6),
                },
                Node::BranchStmt {
                    tok_pos,
                    tok,
                    label,
                } => match label {
                    Some(l) => l,
                    None => return Err(tok_pos + tok.as_str().len() as u32),
                },
                Node::BlockStmt {
                    lbrace,
                    list,
                    rbrace,
                } => {
                    if rbrace != NO_POS {
                        return Err(rbrace + 1);
                    }
                    match self.list(list).last() {
                        Some(&s) => s,
                        None => return Err(lbrace.wrapping_add(1)),
                    }
                }
                Node::IfStmt { body, else_, .. } => else_.unwrap_or(body),
                Node::CaseClause { colon, body, .. } | Node::CommClause { colon, body, .. } => {
                    match self.list(body).last() {
                        Some(&s) => s,
                        None => return Err(colon.wrapping_add(1)),
                    }
                }
                Node::SwitchStmt { body, .. }
                | Node::TypeSwitchStmt { body, .. }
                | Node::SelectStmt { body, .. }
                | Node::ForStmt { body, .. }
                | Node::RangeStmt { body, .. } => body,
                Node::ImportSpec { path, .. } => path,
                Node::ValueSpec {
                    names, ty, values, ..
                } => match (self.list(values).last(), ty) {
                    (Some(&v), _) => v,
                    (None, Some(t)) => t,
                    _ => match self.list(names).last() {
                        Some(&n) => n,
                        None => return Err(NO_POS),
                    },
                },
                Node::TypeSpec { ty, .. } => ty,
                Node::GenDecl { rparen, specs, .. } => {
                    if rparen != NO_POS {
                        return Err(rparen + 1);
                    }
                    match self.list(specs).first() {
                        Some(&s) => s,
                        None => return Err(NO_POS),
                    }
                }
                Node::FuncDecl { ty, body, .. } => body.unwrap_or(ty),
                Node::File { name, decls, .. } => match self.list(decls).last() {
                    Some(&d) => d,
                    None => name,
                },
            })
        }
    }
    /// Start position, exactly as go/ast's `Pos()` computes it. O(1) once parsing has
    /// finished (spans are precomputed); during parsing it follows left-most children.
    pub fn pos(&self, id: NodeId) -> Pos {
        if let Some(&(p, _)) = self.spans.get(id.index()) {
            return p;
        }
        let mut id = id;
        loop {
            match self.pos_step(id) {
                Ok(child) => id = child,
                Err(p) => return p,
            }
        }
    }

    /// End position, exactly as go/ast's `End()` computes it (O(1) after parsing).
    pub fn end(&self, id: NodeId) -> Pos {
        if let Some(&(_, e)) = self.spans.get(id.index()) {
            return e;
        }
        let mut id = id;
        loop {
            match self.end_step(id) {
                Ok(child) => id = child,
                Err(e) => return e,
            }
        }
    }

    /// Precomputes every node's (pos, end) in one pass. Children are always created
    /// before their parents, so each step's child span is already known; this keeps
    /// span queries O(1) even for the deep left-leaning trees of long operator chains.
    pub(crate) fn compute_spans(&mut self) {
        let mut spans: Vec<(Pos, Pos)> = Vec::with_capacity(self.nodes.len());
        for i in 0..self.nodes.len() {
            let id = NodeId::from_index(i);
            let resolve = |step: Result<NodeId, Pos>,
                           first: bool,
                           spans: &Vec<(Pos, Pos)>,
                           ast: &Ast| match step {
                Err(p) => p,
                Ok(c) if c.index() < spans.len() => {
                    if first {
                        spans[c.index()].0
                    } else {
                        spans[c.index()].1
                    }
                }
                Ok(c) => {
                    if first {
                        ast.pos(c)
                    } else {
                        ast.end(c)
                    }
                }
            };
            let p = resolve(self.pos_step(id), true, &spans, self);
            let e = resolve(self.end_step(id), false, &spans, self);
            spans.push((p, e));
        }
        self.spans = spans;
    }
}
