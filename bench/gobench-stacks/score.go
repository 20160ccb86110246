package main

import (
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
)

// Confidence ranks; 0 = not accused.
const (
	notAccused = iota
	low
	medium
	high
	certain
)

var rankOf = map[string]int{"low": low, "medium": medium, "high": high, "certain": certain}

// goguardReport is the part of `goguard stacks --format json` (schema_version 2) the
// scorer reads: the goroutine ids each finding accuses, per input and snapshot.
type goguardReport struct {
	SchemaVersion int `json:"schema_version"`
	Findings      []struct {
		Code       string `json:"code"`
		Confidence string `json:"confidence"`
		Goroutines *struct {
			Input    string   `json:"input"`
			Snapshot int      `json:"snapshot"`
			IDs      []uint64 `json:"ids"`
		} `json:"goroutines"`
	} `json:"findings"`
}

// accusations returns each accused goroutine id with the highest confidence any finding
// gives it. Only findings on the given inputs count (matched by file name, as goguard
// may print the path as given or cleaned).
func accusations(r goguardReport, inputs []string) (map[uint64]int, error) {
	if r.SchemaVersion != 2 {
		return nil, fmt.Errorf("goguard JSON schema_version %d, the scorer reads 2", r.SchemaVersion)
	}
	names := map[string]bool{}
	for _, in := range inputs {
		names[filepath.Base(in)] = true
	}
	out := map[uint64]int{}
	for _, f := range r.Findings {
		if f.Goroutines == nil || !names[filepath.Base(f.Goroutines.Input)] {
			continue // not a runtime finding (static findings have no confidence), or another input
		}
		rank, ok := rankOf[f.Confidence]
		if !ok {
			return nil, fmt.Errorf("finding %s: unknown confidence %q", f.Code, f.Confidence)
		}
		for _, id := range f.Goroutines.IDs {
			out[id] = max(out[id], rank)
		}
	}
	return out, nil
}

// outcome of one diagnoser on one dump.
type outcome struct {
	Bug int `json:"bug_goroutines"`
	// Any: the highest confidence at which at least one bug goroutine is accused; All:
	// the highest confidence at which every bug goroutine is.
	Any int `json:"any"`
	All int `json:"all"`
	// FalseHigh / FalseMedium: goroutines outside the bug accused at high or above /
	// at medium or above.
	FalseHigh   int `json:"false_high"`
	FalseMedium int `json:"false_medium"`
}

func score(bug map[uint64]bool, accused map[uint64]int) outcome {
	o := outcome{Bug: len(bug), All: certain}
	if len(bug) == 0 {
		o.All = notAccused
	}
	for id := range bug {
		o.Any = max(o.Any, accused[id])
		o.All = min(o.All, accused[id])
	}
	for id, rank := range accused {
		if bug[id] {
			continue
		}
		if rank >= high {
			o.FalseHigh++
		}
		if rank >= medium {
			o.FalseMedium++
		}
	}
	return o
}

// kindResult: one kernel under one kind of input.
type kindResult struct {
	Status  string   `json:"status"` // as the generation step recorded it, or "active"
	Dumps   []string `json:"dumps,omitempty"`
	Runtime *outcome `json:"runtime,omitempty"` // the `(leaked)` marks alone (leak profiles)
	Goguard *outcome `json:"goguard,omitempty"`
	Note    string   `json:"note,omitempty"`
}

type kind struct {
	key, title, truth string
}

var kinds = []kind{
	{"hung-go126", "hung test, Go 1.26", "kernel goroutines parked when the test timed out"},
	{"hung-go119", "hung test, Go 1.19", "kernel goroutines parked when the test timed out"},
	{"snapshots", "2 snapshots ≥ 3 min apart, Go 1.26", "kernel goroutines parked in both snapshots, same id and stack (after the hang, or after 100 runs — 10,000 if 100 left none — of a test that does not hang)"},
	{"leak-go127", "goroutineleak profile, Go 1.27", "goroutines matching the runtime test's expected leaks"},
}

