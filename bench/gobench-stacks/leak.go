package main

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"time"
)

// leakResult is what running one of GOROOT's kernels gave.
type leakResult struct {
	Kernel    string `json:"kernel"` // file name without .go: "cockroach1055"
	Case      string `json:"case"`   // the name it registers: "Cockroach1055"
	Toolchain string `json:"toolchain"`
	// Status: "manifested" (a goroutine matches the expected leaks: the dump was kept),
	// "not-manifested" (no run showed one), "no-truth" (the runtime's test lists no
	// expected leaks for it), "failed".
	Status string `json:"status"`
	Runs   int    `json:"runs"`
	Dump   string `json:"dump,omitempty"`
	Note   string `json:"note,omitempty"`
}

var registerRE = regexp.MustCompile(`register\("([A-Za-z0-9]+)"`)

// gorootDirs: the toolchain's GOROOT, its goker kernels and the runtime test naming
// their expected leaks.
func gorootDirs(toolchain string) (goker, testFile string) {
	cmd := exec.Command("go", "env", "GOROOT")
	cmd.Env = withToolchain(toolchain)
	b, err := cmd.Output()
	must(err)
	root := strings.TrimSpace(string(b))
	return filepath.Join(root, "src", "runtime", "testdata", "testgoroutineleakprofile", "goker"),
		filepath.Join(root, "src", "runtime", "goroutineleakprofile_test.go")
}

// runLeak builds GOROOT's goker program with the toolchain and runs every kernel up to
// runs times, as the runtime's test does (GODEBUG=asyncpreemptoff=1, GOMAXPROCS=1 for
// the cases it marks simple), keeping the first output in which the bug shows: a
// goroutine matching the case's expected leaks, marked leaked or not. Each output is
// the kernel's goroutineleak profile at debug=2.
func runLeak(out, tag, toolchain string, runs, jobs int) {
	goker, testFile := gorootDirs(toolchain)
	cases, err := parseExpectedLeaks(testFile)
	must(err)
	dir := filepath.Join(out, "leak-"+tag)
	work := filepath.Join(out, "work", "leak-"+tag)
	must(os.RemoveAll(work))
	must(os.MkdirAll(work, 0o755))
	must(os.MkdirAll(dir, 0o755))
	files, _ := filepath.Glob(filepath.Join(goker, "*.go"))
	type entry struct{ kernel, name string }
	var entries []entry
	for _, f := range files {
		src := readFile(f)
		must(os.WriteFile(filepath.Join(work, filepath.Base(f)), []byte(src), 0o644))
		if m := registerRE.FindStringSubmatch(src); m != nil && filepath.Base(f) != "main.go" {
			entries = append(entries, entry{strings.TrimSuffix(filepath.Base(f), ".go"), m[1]})
		}
	}
	must(os.WriteFile(filepath.Join(work, "go.mod"), []byte("module goker\n\ngo 1.25\n"), 0o644))
	bin := filepath.Join(work, "goker.bin")
	build := exec.Command("go", "build", "-o", bin, ".")
	build.Dir, build.Env = work, withToolchain(toolchain)
	if b, err := build.CombinedOutput(); err != nil {
		fatal(fmt.Errorf("building %s: %v\n%s", goker, err, b))
	}
	name := toolchainName(toolchain)
	results := make([]leakResult, len(entries))
	parallel(len(entries), jobs, func(i int) {
		e := entries[i]
		r := leakResult{Kernel: e.kernel, Case: e.name, Toolchain: name}
		tc, ok := cases[e.name]
		if !ok || len(tc.patterns) == 0 {
			r.Status, r.Note = "no-truth", "no expected leaks in "+filepath.Base(testFile)
			results[i] = r
			logf("%-22s %-8s no-truth", e.kernel, tag)
			return
		}
		r.Status = "not-manifested"
		var output []byte
		for r.Runs < runs {
			r.Runs++
			b, err := runKernel(bin, e.name, tc.simple)
			output = b
			if err != nil {
				r.Status, r.Note = "failed", firstLine(err.Error())
				continue
			}
			if bug, _ := gorootTruth(string(b), tc); len(bug) > 0 {
				r.Status, r.Note = "manifested", ""
				break
			}
		}
		if r.Status == "manifested" {
			r.Dump = e.kernel + ".txt"
			must(os.WriteFile(filepath.Join(dir, r.Dump), output, 0o644))
		}
		results[i] = r
		logf("%-22s %-8s %-14s runs=%d %s", e.kernel, tag, r.Status, r.Runs, r.Note)
	})
	writeJSON(filepath.Join(dir, "results.json"), results)
}

func runKernel(bin, name string, simple bool) ([]byte, error) {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, bin, name)
	cmd.Env = append(os.Environ(), "GODEBUG=asyncpreemptoff=1")
	if simple {
		cmd.Env = append(cmd.Env, "GOMAXPROCS=1")
	}
	var stderr strings.Builder
	cmd.Stderr = &stderr
	b, err := cmd.Output()
	if err != nil {
		return b, fmt.Errorf("%s %s: %v: %s", filepath.Base(bin), name, err, firstLine(stderr.String()))
	}
	if len(b) == 0 {
		return b, fmt.Errorf("%s %s: no output", filepath.Base(bin), name)
	}
	return b, nil
}
