//! Member lookup: fields and methods of a type through one pointer and
//! embedded fields, breadth-first so the shallowest depth wins (two
//! candidates at the same depth are ambiguous: none), and the method sets of
//! interfaces including embedded interfaces. Named types of other packages
//! are read from the universe's summaries.

use std::sync::Arc;

use super::typeexpr;
use super::{Member, PackageModel};
use crate::types::{NamedRef, Signature, Type};

/// Deepest embedding followed.
const MAX_EMBED_DEPTH: usize = 8;

impl PackageModel<'_> {
    /// The field or method `name` of a type, through one pointer and
    /// embedded fields (shallowest depth wins, as in Go).
    pub fn lookup_member(&self, ty: &Type, name: &str) -> Option<Member> {
        let Type::Named(n) = ty.deref() else {
            return None;
        };
        let mut level = vec![n.clone()];
        let mut seen: Vec<NamedRef> = Vec::new();
        for _ in 0..MAX_EMBED_DEPTH {
            let mut found: Vec<Member> = Vec::new();
            let mut next = Vec::new();
            for n in level {
                if seen.contains(&n) {
                    continue;
                }
                seen.push(n.clone());
                if n.pkg.is_empty() && &*n.name == "error" {
                    if name == "Error" {
                        found.push(error_method());
                    }
                    continue;
                }
                let Some(decl) = self.type_decl(&n) else {
                    continue;
                };
                if decl.is_interface() {
                    if let Some(m) = self.interface_method(&n, name, 0) {
                        found.push(m);
                    }
                    continue;
                }
                if let Some(m) = decl.methods.iter().find(|m| &*m.name == name) {
                    found.push(Member::Method {
                        recv: n.clone(),
                        sig: m.sig.clone(),
                        pointer_recv: m.pointer_recv,
                    });
                }
                // `type A B` has B's fields (not its methods).
                let Some(fields) = self.struct_fields(&n) else {
                    continue;
                };
                for f in fields {
                    if &*f.name == name {
                        found.push(Member::Field { ty: f.ty.clone() });
                    }
                    if f.embedded {
                        if let Type::Named(e) = f.ty.deref() {
                            next.push(e.clone());
                        }
                    }
                }
            }
            match found.len() {
                0 => {}
                1 => return found.pop(),
                _ => return None,
            }
            if next.is_empty() {
                return None;
            }
            level = next;
        }
        None
    }

    /// The fields of a named struct type, through defined types (`type A B`).
    fn struct_fields(&self, n: &NamedRef) -> Option<&[super::FieldDecl]> {
        let mut n = n.clone();
        for _ in 0..MAX_EMBED_DEPTH {
            let decl = self.type_decl(&n)?;
            match &decl.underlying {
                Type::Struct => return Some(&decl.fields),
                Type::Named(m) => n = m.clone(),
                _ => return None,
            }
        }
        None
    }

    /// Method `name` of interface `n` or of the interfaces it embeds.
    fn interface_method(&self, n: &NamedRef, name: &str, depth: usize) -> Option<Member> {
        if depth > MAX_EMBED_DEPTH {
            return None;
        }
        if n.pkg.is_empty() && &*n.name == "error" {
            return (name == "Error").then(error_method);
        }
        let decl = self.type_decl(n)?;
        if let Some(m) = decl.methods.iter().find(|m| &*m.name == name) {
            return Some(Member::Method {
                recv: n.clone(),
                sig: m.sig.clone(),
                pointer_recv: false,
            });
        }
        if let Type::Named(under) = &decl.underlying {
            // `type I J` with J an interface.
            return self.interface_method(under, name, depth + 1);
        }
        decl.embeds
            .iter()
            .filter_map(|e| e.named_ref())
            .find_map(|e| self.interface_method(e, name, depth + 1))
    }
}

/// `error.Error() string`.
fn error_method() -> Member {
    Member::Method {
        recv: NamedRef::new("", "error"),
        sig: Arc::new(Signature {
            params: Vec::new(),
            results: vec![typeexpr::basic("string")],
            variadic: false,
        }),
        pointer_recv: false,
    }
}