// runScore computes the ground truth of every kept dump, runs goguard on it when a
// binary is given, and prints the tables.
func runScore(ks []kernel, out, goguard, leakToolchain string) {
	_, testFile := gorootDirs(leakToolchain)
	cases, err := parseExpectedLeaks(testFile)
	must(err)
	all := map[string]map[string]*kindResult{} // kernel -> kind -> result
	for _, k := range ks {
		all[k.name] = map[string]*kindResult{}
	}
	var goguardErr error
	// flags: what a user would pass beside the dumps (--interval for snapshots of one
	// process).
	runGoguard := func(kindKey, kernel string, dumps []string, flags ...string) map[uint64]int {
		if goguard == "" || goguardErr != nil {
			return nil
		}
		jsonPath := filepath.Join(out, "goguard", kindKey, kernel+".json")
		must(os.MkdirAll(filepath.Dir(jsonPath), 0o755))
		args := append([]string{"stacks", "--format", "json"}, flags...)
		cmd := exec.Command(goguard, append(args, dumps...)...)
		b, _ := cmd.Output() // exit 1 means findings
		must(os.WriteFile(jsonPath, b, 0o644))
		var r goguardReport
		if err := json.Unmarshal(b, &r); err != nil {
			goguardErr = fmt.Errorf("%s: %v", jsonPath, err)
			return nil
		}
		acc, err := accusations(r, dumps)
		if err != nil {
			goguardErr = err
			return nil
		}
		return acc
	}
	for _, tag := range []string{"go126", "go119"} {
		key := "hung-" + tag
		var rs []hungResult
		if !readResults(filepath.Join(out, key), &rs) {
			continue
		}
		for _, r := range rs {
			kr := &kindResult{Status: r.Status, Note: r.Note}
			all[r.Kernel][key] = kr
			if r.Status != "hung" {
				continue
			}
			path := filepath.Join(out, key, r.Dump)
			bug, clean := hungTruth(parseTracebacks([]byte(readFile(path))), kernelPackage(r.Kernel))
			kr.Dumps = []string{path}
			if !clean {
				kr.Status, kr.Note = "active", "stuck, but a kernel goroutine was running or asleep"
				continue
			}
			if len(bug) == 0 {
				kr.Status = "no-bug-goroutines"
				continue
			}
			if acc := runGoguard(key, r.Kernel, kr.Dumps); acc != nil {
				o := score(bug, acc)
				kr.Goguard = &o
			} else {
				kr.Goguard = &outcome{Bug: len(bug)}
			}
		}
	}
	var srs []snapshotResult
	if readResults(filepath.Join(out, "snapshots"), &srs) {
		for _, r := range srs {
			kr := &kindResult{Status: r.Status, Note: r.Note}
			all[r.Kernel]["snapshots"] = kr
			if r.Status != "stable" {
				continue
			}
			var gs [][]goroutine
			for _, d := range r.Dumps {
				p := filepath.Join(out, "snapshots", d)
				kr.Dumps = append(kr.Dumps, p)
				gs = append(gs, parseTracebacks([]byte(readFile(p))))
			}
			bug, clean := snapshotTruth(gs[0], gs[1], kernelPackage(r.Kernel))
			if !clean {
				kr.Status, kr.Note = "active", "stable, but a kernel goroutine was running or asleep"
				continue
			}
			if len(bug) == 0 {
				kr.Status = "no-bug-goroutines"
				continue
			}
			kr.Goguard = &outcome{Bug: len(bug)}
			var flags []string
			if r.Interval != "" {
				flags = []string{"--interval", r.Interval}
			}
			if acc := runGoguard("snapshots", r.Kernel, kr.Dumps, flags...); acc != nil {
				o := score(bug, acc)
				kr.Goguard = &o
			}
		}
	}
	var lrs []leakResult
	if readResults(filepath.Join(out, "leak-go127"), &lrs) {
		for _, r := range lrs {
			if all[r.Kernel] == nil {
				all[r.Kernel] = map[string]*kindResult{}
			}
			kr := &kindResult{Status: r.Status, Note: r.Note}
			all[r.Kernel]["leak-go127"] = kr
			if r.Status != "manifested" {
				continue
			}
			path := filepath.Join(out, "leak-go127", r.Dump)
			kr.Dumps = []string{path}
			bug, leaked := gorootTruth(readFile(path), cases[r.Case])
			marks := map[uint64]int{}
			for id := range leaked {
				marks[id] = certain
			}
			rt := score(bug, marks)
			kr.Runtime = &rt
			kr.Goguard = &outcome{Bug: len(bug)}
			if acc := runGoguard("leak-go127", r.Kernel, kr.Dumps); acc != nil {
				o := score(bug, acc)
				kr.Goguard = &o
			}
		}
	}
	goguardScored := goguard != "" && goguardErr == nil
	if goguardErr != nil {
		logf("goguard not scored: %v", goguardErr)
	}
	writeJSON(filepath.Join(out, "results.json"), all)
	md := tables(ks, all, goguardScored)
	must(os.WriteFile(filepath.Join(out, "results.md"), []byte(md), 0o644))
	fmt.Print(md)
}

func readResults(dir string, v any) bool {
	p := filepath.Join(dir, "results.json")
	if !fileExists(p) {
		return false
	}
	readJSON(p, v)
	return true
}

