// Command gobench-recall runs goguard over the blocking kernels of GoBench
// (github.com/timmyyuan/gobench, goker/blocking) and prints how many kernels
// goguard reports at the bug's lines, and how many findings fall elsewhere.
//
//	go run . [-goguard PATH] [-select RULES] [-v] GOKER_BLOCKING_DIR
//
// GOKER_BLOCKING_DIR is a checkout's gobench/goker/blocking: one directory
// per kernel (project/number/) holding the kernel (*_test.go) and its
// README.md.
//
// The bug lines of a kernel are the union of what the public description of
// the bug names, read the same way for every kernel:
//
//  1. Backtraces in the README: for each goroutine, the innermost frame in
//     the kernel file (where that goroutine is blocked); when that line holds
//     no blocking operation, the nearest line within two that does (some
//     backtraces predate a small edit of the kernel file). Backtraces taken
//     before GoBench added the header comment to the kernel file are
//     recognised by frames whose line falls outside the function they name,
//     and shifted by the header's length (see backtraceShift).
//  2. Lines the README's prose names ("line 36", "Line 20 missing unlock").
//     A named line that holds only a comment (`/// Missing unlock here`)
//     annotates the statement below it: the next line holding code counts
//     too.
//  3. The blocking operations the interleaving diagrams name (README and
//     kernel comments: the `///` or `//` tables with one column per
//     goroutine): each cell that is a channel operation (`<-`) or a call of
//     Lock, RLock or Wait is looked up in the kernel's code, and every line
//     holding it counts.
//  4. Kernel lines whose trailing comment says they block (`// block here`).
//  5. The case of a one-case select (no default) on a bug line: the compiler
//     lowers such a select to its case's operation, where the goroutine
//     blocks.
//
// A kernel is found when a finding of the selected rules starts on one of
// its bug lines. Findings on other lines are counted as off the bug lines.
//
// A second, looser figure also counts a finding whose related locations (the
// witness: first acquisition, the call that leads to the blocked operation,
// the goroutine's start) include a bug line of the kernel file: some rules
// report a deadlock at the call to fix and name the blocked operation as a
// related location. Both figures are printed; the first is the headline.
//
// Nothing here knows any kernel by name.
package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
)

type location struct {
	File string `json:"file"`
	Line int    `json:"line"`
}

type finding struct {
	Code    string     `json:"code"`
	Message string     `json:"message"`
	File    string     `json:"file"`
	Line    int        `json:"line"`
	Related []location `json:"related"`
}

type report struct {
	Findings []finding `json:"findings"`
}

type kernel struct {
	dir      string // project/number
	file     string // path of the kernel file, relative to the root
	bugLines map[int]bool
	hits     []finding
	off      []finding
	// Of off: the findings with a related location on a bug line.
	relatedHits []finding
}

// relatedOnBugLine reports whether one of f's related locations, in the
// kernel file, is on a bug line.
func (k *kernel) relatedOnBugLine(f finding) bool {
	for _, r := range f.Related {
		if filepath.ToSlash(r.File) == k.file && k.bugLines[r.Line] {
			return true
		}
	}
	return false
}

var (
	lineMention  = regexp.MustCompile(`(?i)\bline\s+(\d+)`)
	blockComment = regexp.MustCompile(`(?i)//.*\bblock`)
	cellSplit    = regexp.MustCompile(`\t+| {2,}`)
)

