package main

// Ground truth: which goroutines of a dump are a kernel's bug. Two public definitions,
// one per kind of input:
//
//   - GOROOT kernels (runtime/testdata/testgoroutineleakprofile/goker, run with Go 1.27):
//     the expected-leak regular expressions of $GOROOT/src/runtime/
//     goroutineleakprofile_test.go, read from that file at run time, matched the way that
//     test matches them: the function two lines above `created by` plus the header's wait
//     reason (`Cockroach1055.func2() [chan receive]`). The test applies them to the
//     goroutines the runtime marks `(leaked)`; here they are applied to every goroutine,
//     so that the truth does not depend on the runtime's marks. Expected and flaky leaks
//     both count: the test's comments say every flaky leak is a real one.
//   - GoBench kernels run as tests (hung-test dumps and snapshots): the kernel's own
//     goroutines (a frame in the kernel's package) that are parked on a channel, select
//     or sync primitive when the test has been stuck for at least half the timeout and
//     none of the kernel's goroutines is running, runnable, asleep, in a syscall or in IO
//     wait; for snapshots (the process stable after the test hung, or after it returned
//     and left goroutines behind), those parked in both snapshots with the same id and
//     stack.

import (
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"regexp"
	"strconv"
	"strings"
)

// expectedLeaks is one test case of goroutineleakprofile_test.go.
type expectedLeaks struct {
	name     string
	simple   bool // makeTest: run with GOMAXPROCS=1 (as the test does)
	patterns []*regexp.Regexp
}

// parseExpectedLeaks reads every makeTest/makeFlakyTest call of the runtime's test file.
// Commented-out cases are not calls, so they are not read.
func parseExpectedLeaks(path string) (map[string]expectedLeaks, error) {
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, path, nil, 0)
	if err != nil {
		return nil, err
	}
	cases := map[string]expectedLeaks{}
	var perr error
	ast.Inspect(f, func(n ast.Node) bool {
		call, ok := n.(*ast.CallExpr)
		if !ok {
			return true
		}
		fn, ok := call.Fun.(*ast.Ident)
		if !ok || (fn.Name != "makeTest" && fn.Name != "makeFlakyTest") || len(call.Args) == 0 {
			return true
		}
		var strs []string
		for _, a := range call.Args {
			lit, ok := a.(*ast.BasicLit)
			if !ok || lit.Kind != token.STRING {
				perr = fmt.Errorf("%s: %s argument is not a string literal", fset.Position(a.Pos()), fn.Name)
				return false
			}
			s, err := strconv.Unquote(lit.Value)
			if err != nil {
				perr = err
				return false
			}
			strs = append(strs, s)
		}
		tc := expectedLeaks{name: strs[0], simple: fn.Name == "makeTest"}
		for _, s := range strs[1:] {
			re, err := regexp.Compile(s)
			if err != nil {
				perr = fmt.Errorf("%s: %v", strs[0], err)
				return false
			}
			tc.patterns = append(tc.patterns, re)
		}
		cases[tc.name] = tc
		return true
	})
	if perr != nil {
		return nil, perr
	}
	if len(cases) == 0 {
		return nil, fmt.Errorf("%s: no makeTest/makeFlakyTest calls", path)
	}
	return cases, nil
}

// leakString is one goroutine as the runtime's test sees it.
type leakString struct {
	id     uint64
	leaked bool
	text   string // "Cockroach1055.func2()  7 [chan receive]:"
}

var testHeaderRE = regexp.MustCompile(`goroutine \d+ \[`)
var idRE = regexp.MustCompile(`^(?:goroutine)? ?(\d+) `)

// extractAll follows extractLeaks of goroutineleakprofile_test.go step by step (split on
// "\n\ngoroutine", at least 5 lines, wait reason from the first line with " (leaked)"
// removed, function two lines above `created by` without "main."), but keeps every
// goroutine, leaked or not.
func extractAll(output string) []leakString {
	var out []leakString
	for _, stack := range strings.Split(output, "\n\ngoroutine") {
		lines := strings.Split(stack, "\n")
		if len(lines) < 5 {
			continue
		}
		header := lines[0]
		m := idRE.FindStringSubmatch(strings.TrimPrefix(header, "\n"))
		if m == nil {
			continue
		}
		id, _ := strconv.ParseUint(m[1], 10, 64)
		waitReason := testHeaderRE.ReplaceAllString(header, "[")
		waitReason = strings.ReplaceAll(waitReason, " (leaked)", "")
		var funcName string
		for i := len(lines) - 1; i >= 2; i-- {
			if strings.Contains(lines[i], "created by") {
				funcName = strings.TrimPrefix(lines[i-2], "main.")
				break
			}
		}
		if funcName == "" {
			continue // the main goroutine, or a stack too short to have a creator
		}
		out = append(out, leakString{id: id, leaked: strings.Contains(header, "(leaked)"), text: funcName + " " + waitReason})
	}
	return out
}

// gorootTruth returns the bug goroutines of a GOROOT kernel's leak-profile output and
// the goroutines the runtime marked leaked.
func gorootTruth(output string, tc expectedLeaks) (bug, leaked map[uint64]bool) {
	bug, leaked = map[uint64]bool{}, map[uint64]bool{}
	for _, l := range extractAll(output) {
		if l.leaked {
			leaked[l.id] = true
		}
		for _, re := range tc.patterns {
			if re.MatchString(l.text) {
				bug[l.id] = true
				break
			}
		}
	}
	return bug, leaked
}

// kernelGoroutine: a goroutine running the kernel's code (a frame in its package, or
// in its external test package pkg_test, other than the snapshot helper's TestMain and
// gobenchHelper* functions).
func kernelGoroutine(g goroutine, pkg string) bool {
	for _, f := range g.functions {
		name, ok := strings.CutPrefix(f, pkg+".")
		if !ok {
			name, ok = strings.CutPrefix(f, pkg+"_test.")
		}
		if ok && name != "TestMain" && !strings.HasPrefix(name, "gobenchHelper") {
			return true
		}
	}
	return false
}

// hungTruth returns the bug goroutines of a hung-test dump, and whether the dump shows
// a clean hang: no kernel goroutine active.
func hungTruth(gs []goroutine, pkg string) (bug map[uint64]bool, clean bool) {
	bug, clean = map[uint64]bool{}, true
	for _, g := range gs {
		if !kernelGoroutine(g, pkg) {
			continue
		}
		if active(g.state) {
			clean = false
			continue
		}
		bug[g.id] = true
	}
	return bug, clean
}

// snapshotTruth: kernel goroutines parked in both snapshots with the same id and stack.
func snapshotTruth(first, second []goroutine, pkg string) (bug map[uint64]bool, clean bool) {
	before := map[uint64]goroutine{}
	for _, g := range first {
		before[g.id] = g
	}
	bug, clean = map[uint64]bool{}, true
	for _, g := range second {
		if !kernelGoroutine(g, pkg) {
			continue
		}
		if active(g.state) {
			clean = false
			continue
		}
		if b, ok := before[g.id]; ok && !active(b.state) && strings.Join(b.functions, " ") == strings.Join(g.functions, " ") {
			bug[g.id] = true
		}
	}
	return bug, clean
}

func readFile(path string) string {
	b, err := os.ReadFile(path)
	if err != nil {
		fatal(err)
	}
	return string(b)
}
