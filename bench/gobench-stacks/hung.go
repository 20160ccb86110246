package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"time"
)

// hungResult is what running one kernel's test until it hangs gave.
type hungResult struct {
	Kernel    string `json:"kernel"`
	Toolchain string `json:"toolchain"`
	// Status: "hung" (the dump was kept), "no-hang" (every round passed within the
	// budget), "failed" (rounds ended in test failures or crashes, never a hang),
	// "build-failed".
	Status string `json:"status"`
	// Runs: test iterations started in the round that hung (or in all rounds).
	Runs int `json:"runs"`
	// StuckSeconds: how long the last iteration had been running when the timeout fired.
	StuckSeconds float64 `json:"stuck_seconds"`
	Dump         string  `json:"dump,omitempty"`
	Note         string  `json:"note,omitempty"`
}

const timeoutBanner = "panic: test timed out after"

// runHung builds every kernel's test with the toolchain and runs it with a high
// -test.count and a short -test.timeout until the timeout fires while one iteration is
// stuck; the test binary's output from then on is the dump a user would have.
func runHung(ks []kernel, out, tag, toolchain string, timeout, budget time.Duration, jobs int) {
	dir := filepath.Join(out, "hung-"+tag)
	work := filepath.Join(out, "work", "hung-"+tag)
	must(os.MkdirAll(dir, 0o755))
	results := make([]hungResult, len(ks))
	parallel(len(ks), jobs, func(i int) {
		k := ks[i]
		r := hungResult{Kernel: k.name, Toolchain: toolchainName(toolchain)}
		mod := filepath.Join(work, k.name)
		bin := filepath.Join(work, k.name+".test")
		if err := prepareModule(k, mod, nil); err != nil {
			fatal(err)
		}
		if err := buildTest(mod, toolchain, bin); err != nil {
			r.Status, r.Note = "build-failed", firstLine(err.Error())
			results[i] = r
			logf("%-22s %-8s build failed", k.name, tag)
			return
		}
		r, dump := runUntilHang(r, bin, timeout, budget)
		if r.Status == "hung" {
			r.Dump = k.name + ".txt"
			must(os.WriteFile(filepath.Join(dir, r.Dump), dump, 0o644))
		}
		results[i] = r
		logf("%-22s %-8s %-8s runs=%d stuck=%.1fs %s", k.name, tag, r.Status, r.Runs, r.StuckSeconds, r.Note)
	})
	writeJSON(filepath.Join(dir, "results.json"), results)
}

// runUntilHang returns the result and, for a hang, the test binary's stderr: the
// timeout panic and every goroutine.
func runUntilHang(r hungResult, bin string, timeout, budget time.Duration) (hungResult, []byte) {
	count := 1000
	deadline := time.Now().Add(budget)
	failures := 0
	var lastFailure string
	for time.Now().Before(deadline) {
		cmd := exec.Command(bin, "-test.v", "-test.count="+strconv.Itoa(count), "-test.timeout="+timeout.String())
		stdout, err := cmd.StdoutPipe()
		must(err)
		stderrPipe, err := cmd.StderrPipe()
		must(err)
		must(cmd.Start())
		// The time of the banner, not of the exit: printing a dump of many goroutines
		// takes seconds.
		var stderr bytes.Buffer
		var bannerAt time.Time
		stderrDone := make(chan struct{})
		go func() {
			defer close(stderrDone)
			lines := bufio.NewReader(stderrPipe)
			for {
				line, err := lines.ReadString('\n')
				if bannerAt.IsZero() && strings.HasPrefix(line, timeoutBanner) {
					bannerAt = time.Now()
				}
				stderr.WriteString(line)
				if err != nil {
					return
				}
			}
		}()
		var lastRun time.Time
		runs := 0
		var tail []string // the first lines of -v output other than RUN, for failures
		lines := bufio.NewScanner(stdout)
		lines.Buffer(make([]byte, 1<<20), 1<<20)
		for lines.Scan() {
			line := lines.Text()
			if strings.HasPrefix(line, "=== RUN") {
				lastRun = time.Now()
				runs++
			} else if len(tail) < 20 {
				tail = append(tail, line)
			}
		}
		<-stderrDone
		err = cmd.Wait()
		r.Runs += runs
		if !bannerAt.IsZero() {
			stuck := bannerAt.Sub(lastRun)
			if runs > 0 && stuck >= timeout/2 {
				r.Status, r.StuckSeconds, r.Runs = "hung", stuck.Round(100*time.Millisecond).Seconds(), runs
				r.Note = fmt.Sprintf("-test.count=%d", count)
				return r, stderr.Bytes()
			}
			// The timeout caught a round still making progress: fewer iterations.
			count = max(1, count/10)
			continue
		}
		if err == nil {
			count = min(count*10, 100000)
			continue
		}
		failures++
		lastFailure = firstLine(stderr.String() + strings.Join(tail, "\n"))
	}
	r.Status = "no-hang"
	if failures > 0 {
		r.Status, r.Note = "failed", fmt.Sprintf("%d failing rounds: %s", failures, lastFailure)
	}
	return r, nil
}

func toolchainName(toolchain string) string {
	if toolchain != "" {
		return toolchain
	}
	b, err := exec.Command("go", "env", "GOVERSION").Output()
	must(err)
	return strings.TrimSpace(string(b))
}

// parallel runs fn(0..n-1) on at most jobs goroutines.
func parallel(n, jobs int, fn func(int)) {
	next := make(chan int)
	var wg sync.WaitGroup
	for w := 0; w < jobs; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range next {
				fn(i)
			}
		}()
	}
	for i := 0; i < n; i++ {
		next <- i
	}
	close(next)
	wg.Wait()
}

func writeJSON(path string, v any) {
	b, err := json.MarshalIndent(v, "", "  ")
	must(err)
	must(os.WriteFile(path, append(b, '\n'), 0o644))
}

func readJSON(path string, v any) {
	b, err := os.ReadFile(path)
	must(err)
	must(json.Unmarshal(b, v))
}

func firstLine(s string) string {
	for _, l := range strings.Split(s, "\n") {
		if l = strings.TrimSpace(l); l != "" {
			if len(l) > 120 {
				l = l[:120]
			}
			return l
		}
	}
	return ""
}

var logMu sync.Mutex

func logf(format string, args ...any) {
	logMu.Lock()
	defer logMu.Unlock()
	fmt.Fprintf(os.Stderr, format+"\n", args...)
}

func must(err error) {
	if err != nil {
		fatal(err)
	}
}

func fatal(err error) {
	fmt.Fprintln(os.Stderr, "gobench-stacks:", err)
	os.Exit(1)
}
