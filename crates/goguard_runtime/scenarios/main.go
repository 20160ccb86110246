// Command scenarios puts a Go program into a known state (a leak, a deadlock, a healthy
// worker pool...) and writes goroutine dumps of that state, so goguard's parsers and
// diagnosis are tested on what the Go runtime really prints.
//
// Usage: scenarios -out DIR [-only NAME]
//
// Each scenario runs in its own child process (a fresh runtime, so dumps hold only that
// scenario's goroutines) and writes NAME.debug2.txt, NAME.debug1.txt and NAME.debug0.pb.gz.
// Some also write NAME.sigquit.txt: the child's SIGQUIT traceback (GOTRACEBACK=all).
// The whole-program deadlock is the separate program ./deadlock (see regenerate.sh).
package main

import (
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"runtime/pprof"
	"syscall"
	"time"
)

// scenario sets up goroutines and then calls snap (one or more times) to write dumps.
type scenario struct {
	name string
	run  func(snap func(name string))
	// sigquit: also dump the state with a SIGQUIT traceback from a child process.
	sigquit bool
}

var scenarios = []scenario{
	{name: "abandoned_send", run: abandonedSend, sigquit: true},
	{name: "range_unclosed", run: rangeUnclosed},
	{name: "mutex_deadlock", run: mutexDeadlock, sigquit: true},
	{name: "waitgroup_never_done", run: waitGroupNeverDone},
	{name: "ticker", run: tickerLoop},
	{name: "http_idle", run: httpIdle, sigquit: true},
	{name: "many_leaked", run: manyLeaked},
	{name: "cond_wait", run: condWait},
	{name: "nil_channel", run: nilChannel},
	{name: "healthy", run: healthy},
	{name: "growth", run: growth},
}

func main() {
	out := flag.String("out", "", "directory to write dumps to")
	only := flag.String("only", "", "run only this scenario")
	child := flag.String("child", "", "internal: run one scenario in this process")
	mode := flag.String("mode", "pprof", "internal: pprof | sigquit")
	flag.Parse()
	if *out == "" {
		fmt.Fprintln(os.Stderr, "usage: scenarios -out DIR [-only NAME]")
		os.Exit(2)
	}
	if *child != "" {
		runChild(*child, *mode, *out)
		return
	}
	if err := os.MkdirAll(*out, 0o755); err != nil {
		fail(err)
	}
	for _, s := range scenarios {
		if *only != "" && *only != s.name {
			continue
		}
		spawn(s.name, "pprof", *out, "")
		if s.sigquit {
			spawn(s.name, "sigquit", *out, filepath.Join(*out, s.name+".sigquit.txt"))
		}
	}
}

// spawn runs one scenario in a child process; stderrFile, if set, receives the child's
// stderr (where the runtime writes crash tracebacks), and the child is expected to die.
func spawn(name, mode, out, stderrFile string) {
	self, err := os.Executable()
	if err != nil {
		fail(err)
	}
	cmd := exec.Command(self, "-out", out, "-child", name, "-mode", mode)
	cmd.Env = append(os.Environ(), "GOTRACEBACK=all")
	cmd.Stdout = os.Stdout
	cmd.Stderr = os.Stderr
	if stderrFile != "" {
		f, err := os.Create(stderrFile)
		if err != nil {
			fail(err)
		}
		defer f.Close()
		cmd.Stderr = f
	}
	err = cmd.Run()
	if stderrFile == "" && err != nil {
		fail(fmt.Errorf("scenario %s: %w", name, err))
	}
	if stderrFile != "" && err == nil {
		fail(fmt.Errorf("scenario %s: child exited cleanly, expected a crash dump", name))
	}
	fmt.Printf("%-22s %-8s ok\n", name, mode)
}

func runChild(name, mode, out string) {
	for _, s := range scenarios {
		if s.name != name {
			continue
		}
		s.run(func(snapName string) {
			settle()
			if mode == "sigquit" {
				// The runtime prints every goroutine to stderr and exits with status 2.
				syscall.Kill(os.Getpid(), syscall.SIGQUIT)
				time.Sleep(10 * time.Second)
				fail(fmt.Errorf("SIGQUIT did not end the process"))
			}
			writeDumps(out, snapName)
		})
		return
	}
	fail(fmt.Errorf("unknown scenario %q", name))
}

// settle gives started goroutines time to reach the point where they block.
func settle() { time.Sleep(300 * time.Millisecond) }

func writeDumps(out, name string) {
	for _, d := range []struct {
		suffix string
		debug  int
	}{{".debug2.txt", 2}, {".debug1.txt", 1}, {".debug0.pb.gz", 0}} {
		write(filepath.Join(out, name+d.suffix), func(w io.Writer) error {
			return pprof.Lookup("goroutine").WriteTo(w, d.debug)
		})
	}
}

func write(path string, fn func(io.Writer) error) {
	f, err := os.Create(path)
	if err != nil {
		fail(err)
	}
	if err := fn(f); err != nil {
		fail(err)
	}
	if err := f.Close(); err != nil {
		fail(err)
	}
}

func fail(err error) {
	fmt.Fprintln(os.Stderr, "scenarios:", err)
	os.Exit(1)
}
