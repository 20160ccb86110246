// Command gobench-stacks generates goroutine dumps of GoBench's blocking kernels and
// scores `goguard stacks` on them against public ground truth (see truth.go). It is
// driven by bench/gobench-stacks.sh; nothing it fetches or writes is committed.
//
//	gobench-stacks hung      -gobench DIR -out DIR -tag TAG [-toolchain T] [-timeout D] [-budget D] [-jobs N] [-only K,K]
//	gobench-stacks snapshots -gobench DIR -out DIR [-count N] [-retry-count N] [-hang-count N] [-interval D] [-give-up D] [-only K,K]
//	gobench-stacks leak      -out DIR [-toolchain T] [-runs N] [-jobs N]
//	gobench-stacks score     -gobench DIR -out DIR [-goguard BIN] [-leak-toolchain T]
//	gobench-stacks truth     [-toolchain T]     print the expected leaks parsed from GOROOT
package main

import (
	"flag"
	"fmt"
	"os"
	"sort"
	"strings"
	"time"
)

func main() {
	if len(os.Args) < 2 {
		usage()
	}
	fs := flag.NewFlagSet(os.Args[1], flag.ExitOnError)
	gobench := fs.String("gobench", "", "GoBench checkout (github.com/timmyyuan/gobench)")
	out := fs.String("out", "", "output directory")
	tag := fs.String("tag", "go126", "name of this toolchain's outputs")
	toolchain := fs.String("toolchain", "", "GOTOOLCHAIN value (empty: the go command's own)")
	timeout := fs.Duration("timeout", 10*time.Second, "-test.timeout of each round")
	budget := fs.Duration("budget", time.Minute, "time to wait for a kernel to hang")
	jobs := fs.Int("jobs", 4, "kernels run at once")
	only := fs.String("only", "", "comma-separated kernel names")
	interval := fs.Duration("interval", 3*time.Minute, "time between the two snapshots (whole minutes: the runtime prints waits in whole minutes)")
	giveUp := fs.Duration("give-up", 2*time.Minute, "time to wait for a kernel to hang before snapshots")
	count := fs.Int("count", 100, "test iterations before the snapshots")
	retryCount := fs.Int("retry-count", 10000, "test iterations before the snapshots when -count left nothing parked")
	hangCount := fs.Int("hang-count", 100000, "test iterations before the snapshots, for kernels that hung in hung-go126")
	runs := fs.Int("runs", 10, "runs of each GOROOT kernel until its bug shows")
	goguard := fs.String("goguard", "", "goguard binary (empty: ground truth and runtime baseline only)")
	leakToolchain := fs.String("leak-toolchain", "go1.27.4", "toolchain whose GOROOT test names the expected leaks")
	must(fs.Parse(os.Args[2:]))
	switch os.Args[1] {
	case "hung":
		runHung(kernels(*gobench, *only), need(*out), *tag, *toolchain, *timeout, *budget, *jobs)
	case "snapshots":
		runSnapshots(kernels(*gobench, *only), need(*out), *count, *retryCount, *hangCount, *interval, *giveUp, 2)
	case "leak":
		if *toolchain == "" {
			*toolchain = *leakToolchain
		}
		runLeak(need(*out), "go127", *toolchain, *runs, *jobs)
	case "score":
		runScore(kernels(*gobench, ""), need(*out), *goguard, *leakToolchain)
	case "truth":
		if *toolchain == "" {
			*toolchain = *leakToolchain
		}
		printTruth(*toolchain)
	default:
		usage()
	}
}

func usage() {
	fmt.Fprintln(os.Stderr, "usage: gobench-stacks hung|snapshots|leak|score|truth [flags] (see main.go)")
	os.Exit(2)
}

func need(out string) string {
	if out == "" {
		fatal(fmt.Errorf("-out is required"))
	}
	must(os.MkdirAll(out, 0o755))
	return out
}

func kernels(gobench, only string) []kernel {
	if gobench == "" {
		fatal(fmt.Errorf("-gobench is required"))
	}
	ks, err := gobenchKernels(gobench)
	must(err)
	if only == "" {
		return ks
	}
	want := map[string]bool{}
	for _, n := range strings.Split(only, ",") {
		want[n] = true
	}
	var sel []kernel
	for _, k := range ks {
		if want[k.name] {
			sel = append(sel, k)
			delete(want, k.name)
		}
	}
	if len(want) > 0 {
		fatal(fmt.Errorf("no such kernels: %v", want))
	}
	return sel
}

func printTruth(toolchain string) {
	_, testFile := gorootDirs(toolchain)
	cases, err := parseExpectedLeaks(testFile)
	must(err)
	names := make([]string, 0, len(cases))
	for n := range cases {
		names = append(names, n)
	}
	sort.Strings(names)
	fmt.Printf("# %s: %d cases\n", testFile, len(cases))
	for _, n := range names {
		tc := cases[n]
		fmt.Printf("%s simple=%v\n", n, tc.simple)
		for _, re := range tc.patterns {
			fmt.Printf("\t%s\n", re)
		}
	}
}