func main() {
	goguard := flag.String("goguard", "target/release/goguard", "goguard binary")
	sel := flag.String("select", "GR,CH,SY", "rules to run (goguard check --select)")
	verbose := flag.Bool("v", false, "print every kernel")
	leakTest := flag.String("leak-test", "", "take the bug lines from this goroutineleakprofile_test.go (GOROOT's copies of the kernels; see leakprofile.go)")
	flag.Parse()
	if flag.NArg() != 1 {
		fmt.Fprintln(os.Stderr, "usage: gobench-recall [-goguard PATH] [-select RULES] [-v] GOKER_BLOCKING_DIR")
		os.Exit(2)
	}
	root, err := filepath.Abs(flag.Arg(0))
	check(err)
	bin, err := filepath.Abs(*goguard)
	check(err)

	var kernels []*kernel
	if *leakTest != "" {
		kernels = runtimeKernels(root, *leakTest)
	} else {
		kernels = findKernels(root)
	}
	if len(kernels) == 0 {
		fmt.Fprintf(os.Stderr, "no kernels under %s\n", root)
		os.Exit(2)
	}
	byFile := map[string]*kernel{}
	for _, k := range kernels {
		byFile[k.file] = k
	}

	cmd := exec.Command(bin, "check", "--no-progress", "--preview", "--select", *sel, "--format", "json", "./...")
	cmd.Dir = root
	var out bytes.Buffer
	cmd.Stdout = &out
	cmd.Stderr = os.Stderr
	// Exit status 1 means findings.
	if err := cmd.Run(); err != nil {
		if ee, ok := err.(*exec.ExitError); !ok || ee.ExitCode() != 1 {
			check(err)
		}
	}
	var r report
	check(json.Unmarshal(out.Bytes(), &r))
	for _, f := range r.Findings {
		k := byFile[filepath.ToSlash(f.File)]
		if k == nil {
			continue
		}
		if k.bugLines[f.Line] {
			k.hits = append(k.hits, f)
		} else {
			k.off = append(k.off, f)
			if k.relatedOnBugLine(f) {
				k.relatedHits = append(k.relatedHits, f)
			}
		}
	}

	found, off, noLines := 0, 0, 0
	foundRelated, offRelated := 0, 0
	for _, k := range kernels {
		if len(k.hits) > 0 {
			found++
		}
		if len(k.hits) > 0 || len(k.relatedHits) > 0 {
			foundRelated++
		}
		offRelated += len(k.off) - len(k.relatedHits)
		if len(k.bugLines) == 0 {
			noLines++
		}
		off += len(k.off)
		if *verbose {
			lines := sortedLines(k.bugLines)
			mark := "  "
			if len(k.hits) > 0 {
				mark = "OK"
			}
			fmt.Printf("%s %-18s bug lines %v\n", mark, k.dir, lines)
			for _, f := range k.hits {
				fmt.Printf("     hit  %s:%d %s %s\n", filepath.Base(f.File), f.Line, f.Code, short(f.Message))
			}
			for _, f := range k.off {
				tag := "off "
				if k.relatedOnBugLine(f) {
					tag = "rel "
				}
				fmt.Printf("     %s %s:%d %s %s\n", tag, filepath.Base(f.File), f.Line, f.Code, short(f.Message))
			}
		}
	}
	fmt.Printf("kernels: %d (%d without bug lines)\n", len(kernels), noLines)
	fmt.Printf("found at the bug lines: %d/%d\n", found, len(kernels))
	fmt.Printf("findings off the bug lines: %d (%.2f per kernel)\n", off, float64(off)/float64(len(kernels)))
	fmt.Printf("found counting related locations: %d/%d\n", foundRelated, len(kernels))
	fmt.Printf("findings with no location on the bug lines: %d (%.2f per kernel)\n", offRelated, float64(offRelated)/float64(len(kernels)))
}

func short(s string) string {
	if len(s) > 110 {
		return s[:107] + "..."
	}
	return s
}

func sortedLines(m map[int]bool) []int {
	var out []int
	for l := range m {
		out = append(out, l)
	}
	sort.Ints(out)
	return out
}

func check(err error) {
	if err != nil {
		fmt.Fprintln(os.Stderr, "gobench-recall:", err)
		os.Exit(2)
	}
}

// findKernels lists project/number directories holding a *_test.go file.
func findKernels(root string) []*kernel {
	var out []*kernel
	projects, err := os.ReadDir(root)
	check(err)
	for _, p := range projects {
		if !p.IsDir() {
			continue
		}
		bugs, err := os.ReadDir(filepath.Join(root, p.Name()))
		check(err)
		for _, b := range bugs {
			dir := filepath.Join(root, p.Name(), b.Name())
			files, _ := filepath.Glob(filepath.Join(dir, "*_test.go"))
			if !b.IsDir() || len(files) == 0 {
				continue
			}
			rel, err := filepath.Rel(root, files[0])
			check(err)
			k := &kernel{
				dir:  p.Name() + "/" + b.Name(),
				file: filepath.ToSlash(rel),
			}
			k.bugLines = bugLines(dir, files[0])
			out = append(out, k)
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].dir < out[j].dir })
	return out
}

