package main

import (
	"context"
	_ "embed"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"time"
)

//go:embed snaphelper.go.txt
var snapHelper string

// snapshotResult is what one kernel's snapshot process gave.
type snapshotResult struct {
	Kernel    string `json:"kernel"`
	Toolchain string `json:"toolchain"`
	// Status: "stable" (both snapshots written), "no-hang" (still moving at the give-up
	// time), "failed", "build-failed".
	Status string `json:"status"`
	Count  int    `json:"count"` // -test.count
	// Interval between the two snapshots, as goguard's --interval takes it.
	Interval string   `json:"interval,omitempty"`
	Dumps    []string `json:"dumps,omitempty"`
	Note     string   `json:"note,omitempty"`
}

// runSnapshots builds every kernel's test with a TestMain (snaphelper.go.txt) that runs
// the test a number of times and takes two debug=2 snapshots interval apart once the
// process is stable, and runs all of them at once: a stable process costs no CPU; one
// still busy after giveUp gives up. Kernels whose test hung in the Go 1.26 hung-test
// step run up to hangCount times (the snapshots then show the hung process); the others
// run count times (the snapshots show what the runs left behind, as a leaking service),
// and retryCount times if count runs left no kernel goroutine parked.
func runSnapshots(ks []kernel, out string, count, retryCount, hangCount int, interval, giveUp time.Duration, buildJobs int) {
	dir := filepath.Join(out, "snapshots")
	work := filepath.Join(out, "work", "snapshots")
	must(os.MkdirAll(dir, 0o755))
	results := make([]snapshotResult, len(ks))
	bins := make([]string, len(ks))
	name := toolchainName("")
	hung := map[string]bool{}
	var hrs []hungResult
	if readResults(filepath.Join(out, "hung-go126"), &hrs) {
		for _, r := range hrs {
			hung[r.Kernel] = r.Status == "hung"
		}
	}
	parallel(len(ks), buildJobs, func(i int) {
		k := ks[i]
		results[i] = snapshotResult{Kernel: k.name, Toolchain: name, Count: count}
		if hung[k.name] {
			results[i].Count = hangCount
		}
		mod := filepath.Join(work, k.name)
		helper := strings.Replace(snapHelper, "package PACKAGE", "package "+kernelPackageName(k), 1)
		must(prepareModule(k, mod, map[string]string{"zz_gobench_snapshots_test.go": helper}))
		bins[i] = filepath.Join(work, k.name+".test")
		if err := buildTest(mod, "", bins[i]); err != nil {
			results[i].Status, results[i].Note = "build-failed", firstLine(err.Error())
			bins[i] = ""
		}
	})
	run := func(which []int) {
		logf("snapshots: %d processes, interval %s, giving up on a hang after %s", len(which), interval, giveUp)
		parallel(len(which), len(which), func(j int) {
			r := &results[which[j]]
			snapshotProcess(r, bins[which[j]], dir, interval, giveUp)
			logf("%-22s snapshots %-8s count=%d %s", r.Kernel, r.Status, r.Count, r.Note)
		})
	}
	var first []int
	for i := range ks {
		if bins[i] != "" {
			first = append(first, i)
		}
	}
	run(first)
	// Flaky leaks may not show in count runs: once more with retryCount runs.
	var again []int
	for _, i := range first {
		r := &results[i]
		if r.Status != "stable" || r.Count >= retryCount {
			continue
		}
		a := parseTracebacks([]byte(readFile(filepath.Join(dir, r.Dumps[0]))))
		b := parseTracebacks([]byte(readFile(filepath.Join(dir, r.Dumps[1]))))
		if bug, _ := snapshotTruth(a, b, kernelPackage(r.Kernel)); len(bug) == 0 {
			r.Count, r.Dumps = retryCount, nil
			again = append(again, i)
		}
	}
	if len(again) > 0 {
		run(again)
	}
	writeJSON(filepath.Join(dir, "results.json"), results)
}

// snapshotProcess runs one kernel's snapshot binary to the end and records the outcome.
func snapshotProcess(r *snapshotResult, bin, dir string, interval, giveUp time.Duration) {
	ctx, cancel := context.WithTimeout(context.Background(), giveUp+interval+time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, bin, "-test.timeout=0")
	cmd.Env = append(os.Environ(),
		"GOBENCH_COUNT="+strconv.Itoa(r.Count),
		"GOBENCH_SNAPSHOTS="+filepath.Join(dir, r.Kernel),
		"GOBENCH_SNAPSHOT_INTERVAL="+interval.String(),
		"GOBENCH_GIVE_UP="+giveUp.String())
	b, err := cmd.CombinedOutput()
	var exit *exec.ExitError
	switch {
	case err == nil && fileExists(filepath.Join(dir, r.Kernel+".1.txt")):
		r.Status, r.Dumps, r.Note = "stable", []string{r.Kernel + ".0.txt", r.Kernel + ".1.txt"}, ""
		r.Interval = interval.String()
	case errors.As(err, &exit) && exit.ExitCode() == 3:
		r.Status = "no-hang"
	default:
		r.Status, r.Note = "failed", firstLine(err.Error()+": "+lastLines(string(b), 3))
	}
}

func fileExists(path string) bool {
	_, err := os.Stat(path)
	return err == nil
}

func lastLines(s string, n int) string {
	lines := strings.Split(strings.TrimSpace(s), "\n")
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return strings.Join(lines, " | ")
}
