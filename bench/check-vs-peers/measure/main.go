// Command measure runs a command and reports what it cost: wall time, CPU time
// (user and system, of the command and every process it started), the largest
// resident set of any single process, and the peak of the summed resident sets
// of the whole process tree.
//
//	measure -o RESULT -- COMMAND [ARGS...]
//
// The command's stdin, stdout and stderr are passed through. RESULT receives one
// line of space-separated fields:
//
//	wall_s user_s sys_s max_rss_kb tree_peak_rss_kb exit_code
//
// and measure exits with the command's exit code.
//
// Why not only GNU time: its peak RSS is the largest *single* process. go vet
// runs one vet process per package, two at a time on two cores, next to the go
// command itself, so the memory the machine needs is the sum over the tree.
// The tree is sampled from /proc every -interval; measure makes itself a child
// subreaper so processes whose parent exits first stay in the tree. Resident
// sets are summed as the kernel reports them, so pages shared between processes
// (the same executable run twice) are counted once per process: an upper bound.
package main

import (
	"bytes"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"syscall"
	"time"
)

const prSetChildSubreaper = 36

func main() {
	out := flag.String("o", "", "file that receives the result line (default: stderr)")
	interval := flag.Duration("interval", 20*time.Millisecond, "how often the process tree is sampled")
	flag.Parse()
	if flag.NArg() == 0 {
		fmt.Fprintln(os.Stderr, "usage: measure [-o RESULT] [-interval D] -- COMMAND [ARGS...]")
		os.Exit(2)
	}

	if _, _, errno := syscall.RawSyscall(syscall.SYS_PRCTL, prSetChildSubreaper, 1, 0); errno != 0 {
		fmt.Fprintln(os.Stderr, "measure: cannot become a child subreaper:", errno)
		os.Exit(2)
	}

	cmd := exec.Command(flag.Arg(0), flag.Args()[1:]...)
	cmd.Stdin, cmd.Stdout, cmd.Stderr = os.Stdin, os.Stdout, os.Stderr
	start := time.Now()
	if err := cmd.Start(); err != nil {
		fmt.Fprintln(os.Stderr, "measure:", err)
		os.Exit(127)
	}

	done := make(chan struct{})
	peak := make(chan int64)
	go func() {
		var max int64
		tick := time.NewTicker(*interval)
		defer tick.Stop()
		for {
			if kb := treeRSS(os.Getpid()); kb > max {
				max = kb
			}
			select {
			case <-done:
				peak <- max
				return
			case <-tick.C:
			}
		}
	}()

	waitErr := cmd.Wait()
	wall := time.Since(start)
	close(done)
	treePeak := <-peak
	reapOrphans()

	code := 0
	if waitErr != nil {
		if ee, ok := waitErr.(*exec.ExitError); ok {
			code = ee.ExitCode()
			if code < 0 { // killed by a signal
				code = 128 + int(ee.Sys().(syscall.WaitStatus).Signal())
			}
		} else {
			fmt.Fprintln(os.Stderr, "measure:", waitErr)
			code = 127
		}
	}

	// Everything this process waited for, the command and the orphans it reaped.
	var ru syscall.Rusage
	_ = syscall.Getrusage(syscall.RUSAGE_CHILDREN, &ru)
	user := time.Duration(ru.Utime.Nano())
	sys := time.Duration(ru.Stime.Nano())
	if treePeak < ru.Maxrss { // a process shorter than one sampling interval
		treePeak = ru.Maxrss
	}

	line := fmt.Sprintf("%.2f %.2f %.2f %d %d %d\n",
		wall.Seconds(), user.Seconds(), sys.Seconds(), ru.Maxrss, treePeak, code)
	if *out == "" {
		fmt.Fprint(os.Stderr, line)
	} else if err := os.WriteFile(*out, []byte(line), 0o644); err != nil {
		fmt.Fprintln(os.Stderr, "measure:", err)
	}
	os.Exit(code)
}

// reapOrphans waits for descendants that were re-parented to this process and
// have exited, so their CPU time is counted in RUSAGE_CHILDREN.
func reapOrphans() {
	for {
		var ws syscall.WaitStatus
		pid, err := syscall.Wait4(-1, &ws, syscall.WNOHANG, nil)
		if pid <= 0 || err != nil {
			return
		}
	}
}

// treeRSS sums the resident sets (in KiB) of every descendant of root.
func treeRSS(root int) int64 {
	entries, err := os.ReadDir("/proc")
	if err != nil {
		return 0
	}
	parent := make(map[int]int, len(entries))
	for _, e := range entries {
		pid, err := strconv.Atoi(e.Name())
		if err != nil {
			continue
		}
		if ppid, ok := readPPID(pid); ok {
			parent[pid] = ppid
		}
	}
	var total int64
	for pid := range parent {
		if isDescendant(pid, root, parent) {
			total += readRSS(pid)
		}
	}
	return total
}

func isDescendant(pid, root int, parent map[int]int) bool {
	for steps := 0; steps < 64 && pid > 1; steps++ { // depth-bounded: pids can be reused mid-scan
		p, ok := parent[pid]
		if !ok {
			return false
		}
		if p == root {
			return true
		}
		pid = p
	}
	return false
}

// readPPID reads the parent pid from /proc/PID/stat; the command name in
// parentheses may itself contain spaces or parentheses, so fields are counted
// from the last ')'.
func readPPID(pid int) (int, bool) {
	b, err := os.ReadFile(filepath.Join("/proc", strconv.Itoa(pid), "stat"))
	if err != nil {
		return 0, false
	}
	i := bytes.LastIndexByte(b, ')')
	if i < 0 {
		return 0, false
	}
	f := bytes.Fields(b[i+1:]) // state ppid ...
	if len(f) < 2 {
		return 0, false
	}
	ppid, err := strconv.Atoi(string(f[1]))
	return ppid, err == nil
}

var pageKB = int64(os.Getpagesize() / 1024)

// readRSS reads the resident set in KiB from /proc/PID/statm (second field, pages).
func readRSS(pid int) int64 {
	b, err := os.ReadFile(filepath.Join("/proc", strconv.Itoa(pid), "statm"))
	if err != nil {
		return 0
	}
	f := bytes.Fields(b)
	if len(f) < 2 {
		return 0
	}
	pages, err := strconv.ParseInt(string(f[1]), 10, 64)
	if err != nil {
		return 0
	}
	return pages * pageKB
}