// tables renders the summary per kind of input and the per-kernel table.
func tables(ks []kernel, all map[string]map[string]*kindResult, goguardScored bool) string {
	var b strings.Builder
	names := make([]string, 0, len(all))
	for n := range all {
		names = append(names, n)
	}
	sort.Strings(names)
	gobench := map[string]bool{}
	for _, k := range ks {
		gobench[k.name] = true
	}
	cell := func(n int) string {
		if !goguardScored {
			return "—"
		}
		return fmt.Sprint(n)
	}
	fmt.Fprintf(&b, "Blocking kernels: %d in GoBench, %d with a GOROOT copy.\n\n", len(ks), countKind(all, "leak-go127"))
	b.WriteString("| input | ground truth | kernels with a dump | bug goroutines | certain any/all | ≥ high any/all | ≥ medium any/all | falsely accused ≥ high / ≥ medium (goroutines) |\n")
	b.WriteString("|---|---|---:|---:|---:|---:|---:|---:|\n")
	for _, kd := range kinds {
		dumps, bugs := 0, 0
		var anyAt, allAt [5]int
		falseHigh, falseMedium := 0, 0
		var rtAny, rtAll, rtFalse int
		for _, n := range names {
			kr := all[n][kd.key]
			if kr == nil || kr.Goguard == nil {
				continue
			}
			dumps++
			bugs += kr.Goguard.Bug
			for r := low; r <= certain; r++ {
				if kr.Goguard.Any >= r {
					anyAt[r]++
				}
				if kr.Goguard.All >= r {
					allAt[r]++
				}
			}
			falseHigh += kr.Goguard.FalseHigh
			falseMedium += kr.Goguard.FalseMedium
			if kr.Runtime != nil {
				if kr.Runtime.Any >= certain {
					rtAny++
				}
				if kr.Runtime.All >= certain {
					rtAll++
				}
				rtFalse += kr.Runtime.FalseHigh
			}
		}
		fmt.Fprintf(&b, "| %s: goguard | %s | %d | %d | %s/%s | %s/%s | %s/%s | %s / %s |\n", kd.title, kd.truth, dumps, bugs,
			cell(anyAt[certain]), cell(allAt[certain]), cell(anyAt[high]), cell(allAt[high]), cell(anyAt[medium]), cell(allAt[medium]), cell(falseHigh), cell(falseMedium))
		if kd.key == "leak-go127" {
			fmt.Fprintf(&b, "| %s: the runtime's `(leaked)` marks alone | same | %d | %d | %d/%d | %d/%d | %d/%d | %d / %d |\n", kd.title, dumps, bugs,
				rtAny, rtAll, rtAny, rtAll, rtAny, rtAll, rtFalse, rtFalse)
		}
	}
	// Plain dumps plus snapshots, per GoBench kernel: found at medium or above in any.
	union := func(keys ...string) (found, total int) {
		for _, n := range names {
			if !gobench[n] {
				continue
			}
			total++
			for _, key := range keys {
				if kr := all[n][key]; kr != nil && kr.Goguard != nil && kr.Goguard.Any >= medium {
					found++
					break
				}
			}
		}
		return found, total
	}
	f1, t1 := union("hung-go126", "snapshots")
	f2, _ := union("hung-go126", "hung-go119", "snapshots")
	covered := 0
	for _, n := range names {
		for _, key := range []string{"hung-go126", "hung-go119", "snapshots"} {
			if kr := all[n][key]; gobench[n] && kr != nil && kr.Goguard != nil {
				covered++
				break
			}
		}
	}
	fmt.Fprintf(&b, "\nGoBench kernels with bug goroutines in a hung-test dump or in the snapshots: %d of %d.\n", covered, t1)
	fmt.Fprintf(&b, "GoBench kernels with bug goroutines accused at ≥ medium in the Go 1.26 hung test or the snapshots: %s of %d; adding the Go 1.19 hung test: %s of %d.\n",
		cell(f1), t1, cell(f2), t1)
	b.WriteString("\nPer kernel: status of each input, then `bug goroutines: best confidence at which any / all of them are accused` (C certain, H high, M medium, L low, · none), and `+N` goroutines falsely accused at ≥ medium. Runtime: the `(leaked)` marks.\n\n")
	b.WriteString("| kernel | hung test Go 1.26 | hung test Go 1.19 | snapshots | leak profile Go 1.27: runtime | leak profile Go 1.27: goguard |\n|---|---|---|---|---|---|\n")
	for _, n := range names {
		row := []string{n}
		for _, key := range []string{"hung-go126", "hung-go119", "snapshots"} {
			row = append(row, kernelCell(all[n][key], func(kr *kindResult) *outcome { return kr.Goguard }, goguardScored))
		}
		row = append(row, kernelCell(all[n]["leak-go127"], func(kr *kindResult) *outcome { return kr.Runtime }, true))
		row = append(row, kernelCell(all[n]["leak-go127"], func(kr *kindResult) *outcome { return kr.Goguard }, goguardScored))
		b.WriteString("| " + strings.Join(row, " | ") + " |\n")
	}
	return b.String()
}

// countKind: kernels with a result of this kind.
func countKind(all map[string]map[string]*kindResult, key string) int {
	n := 0
	for _, m := range all {
		if m[key] != nil {
			n++
		}
	}
	return n
}

var letter = []string{"·", "L", "M", "H", "C"}

func kernelCell(kr *kindResult, pick func(*kindResult) *outcome, scored bool) string {
	if kr == nil {
		return "—"
	}
	o := pick(kr)
	if o == nil {
		return kr.Status
	}
	if !scored {
		return fmt.Sprintf("%s, %d bug", kr.Status, o.Bug)
	}
	s := fmt.Sprintf("%d: %s/%s", o.Bug, letter[o.Any], letter[o.All])
	if o.FalseMedium > 0 {
		s += fmt.Sprintf(" +%d", o.FalseMedium)
	}
	return s
}
