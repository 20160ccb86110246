//! Which calls never return, for the CFG's panic edges.
//!
//! The list mirrors the one the CFG crate documents (os.Exit, log.Fatal*,
//! log.Panic*, runtime.Goexit, testing's Fatal/FailNow/Skip family, panic).

use goguard_semantic::model::Callee;

/// True when a call to `callee` never returns to its caller.
pub fn never_returns(callee: &Callee) -> bool {
    match callee {
        Callee::Builtin(name) => &**name == "panic",
        Callee::Func(f) => match &*f.pkg {
            "os" => &*f.name == "Exit",
            "runtime" => &*f.name == "Goexit",
            "log" => matches!(
                &*f.name,
                "Fatal" | "Fatalf" | "Fatalln" | "Panic" | "Panicf" | "Panicln"
            ),
            "syscall" => &*f.name == "Exit",
            _ => false,
        },
        Callee::Method { recv, name } => {
            let testing =
                &*recv.pkg == "testing" && matches!(&*recv.name, "T" | "B" | "F" | "TB" | "common");
            let logger = recv.is("log", "Logger");
            (testing
                && matches!(
                    &**name,
                    "Fatal" | "Fatalf" | "FailNow" | "Skip" | "Skipf" | "SkipNow"
                ))
                || (logger
                    && matches!(
                        &**name,
                        "Fatal" | "Fatalf" | "Fatalln" | "Panic" | "Panicf" | "Panicln"
                    ))
        }
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use goguard_semantic::types::NamedRef;

    #[test]
    fn exits_fatals_and_panics_never_return() {
        assert!(never_returns(&Callee::Builtin("panic".into())));
        assert!(!never_returns(&Callee::Builtin("close".into())));
        assert!(never_returns(&Callee::Func(NamedRef::new("os", "Exit"))));
        assert!(never_returns(&Callee::Func(NamedRef::new("log", "Fatalf"))));
        assert!(!never_returns(&Callee::Func(NamedRef::new(
            "log", "Printf"
        ))));
        let m = |pkg: &str, ty: &str, name: &str| Callee::Method {
            recv: NamedRef::new(pkg, ty),
            name: name.into(),
        };
        assert!(never_returns(&m("testing", "T", "Fatal")));
        assert!(!never_returns(&m("testing", "T", "Error")));
        assert!(never_returns(&m("log", "Logger", "Fatal")));
        assert!(!never_returns(&Callee::Unknown));
    }
}
