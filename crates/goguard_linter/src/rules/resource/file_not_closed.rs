//! RS005 file-not-closed.

use goguard_syntax::NodeKind;

use crate::analyses::closers::{check_acquisition, Kind};
use crate::analyses::handoff::ParamHandoffs;
use crate::declare_rule;
use crate::engine::{Analysis, Context};

declare_rule! {
    /// ## What it does
    /// Finds files, connections and listeners that are not closed on some
    /// path from the call that opened them to a return, and ones that are
    /// discarded: `os.Open`, `Create`, `OpenFile`, `CreateTemp`,
    /// `ioutil.TempFile`, `zip.OpenReader`, the `Dial` and `Listen`
    /// functions of `net` and `crypto/tls`, and any constructor of the
    /// module (`NewX`, `OpenX`, `CreateX`, `DialX`) returning a value with a
    /// `Close()` method.
    ///
    /// The branch where the call's error is non-nil (or the value is nil)
    /// needs no close. Handing the value off counts as closing it: returning
    /// it, storing it in a field, variable, map or slice that escapes,
    /// sending it, passing it to a function outside the standard library
    /// (or to one of the package's functions that may close or keep it),
    /// or using it in a function literal that outlives the statement
    /// (`defer func() { _ = f.Close() }()`). A value stored into an object
    /// or slice made in the function (`files = append(files, f)`) is handed
    /// off where that holder escapes. Reading or writing it through the
    /// standard library (`io.Copy`, `bufio.NewReader`) does not close it.
    ///
    /// ## Why is this bad?
    /// Each open file or connection holds a descriptor until it is closed or
    /// its finalizer happens to run. A function that forgets the close on an
    /// error path leaks one descriptor per failure; a service under load
    /// then fails with "too many open files", and a file that is written
    /// but never closed may lose the data still buffered by the system.
    ///
    /// ## Example
    /// ```go
    /// package config
    ///
    /// import (
    ///     "encoding/json"
    ///     "errors"
    ///     "os"
    /// )
    ///
    /// func load(path string, v any) error {
    ///     f, err := os.Open(path)
    ///     if err != nil {
    ///         return err
    ///     }
    ///     st, err := f.Stat()
    ///     if err != nil {
    ///         return err
    ///     }
    ///     if st.Size() == 0 {
    ///         return errors.New("empty config")
    ///     }
    ///     defer f.Close()
    ///     return json.NewDecoder(f).Decode(v)
    /// }
    /// ```
    ///
    /// ## Use instead
    /// ```go
    /// package config
    ///
    /// import (
    ///     "encoding/json"
    ///     "errors"
    ///     "os"
    /// )
    ///
    /// func load(path string, v any) error {
    ///     f, err := os.Open(path)
    ///     if err != nil {
    ///         return err
    ///     }
    ///     defer f.Close()
    ///     st, err := f.Stat()
    ///     if err != nil {
    ///         return err
    ///     }
    ///     if st.Size() == 0 {
    ///         return errors.New("empty config")
    ///     }
    ///     return json.NewDecoder(f).Decode(v)
    /// }
    /// ```
    ///
    /// ## Known limitations
    /// - Not run in `_test.go` files, nor in `func main` of package main and
    ///   `init` functions, whose files live as long as the process.
    /// - Only values held in a local variable are followed. A value passed to
    ///   a function of another package of the module counts as handed off,
    ///   whatever that function does with it; functions of the same package
    ///   are looked into.
    /// - Any function literal that closes the value counts, even if it runs
    ///   only on some paths; a deferred closure installed before the value
    ///   is made (closing whatever the variable holds at return) silences
    ///   the check for that variable.
    /// - Going round a loop back to the call, or overwriting the variable,
    ///   while the previous value is still open is reported as a leak of
    ///   that value; the path is not followed further.
    pub struct FileNotClosed {
        name: "file-not-closed",
        code: "RS005",
        domain: Resource,
        category: Correctness,
        status: Stable,
        in_tests: false,
        requires: &[ParamHandoffs::ID],
    }
}

impl FileNotClosed {
    fn run(&self, cx: &mut Context<'_>) {
        for &call in cx.nodes_of_kind(NodeKind::CallExpr) {
            if let Some(d) = check_acquisition(cx, call, &[Kind::Closer]) {
                cx.report(d);
            }
        }
    }
}
