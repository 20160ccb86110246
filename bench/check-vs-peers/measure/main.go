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
// The tree is walked from /proc every -interval (50 ms: a few milliseconds of CPU
// per second for a go vet tree); measure makes itself a child
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
	interval := flag.Duration("interval", 50*time.Millisecond, "how often the process tree is sampled")
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

// treeRSS sums the resident sets (in KiB) of every descendant of root. It walks
// down from root through /proc/PID/task/TID/children (every thread: the go
// command starts processes from any of its threads), so its cost grows with the
// tree, not with the number of processes on the machine.
func treeRSS(root int) int64 {
	var total int64
	seen := map[int]bool{root: true}
	queue := children(root)
	for steps := 0; len(queue) > 0 && steps < 100000; steps++ { // bounded: pids can be reused mid-walk
		pid := queue[0]
		queue = queue[1:]
		if seen[pid] {
			continue
		}
		seen[pid] = true
		total += readRSS(pid)
		queue = append(queue, children(pid)...)
	}
	return total
}

// children lists the pids of pid's child processes.
func children(pid int) []int {
	dir := filepath.Join("/proc", strconv.Itoa(pid), "task")
	tasks, err := os.ReadDir(dir)
	if err != nil {
		return nil
	}
	var kids []int
	for _, t := range tasks {
		b, err := os.ReadFile(filepath.Join(dir, t.Name(), "children"))
		if err != nil {
			continue
		}
		for _, f := range bytes.Fields(b) {
			if kid, err := strconv.Atoi(string(f)); err == nil {
				kids = append(kids, kid)
			}
		}
	}
	return kids
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
