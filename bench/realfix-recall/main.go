// Command realfix-recall measures goguard on real concurrency bug fixes from
// the history of a Go project: for each fix, does goguard, run on the code
// before the fix, report something on the lines the fix changed, and is that
// finding gone after the fix?
//
//	go run . [-goguard PATH] [-select RULES] [-max-lines N] [-v] GIT_DIR...
//
// The fixes are chosen by rule, not by hand: every non-merge commit whose
// subject says it fixes a goroutine leak, a deadlock, a hang or a goroutine
// blocked forever (the pattern below), that changes 1 to 3 non-vendored Go
// files and at most -max-lines lines. Nothing here knows any commit.
//
// For each fix, the directories of the changed files (with the go.mod files
// above them) are taken from the commit's parent and from the commit itself
// with `git archive` into a scratch directory, and goguard checks them. A fix
// is found when a finding of the selected rules, before the fix, in a changed
// file, has its location or one of its related locations on a line the fix
// removed or changed (or next to where it inserted lines, within two lines).
// It is fixed when, after the fix, that file has fewer findings of that rule.
package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
)

var subjectPattern = regexp.MustCompile(`(?i)goroutine.?leak|leak(s|ing|ed)? (a |the )?goroutines?|deadlock|block(s|ed|ing)? forever|\bhang(s|ing)?\b`)

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

// lineRange is an inclusive range of lines of one file.
type lineRange struct{ from, to int }

type fix struct {
	commit, subject string
	files           []string               // changed Go files
	before          map[string][]lineRange // per file: lines the fix touched, before it
	hit             *finding
	fixed           bool
}

func main() {
	goguard := flag.String("goguard", "target/release/goguard", "goguard binary")
	sel := flag.String("select", "GR,CH,SY", "rules to run (goguard check --select)")
	maxLines := flag.Int("max-lines", 60, "largest fix considered (lines added + removed in Go files)")
	verbose := flag.Bool("v", false, "print every fix")
	flag.Parse()
	if flag.NArg() == 0 {
		fmt.Fprintln(os.Stderr, "usage: realfix-recall [-goguard PATH] [-select RULES] [-max-lines N] [-v] GIT_DIR...")
		os.Exit(2)
	}
	bin, err := filepath.Abs(*goguard)
	check(err)
	scratch, err := os.MkdirTemp("", "realfix-")
	check(err)
	defer os.RemoveAll(scratch)

	total, found, fixed := 0, 0, 0
	for _, gitDir := range flag.Args() {
		fixes := candidateFixes(gitDir, *maxLines)
		repoFound, repoFixed := 0, 0
		for _, f := range fixes {
			score(gitDir, f, bin, *sel, scratch)
			if f.hit != nil {
				repoFound++
				if f.fixed {
					repoFixed++
				}
			}
			if *verbose {
				mark := "  "
				if f.hit != nil {
					mark = "OK"
				}
				fmt.Printf("%s %s %.12s %s\n", mark, filepath.Base(filepath.Dir(gitDir)), f.commit, short(f.subject, 80))
				if f.hit != nil {
					state := "still reported after the fix"
					if f.fixed {
						state = "gone after the fix"
					}
					fmt.Printf("     %s:%d %s %s (%s)\n", f.hit.File, f.hit.Line, f.hit.Code, short(f.hit.Message, 100), state)
				}
			}
		}
		fmt.Printf("%s: %d fixes, found %d, gone after the fix %d\n", gitDir, len(fixes), repoFound, repoFixed)
		total += len(fixes)
		found += repoFound
		fixed += repoFixed
	}
	fmt.Printf("fixes: %d; found before the fix: %d; of those gone after the fix: %d\n", total, found, fixed)
}

// candidateFixes lists the commits of gitDir that the subject pattern and
// the size limits select, oldest first.
func candidateFixes(gitDir string, maxLines int) []*fix {
	out := git(gitDir, "log", "--no-merges", "--reverse", "--format=%H%x09%s", "HEAD")
	var fixes []*fix
	sc := bufio.NewScanner(bytes.NewReader(out))
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		commit, subject, ok := strings.Cut(sc.Text(), "\t")
		if !ok || !subjectPattern.MatchString(subject) {
			continue
		}
		f := &fix{commit: commit, subject: subject, before: map[string][]lineRange{}}
		lines := 0
		for _, l := range strings.Split(string(git(gitDir, "diff", "--numstat", commit+"^", commit)), "\n") {
			fields := strings.Fields(l)
			if len(fields) != 3 || !strings.HasSuffix(fields[2], ".go") || isVendored(fields[2]) {
				continue
			}
			added, err1 := strconv.Atoi(fields[0])
			removed, err2 := strconv.Atoi(fields[1])
			if err1 != nil || err2 != nil {
				continue
			}
			lines += added + removed
			f.files = append(f.files, fields[2])
		}
		if len(f.files) == 0 || len(f.files) > 3 || lines > maxLines {
			continue
		}
		for _, file := range f.files {
			f.before[file] = touchedLines(git(gitDir, "diff", "-U0", commit+"^", commit, "--", file))
		}
		fixes = append(fixes, f)
	}
	return fixes
}

func isVendored(p string) bool {
	return strings.HasPrefix(p, "vendor/") || strings.Contains(p, "/vendor/") || strings.HasPrefix(p, "third_party/")
}

var hunkHeader = regexp.MustCompile(`^@@ -(\d+)(?:,(\d+))? \+\d+(?:,\d+)? @@`)