// bugLines reads the kernel's README and source and returns its bug lines
// (see the package comment).
// codeAfterComment returns the first line after line n (1-based) that holds
// code, when line n holds only a `//` comment.
func codeAfterComment(code []string, n int) (int, bool) {
	if n < 1 || n > len(code) || !strings.HasPrefix(strings.TrimSpace(code[n-1]), "//") {
		return 0, false
	}
	for i := n; i < len(code); i++ {
		t := strings.TrimSpace(code[i])
		if t != "" && !strings.HasPrefix(t, "//") {
			return i + 1, true
		}
	}
	return 0, false
}

func bugLines(dir, kernelFile string) map[int]bool {
	src, err := os.ReadFile(kernelFile)
	check(err)
	readme, _ := os.ReadFile(filepath.Join(dir, "README.md"))
	code := strings.Split(string(src), "\n")
	lines := map[int]bool{}
	base := filepath.Base(kernelFile)

	// 1. Backtraces: the first frame of each goroutine in the kernel file.
	shift := backtraceShift(string(readme), base, kernelFile)
	inGoroutine, seenFrame := false, false
	for _, l := range strings.Split(string(readme), "\n") {
		t := strings.TrimSpace(l)
		if strings.HasPrefix(t, "goroutine ") && strings.HasSuffix(t, ":") {
			inGoroutine, seenFrame = true, false
			continue
		}
		if !inGoroutine || seenFrame {
			continue
		}
		if strings.HasPrefix(t, "created by") {
			inGoroutine = false
			continue
		}
		if n, ok := frameFileLine(t, base); ok {
			lines[nearestBlocking(code, n+shift)] = true
			seenFrame = true
		}
	}

	// 2. Lines named in the prose (outside code blocks).
	inFence := false
	for _, l := range strings.Split(string(readme), "\n") {
		if strings.HasPrefix(strings.TrimSpace(l), "```") {
			inFence = !inFence
			continue
		}
		if inFence {
			continue
		}
		for _, m := range lineMention.FindAllStringSubmatch(l, -1) {
			if n, err := strconv.Atoi(m[1]); err == nil && n <= len(code) {
				lines[n] = true
				if next, ok := codeAfterComment(code, n); ok {
					lines[next] = true
				}
			}
		}
	}

	// 3. Blocking operations of the interleaving diagrams.
	var ops []string
	for _, l := range append(strings.Split(string(readme), "\n"), code...) {
		t := strings.TrimSpace(l)
		if !strings.HasPrefix(t, "//") {
			continue
		}
		t = strings.TrimLeft(t, "/")
		for _, cell := range cellSplit.Split(t, -1) {
			for _, op := range strings.Split(cell, "/") {
				op = strings.Join(strings.Fields(op), "")
				if isBlockingOp(op) {
					ops = append(ops, op)
				}
			}
		}
	}
	for i, l := range code {
		c := l
		if j := strings.Index(c, "//"); j >= 0 {
			c = c[:j]
		}
		c = strings.Join(strings.Fields(c), "")
		if c == "" {
			continue
		}
		for _, op := range ops {
			if strings.Contains(c, op) {
				lines[i+1] = true
			}
		}
	}

	// 4. Lines whose comment says they block.
	sc := bufio.NewScanner(bytes.NewReader(src))
	for n := 1; sc.Scan(); n++ {
		l := sc.Text()
		j := strings.Index(l, "//")
		if j > 0 && strings.TrimSpace(l[:j]) != "" && blockComment.MatchString(l[j:]) {
			lines[n] = true
		}
	}

	// 5. A select of one case without default on a bug line: the compiler
	// turns it into its case's operation, where the goroutine blocks, so
	// the case's line is a bug line too.
	oneCaseSelects(kernelFile, src, lines)
	return lines
}

func oneCaseSelects(path string, src []byte, lines map[int]bool) {
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, path, src, 0)
	if err != nil {
		return
	}
	ast.Inspect(f, func(n ast.Node) bool {
		sel, ok := n.(*ast.SelectStmt)
		if !ok || len(sel.Body.List) != 1 || !lines[fset.Position(sel.Pos()).Line] {
			return true
		}
		if cc, ok := sel.Body.List[0].(*ast.CommClause); ok && cc.Comm != nil {
			lines[fset.Position(cc.Comm.Pos()).Line] = true
		}
		return true
	})
}

