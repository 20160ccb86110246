//! Library calls that never return to their caller: they exit the process,
//! end the goroutine, panic, or stop the test. Calls to them end a block in
//! the CFG (as [`Exit::NoReturn`](super::Exit::NoReturn)), so code after
//! them is dead and a path through them is not a normal exit.
//!
//! The builtin `panic` never returns either; the CFG builder recognises it
//! by name before asking, so it is classed [`Exit::Panic`](super::Exit::Panic).
//! zerolog is not listed either: its `Fatal()` and `Panic()` return an event
//! and only its `Msg`/`Send` end the program.

use crate::model::Callee;

/// Package-level functions that never return, by import path.
const FUNCS: &[(&str, &[&str])] = &[
    ("os", &["Exit"]),
    ("runtime", &["Goexit"]),
    ("syscall", &["Exit"]),
    ("golang.org/x/sys/unix", &["Exit"]),
    ("golang.org/x/sys/windows", &["Exit"]),
    ("log", LOG_FATAL),
    ("github.com/sirupsen/logrus", LOGRUS),
    ("github.com/Sirupsen/logrus", LOGRUS),
    ("k8s.io/klog", KLOG),
    ("k8s.io/klog/v2", KLOG),
    ("github.com/golang/glog", KLOG),
];

/// Methods that never return, by the import path and name of the type that
/// declares them (for interfaces, the interface).
const METHODS: &[(&str, &str, &[&str])] = &[
    ("log", "Logger", LOG_FATAL),
    ("testing", "common", TESTING),
    ("testing", "T", TESTING),
    ("testing", "B", TESTING),
    ("testing", "F", TESTING),
    ("testing", "TB", TESTING),
    ("github.com/sirupsen/logrus", "Logger", LOGRUS),
    ("github.com/sirupsen/logrus", "Entry", LOGRUS),
    ("github.com/sirupsen/logrus", "FieldLogger", LOGRUS),
    ("github.com/sirupsen/logrus", "Ext1FieldLogger", LOGRUS),
    ("github.com/Sirupsen/logrus", "Logger", LOGRUS),
    ("github.com/Sirupsen/logrus", "Entry", LOGRUS),
    ("github.com/Sirupsen/logrus", "FieldLogger", LOGRUS),
    ("go.uber.org/zap", "Logger", &["Fatal", "Panic"]),
    ("go.uber.org/zap", "SugaredLogger", ZAP_SUGAR),
];

const LOG_FATAL: &[&str] = &["Fatal", "Fatalf", "Fatalln", "Panic", "Panicf", "Panicln"];

const TESTING: &[&str] = &["Fatal", "Fatalf", "FailNow", "Skip", "Skipf", "SkipNow"];

const LOGRUS: &[&str] = &[
    "Fatal", "Fatalf", "Fatalln", "FatalFn", "Panic", "Panicf", "Panicln", "PanicFn", "Exit",
];

const KLOG: &[&str] = &[
    "Fatal",
    "Fatalf",
    "Fatalln",
    "FatalDepth",
    "Exit",
    "Exitf",
    "Exitln",
    "ExitDepth",
];

const ZAP_SUGAR: &[&str] = &[
    "Fatal", "Fatalf", "Fatalw", "Fatalln", "Panic", "Panicf", "Panicw", "Panicln",
];

/// True when a call to `callee` never returns to its caller.
pub fn never_returns(callee: &Callee) -> bool {
    match callee {
        Callee::Builtin(name) => &**name == "panic",
        Callee::Func(f) => FUNCS
            .iter()
            .any(|&(pkg, names)| *f.pkg == *pkg && names.contains(&&*f.name)),
        Callee::Method { recv, name } => METHODS.iter().any(|&(pkg, ty, names)| {
            *recv.pkg == *pkg && *recv.name == *ty && names.contains(&&**name)
        }),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::types::NamedRef;

    fn func(pkg: &str, name: &str) -> Callee {
        Callee::Func(NamedRef::new(pkg, name))
    }

    fn method(pkg: &str, ty: &str, name: &str) -> Callee {
        Callee::Method {
            recv: NamedRef::new(pkg, ty),
            name: name.into(),
        }
    }

    #[test]
    fn process_and_goroutine_exits() {
        assert!(never_returns(&func("os", "Exit")));
        assert!(never_returns(&func("runtime", "Goexit")));
        assert!(never_returns(&func("syscall", "Exit")));
        assert!(!never_returns(&func("os", "Getenv")));
        assert!(!never_returns(&func("runtime", "Gosched")));
        // Same name, other package.
        assert!(!never_returns(&func("example.com/app", "Exit")));
    }

    #[test]
    fn standard_log() {
        for name in LOG_FATAL {
            assert!(never_returns(&func("log", name)), "{name}");
            assert!(never_returns(&method("log", "Logger", name)), "{name}");
        }
        assert!(!never_returns(&func("log", "Printf")));
        assert!(!never_returns(&method("log", "Logger", "Println")));
        assert!(!never_returns(&func("log/slog", "Error")));
    }

    #[test]
    fn testing_stops() {
        for ty in ["T", "B", "F", "TB", "common"] {
            for name in TESTING {
                assert!(never_returns(&method("testing", ty, name)), "{ty}.{name}");
            }
            assert!(!never_returns(&method("testing", ty, "Error")), "{ty}");
            assert!(!never_returns(&method("testing", ty, "Fail")), "{ty}");
            assert!(!never_returns(&method("testing", ty, "Log")), "{ty}");
        }
        // A method value named like testing's on another type.
        assert!(!never_returns(&method("example.com/app", "T", "Fatal")));
    }

    #[test]
    fn third_party_loggers() {
        let logrus = "github.com/sirupsen/logrus";
        assert!(never_returns(&func(logrus, "Fatalf")));
        assert!(never_returns(&func(logrus, "Panic")));
        assert!(never_returns(&method(logrus, "Entry", "Fatal")));
        assert!(never_returns(&method(logrus, "Logger", "Panicln")));
        assert!(!never_returns(&method(logrus, "Entry", "Error")));
        assert!(!never_returns(&func(logrus, "WithField")));

        for klog in ["k8s.io/klog", "k8s.io/klog/v2", "github.com/golang/glog"] {
            assert!(never_returns(&func(klog, "Fatalf")), "{klog}");
            assert!(never_returns(&func(klog, "Exit")), "{klog}");
            assert!(!never_returns(&func(klog, "Errorf")), "{klog}");
        }

        let zap = "go.uber.org/zap";
        assert!(never_returns(&method(zap, "Logger", "Fatal")));
        assert!(never_returns(&method(zap, "Logger", "Panic")));
        assert!(!never_returns(&method(zap, "Logger", "DPanic")));
        assert!(!never_returns(&method(zap, "Logger", "Error")));
        assert!(never_returns(&method(zap, "SugaredLogger", "Fatalw")));
        assert!(never_returns(&method(zap, "SugaredLogger", "Panicf")));
        assert!(!never_returns(&method(zap, "SugaredLogger", "Errorw")));

        // zerolog's Fatal returns an event: not listed.
        assert!(!never_returns(&method(
            "github.com/rs/zerolog",
            "Logger",
            "Fatal"
        )));
    }

    #[test]
    fn other_callees_return() {
        assert!(never_returns(&Callee::Builtin("panic".into())));
        assert!(!never_returns(&Callee::Builtin("close".into())));
        assert!(!never_returns(&Callee::Unknown));
    }
}