// touchedLines reads the pre-image ranges of a -U0 diff's hunks. A hunk
// that only inserts lines after line a touches a and a+1.
func touchedLines(diff []byte) []lineRange {
	var out []lineRange
	for _, l := range strings.Split(string(diff), "\n") {
		m := hunkHeader.FindStringSubmatch(l)
		if m == nil {
			continue
		}
		start, _ := strconv.Atoi(m[1])
		count := 1
		if m[2] != "" {
			count, _ = strconv.Atoi(m[2])
		}
		if count == 0 {
			out = append(out, lineRange{start, start + 1})
		} else {
			out = append(out, lineRange{start, start + count - 1})
		}
	}
	return out
}

// score runs goguard before and after the fix and records the first
// finding on the fix's lines.
func score(gitDir string, f *fix, bin, sel, scratch string) {
	beforeDir := filepath.Join(scratch, "before")
	afterDir := filepath.Join(scratch, "after")
	before := checkAt(gitDir, f.commit+"^", f.files, beforeDir, bin, sel)
	after := checkAt(gitDir, f.commit, f.files, afterDir, bin, sel)
	var hits []finding
	for _, fd := range before {
		if touches(f, fd) {
			hits = append(hits, fd)
		}
	}
	if len(hits) == 0 {
		return
	}
	sort.Slice(hits, func(i, j int) bool {
		if hits[i].File != hits[j].File {
			return hits[i].File < hits[j].File
		}
		return hits[i].Line < hits[j].Line
	})
	count := func(fs []finding, file, code string) int {
		n := 0
		for _, x := range fs {
			if x.File == file && x.Code == code {
				n++
			}
		}
		return n
	}
	// Prefer a hit that the fix removes.
	f.hit = &hits[0]
	for i := range hits {
		h := &hits[i]
		if count(after, h.File, h.Code) < count(before, h.File, h.Code) {
			f.hit, f.fixed = h, true
			break
		}
	}
}

func touches(f *fix, fd finding) bool {
	locs := append([]location{{fd.File, fd.Line}}, fd.Related...)
	for _, l := range locs {
		for _, r := range f.before[filepath.ToSlash(l.File)] {
			if l.Line >= r.from-2 && l.Line <= r.to+2 {
				return true
			}
		}
	}
	return false
}

// checkAt extracts the directories of files at rev (and the go.mod files
// above them) into dir and returns goguard's findings there.
func checkAt(gitDir, rev string, files []string, dir, bin, sel string) []finding {
	check(os.RemoveAll(dir))
	check(os.MkdirAll(dir, 0o755))
	paths := map[string]bool{}
	var dirs []string
	for _, f := range files {
		d := path.Dir(f)
		if d != "." && !exists(gitDir, rev, d) {
			continue // a directory new in the fix
		}
		if !paths[d] {
			dirs = append(dirs, d)
		}
		paths[d] = true
		// The package is the Go files directly in d, not its subtree (for
		// the root package, the Go files at the top of the tree).
		tree := []string{"ls-tree", "--name-only", rev}
		if d != "." {
			tree = append(tree, d+"/")
		}
		for _, l := range strings.Split(string(git(gitDir, tree...)), "\n") {
			if strings.HasSuffix(l, ".go") {
				paths[l] = true
			}
		}
		for p := d; ; p = path.Dir(p) {
			mod := path.Join(p, "go.mod")
			if exists(gitDir, rev, mod) {
				paths[mod] = true
			}
			if p == "." || p == "/" {
				break
			}
		}
	}
	if len(dirs) == 0 {
		return nil
	}
	var list []string
	for p := range paths {
		if !contains(dirs, p) {
			list = append(list, p)
		}
	}
	sort.Strings(list)
	archive := exec.Command("git", append([]string{"--git-dir", gitDir, "archive", "--format=tar", rev, "--"}, list...)...)
	untar := exec.Command("tar", "-x", "-C", dir)
	pipe, err := archive.StdoutPipe()
	check(err)
	untar.Stdin = pipe
	check(untar.Start())
	check(archive.Run())
	check(untar.Wait())

	var args []string
	for _, d := range dirs {
		if d == "." {
			args = append(args, ".")
		} else {
			args = append(args, "./"+d)
		}
	}
	cmd := exec.Command(bin, append([]string{"check", "--no-progress", "--preview", "--select", sel, "--format", "json"}, args...)...)
	cmd.Dir = dir
	var out bytes.Buffer
	cmd.Stdout = &out
	if err := cmd.Run(); err != nil {
		if ee, ok := err.(*exec.ExitError); !ok || ee.ExitCode() > 1 {
			return nil // no Go file left to check, or a load error: nothing found
		}
	}
	var r report
	if json.Unmarshal(out.Bytes(), &r) != nil {
		return nil
	}
	return r.Findings
}

func contains(xs []string, x string) bool {
	for _, y := range xs {
		if y == x {
			return true
		}
	}
	return false
}

func exists(gitDir, rev, p string) bool {
	return exec.Command("git", "--git-dir", gitDir, "cat-file", "-e", rev+":"+p).Run() == nil
}

func git(gitDir string, args ...string) []byte {
	out, err := exec.Command("git", append([]string{"--git-dir", gitDir}, args...)...).Output()
	if err != nil {
		return nil
	}
	return out
}

func short(s string, n int) string {
	if len(s) > n {
		return s[:n-3] + "..."
	}
	return s
}

func check(err error) {
	if err != nil {
		fmt.Fprintln(os.Stderr, "realfix-recall:", err)
		os.Exit(2)
	}
}
