//! MM004 subslice-retains-buffer.

use goguard_syntax::Node;

use crate::analyses::sub_slices::{kept_sub_slices, KeptSubSlice};
use crate::declare_rule;
use crate::engine::Context;

declare_rule! {
    /// ## What it does
    /// Finds a sub-slice (`buf[:n]`, `buf[a:b]`) of a large local buffer
    /// that is kept beyond the function (returned, stored in a field, an
    /// element or a package variable, appended to one, sent on a channel,
    /// put in a composite literal that is itself kept so) without being
    /// copied, so the whole buffer stays alive as long as the small part.
    ///
    /// ## Why is this bad?
    /// A slice shares its array: keeping 20 bytes of a 32 KiB read buffer
    /// keeps all 32 KiB, for as long as the 20 bytes live. Kept in a cache,
    /// a map or a queue, the memory in use is the buffer size times the
    /// number of entries, and the heap profile shows it only as large
    /// objects at the `make` line.
    ///
    /// ## Example
    /// ```go
    /// package frames
    ///
    /// import "io"
    ///
    /// type conn struct {
    ///     r      io.Reader
    ///     header []byte
    /// }
    ///
    /// func (c *conn) readHeader() error {
    ///     buf := make([]byte, 32*1024)
    ///     n, err := c.r.Read(buf)
    ///     if err != nil {
    ///         return err
    ///     }
    ///     c.header = buf[:n]
    ///     return nil
    /// }
    /// ```
    ///
    /// ## Use instead
    /// ```go
    /// package frames
    ///
    /// import (
    ///     "bytes"
    ///     "io"
    /// )
    ///
    /// type conn struct {
    ///     r      io.Reader
    ///     header []byte
    /// }
    ///
    /// func (c *conn) readHeader() error {
    ///     buf := make([]byte, 32*1024)
    ///     n, err := c.r.Read(buf)
    ///     if err != nil {
    ///         return err
    ///     }
    ///     c.header = bytes.Clone(buf[:n])
    ///     return nil
    /// }
    /// ```
    ///
    /// ## Known limitations
    /// - A buffer is reported when its capacity is a constant of at least
    ///   4096 elements (literals, arithmetic and constants of the package:
    ///   `32*1024`, `maxFrame`), or when its size is not a constant and the
    ///   buffer is passed to a call that may fill only a part of it
    ///   (`Read`, `io.ReadAtLeast`, `ReadFrom`, `ReadFromUDP`), so that how
    ///   much of it is kept depends on the input (`io.ReadFull` and `ReadAt`
    ///   fill all of it or fail). 4096 is a page: below it, the bytes a kept
    ///   part can waste are of the order of the allocator's own rounding,
    ///   and small buffers are mostly scratch space for an encoding whose
    ///   result fills most of them.
    /// - Only buffers made by `make` in a local variable are followed, and
    ///   only sub-slices of that variable in the same file; a buffer passed
    ///   to another function that keeps a part of it is not seen.
    /// - A slice as long as the buffer (`buf[:size]` of
    ///   `make([]byte, size)`, `buf[:len(buf)]`) is the whole buffer and is
    ///   not reported; a bound computed differently but equal is reported.
    /// - Whether the kept part lives long is not known: a sub-slice returned
    ///   to a caller that copies it or drops it soon is reported. A literal
    ///   passed to a call (`stream.Send(&Msg{Data: buf[:n]})`) or kept in a
    ///   local variable is taken as read, not kept, even when the call keeps
    ///   it.
    /// - A preview rule (select it with `--select MM004`).
    pub struct SubsliceRetainsBuffer {
        name: "subslice-retains-buffer",
        code: "MM004",
        domain: Memory,
        category: Perf,
        status: Preview,
    }
}

/// The smallest constant capacity, in elements, of a buffer reported: a page (see the
/// limitations above).
const LARGE_BUFFER: u64 = 4096;

impl SubsliceRetainsBuffer {
    fn run(&self, cx: &mut Context<'_>) {
        for kept in kept_sub_slices(cx.model(), cx.file()) {
            let Some(size) = reported_size(&kept) else {
                continue;
            };
            let name = cx.model().binding(kept.buffer).name.to_string();
            let slice = cx.text(kept.slice).to_string();
            // The buffer's slice type as written in `make([]T, ...)`.
            let slice_type = match *cx.node(kept.make) {
                Node::CallExpr { args, .. } => cx.ast().list(args).first().map(|&t| cx.text(t)),
                _ => None,
            }
            .unwrap_or("[]T");
            let d = cx
                .diagnostic(
                    kept.slice,
                    format!("{slice} is kept beyond the function and keeps all of {name} ({size}) alive"),
                )
                .with_help(format!(
                    "keep a copy of the part instead: append({slice_type}(nil), {slice}...)"
                ))
                .with_related(cx.span(kept.make), format!("{name} is allocated here"));
            cx.report(d);
        }
    }
}

/// How the buffer's size is described, when it is reported.
fn reported_size(kept: &KeptSubSlice) -> Option<String> {
    match kept.capacity {
        Some(n) if n >= LARGE_BUFFER => Some(format!("{n} elements")),
        Some(_) => None,
        None if kept.read_into => Some("a read buffer".to_string()),
        None => None,
    }
}