// funcRanges returns the line range of each function declared in the
// kernel file, by name, and the number of lines of the comment block that
// opens the file (the project/issue header GoBench added to each kernel).
func funcRanges(file string) (map[string][][2]int, int) {
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, file, nil, parser.ParseComments)
	if err != nil {
		return nil, 0
	}
	out := map[string][][2]int{}
	for _, d := range f.Decls {
		if fd, ok := d.(*ast.FuncDecl); ok {
			r := [2]int{fset.Position(fd.Pos()).Line, fset.Position(fd.End()).Line}
			out[fd.Name.Name] = append(out[fd.Name.Name], r)
		}
	}
	header := 0
	if len(f.Comments) > 0 && fset.Position(f.Comments[0].Pos()).Line == 1 && f.Comments[0].End() < f.Package {
		header = fset.Position(f.Comments[0].End()).Line
	}
	return out, header
}

// frameFunc is the declared function a backtrace frame names:
// "pkg.(*T).name(...)", "pkg.name.func1(...)" -> "name".
var frameFunc = regexp.MustCompile(`^[\w./-]*?\.(?:\(\*?\w+\)\.)?(\w+)(?:\.func\d+)*(?:\.\d+)*\(`)

// frameFileLine returns the line of a backtrace's file:line entry when it
// names the kernel file.
func frameFileLine(t, base string) (int, bool) {
	i := strings.Index(t, base+":")
	if i < 0 {
		return 0, false
	}
	rest := t[i+len(base)+1:]
	if j := strings.IndexAny(rest, " \t"); j >= 0 {
		rest = rest[:j]
	}
	n, err := strconv.Atoi(rest)
	return n, err == nil
}

// backtraceShift returns how many lines to add to the README's backtrace
// lines. Some backtraces were taken before GoBench added the header comment
// to the kernel file. All backtraces of a README come from one version of
// the file, so they are shifted together: when some frame lies outside the
// function it names, and every frame shifted by the header's length lies
// inside its function, the shift is the header's length; otherwise none.
func backtraceShift(readme, base, kernelFile string) int {
	funcs, header := funcRanges(kernelFile)
	if header == 0 {
		return 0
	}
	inside := func(name string, l int) bool {
		for _, r := range funcs[name] {
			if l >= r[0] && l <= r[1] {
				return true
			}
		}
		return false
	}
	outside, shiftedAllInside, frames := false, true, 0
	prev := ""
	for _, l := range strings.Split(readme, "\n") {
		t := strings.TrimSpace(l)
		if n, ok := frameFileLine(t, base); ok {
			if m := frameFunc.FindStringSubmatch(prev); m != nil {
				frames++
				if !inside(m[1], n) {
					outside = true
				}
				if !inside(m[1], n+header) {
					shiftedAllInside = false
				}
			}
		}
		prev = t
	}
	if frames > 0 && outside && shiftedAllInside {
		return header
	}
	return 0
}

// nearestBlocking returns line n when it holds a blocking operation, else
// the nearest line within two that does (some READMEs' backtraces were taken
// before the kernel file was edited by a line or two), else n.
func nearestBlocking(code []string, n int) int {
	holds := func(l int) bool {
		if l < 1 || l > len(code) {
			return false
		}
		c := code[l-1]
		if j := strings.Index(c, "//"); j >= 0 {
			c = c[:j]
		}
		c = strings.Join(strings.Fields(c), "")
		if strings.Contains(c, "<-") || strings.HasPrefix(c, "select{") || strings.HasPrefix(c, "forrange") {
			return true
		}
		for _, m := range []string{".Lock()", ".RLock()", ".Wait()"} {
			if strings.Contains(c, m) {
				return true
			}
		}
		return false
	}
	if holds(n) {
		return n
	}
	for d := 1; d <= 2; d++ {
		if holds(n - d) {
			return n - d
		}
		if holds(n + d) {
			return n + d
		}
	}
	return n
}

// isBlockingOp says whether a diagram cell is an operation that can block:
// a channel send or receive, or a call of Lock, RLock or Wait.
func isBlockingOp(op string) bool {
	if len(op) < 4 {
		return false
	}
	if strings.Contains(op, "<-") {
		return strings.Trim(op, "<-") != ""
	}
	for _, suffix := range []string{".Lock()", ".RLock()", ".Wait()"} {
		if strings.HasSuffix(op, suffix) {
			return true
		}
	}
	return false
}
