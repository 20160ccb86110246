//! RS007 defer-in-loop: a `defer` directly inside a loop body.

use goguard_syntax::NodeKind;

use crate::analyses::loops::{enclosing_loop, loop_header_span, loop_runs_once, runs_again};
use crate::declare_rule;
use crate::engine::Context;

declare_rule! {
    /// ## What it does
    /// Reports a `defer` statement inside the body of a `for` or `range`
    /// loop (in the same function, not inside a function literal called by
    /// the loop) when the loop can run the `defer` again.
    ///
    /// ## Why is this bad?
    /// Deferred calls run when the function returns, not at the end of the
    /// iteration. Every iteration adds one more pending call: files, response
    /// bodies and connections stay open until the whole loop is done (a
    /// loop over many files runs out of descriptors), locks taken in the loop
    /// are never released before the next iteration locks again (deadlock),
    /// and the pending calls hold on to their arguments' memory.
    ///
    /// ## Example
    /// ```go
    /// package files
    ///
    /// import "os"
    ///
    /// func sizes(paths []string) (int64, error) {
    /// 	var total int64
    /// 	for _, p := range paths {
    /// 		f, err := os.Open(p)
    /// 		if err != nil {
    /// 			return 0, err
    /// 		}
    /// 		defer f.Close()
    /// 		st, err := f.Stat()
    /// 		if err != nil {
    /// 			return 0, err
    /// 		}
    /// 		total += st.Size()
    /// 	}
    /// 	return total, nil
    /// }
    /// ```
    ///
    /// ## Use instead
    /// ```go
    /// package files
    ///
    /// import "os"
    ///
    /// func sizes(paths []string) (int64, error) {
    /// 	var total int64
    /// 	for _, p := range paths {
    /// 		n, err := size(p)
    /// 		if err != nil {
    /// 			return 0, err
    /// 		}
    /// 		total += n
    /// 	}
    /// 	return total, nil
    /// }
    ///
    /// func size(p string) (int64, error) {
    /// 	f, err := os.Open(p)
    /// 	if err != nil {
    /// 		return 0, err
    /// 	}
    /// 	defer f.Close()
    /// 	st, err := f.Stat()
    /// 	if err != nil {
    /// 		return 0, err
    /// 	}
    /// 	return st.Size(), nil
    /// }
    /// ```
    ///
    /// ## Known limitations
    /// A loop whose every path after the `defer` leaves the function or the
    /// loop is recognised (the `defer` cannot run twice), but a loop that
    /// runs once because of its data (`for range oneElementSlice`) is not.
    /// `goto` loops are not loops to this rule.
    pub struct DeferInLoop {
        name: "defer-in-loop",
        code: "RS007",
        domain: Resource,
        category: Suspicious,
        status: Stable,
    }
}

impl DeferInLoop {
    fn run(&self, cx: &mut Context<'_>) {
        let defers = cx.nodes_of_kind(NodeKind::DeferStmt).to_vec();
        for stmt in defers {
            let Some(loop_stmt) = enclosing_loop(cx, stmt) else {
                continue;
            };
            let Some(func) = cx.enclosing_func(loop_stmt) else {
                continue;
            };
            let again = runs_again(cx, func, stmt).unwrap_or(!loop_runs_once(cx, loop_stmt));
            if !again {
                continue;
            }
            let diagnostic = cx
                .diagnostic(
                    stmt,
                    "defer inside a loop runs only when the function returns",
                )
                .with_help(
                    "move the loop body into a function so the deferred call runs each \
                     iteration, or call it explicitly at the end of the iteration",
                )
                .with_related(loop_header_span(cx, loop_stmt), "loop starts here");
            cx.report(diagnostic);
        }
    }
}
