// Command scenarios puts a Go program into a known state (a leak, a deadlock, a healthy
// busy service...) and writes goroutine dumps of that state, so goguard's parsers and
// diagnosis are tested on what the Go runtime really prints.
//
// Usage:
//
//	scenarios -out DIR [-only NAME]             goroutine profiles (+ SIGQUIT tracebacks)
//	scenarios -out DIR -leak TAG [-only NAME]   goroutineleak profiles
//	scenarios -out DIR -old TAG [-only NAME]    debug=2 goroutine profiles for an old toolchain
//	scenarios -out DIR -snapshots [-interval D] repeated snapshots of one process (minutes)
//
// Each scenario runs in its own child process (a fresh runtime, so dumps hold only that
// scenario's goroutines). The default run writes NAME.debug2.txt, NAME.debug1.txt and
// NAME.debug0.pb.gz for every scenario, and NAME.sigquit.txt for those marked sigquit:
// the child's stderr after the parent sent it SIGQUIT (GOTRACEBACK=all), as `kill -QUIT`
// would. -leak TAG writes NAME.goroutineleak.TAG.debug{2,1,0} for the scenarios marked
// leakProfile (needs Go 1.27, or Go 1.26 built with GOEXPERIMENT=goroutineleakprofile).
// -old TAG writes NAME.TAG.debug2.txt (and NAME.TAG.sigquit.txt where marked) for the
// scenarios marked old. The whole-program deadlock is the separate program ./deadlock and
// the hung test is the package ./hungtest (see regenerate.sh).
package main

import (
	"bufio"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"runtime/pprof"
	"strings"
	"syscall"
	"time"
)

// scenario sets up goroutines and then calls snap (one or more times) to write dumps.
type scenario struct {
	name string
	run  func(snap func(name string))
	// sigquit: also dump the state with a SIGQUIT traceback of the child process.
	sigquit bool
	// leakProfile: also write goroutineleak profiles (with -leak).
	leakProfile bool
	// old: also dump with an old toolchain (with -old).
	old bool
}

// scenarios is filled by the init functions of the files that define them, in file order.
var scenarios []scenario

func register(s scenario) { scenarios = append(scenarios, s) }

// The output a child writes at each snap.
const (
	modeGoroutine = "goroutine" // goroutine profile, debug=2, 1 and 0
	modeLeak      = "leak"      // goroutineleak profile, debug=2, 1 and 0
	modeOld       = "old"       // goroutine profile, debug=2 only
	modeSigquit   = "sigquit"   // wait for the parent's SIGQUIT
)

// readyLine is what a child in sigquit mode prints once the scenario is in place.
const readyLine = "scenario ready"

func main() {
	out := flag.String("out", "", "directory to write dumps to")
	only := flag.String("only", "", "run only this scenario")
	leakTag := flag.String("leak", "", "write goroutineleak profiles, naming files NAME.goroutineleak.TAG.*")
	oldTag := flag.String("old", "", "write debug=2 dumps of the old-toolchain set, naming files NAME.TAG.*")
	snapshots := flag.Bool("snapshots", false, "write repeated snapshots of one process (takes minutes)")
	interval := flag.Duration("interval", snapshotInterval, "time between repeated snapshots")
	child := flag.String("child", "", "internal: run one scenario in this process")
	mode := flag.String("mode", modeGoroutine, "internal: goroutine | leak | old | sigquit")
	tag := flag.String("tag", "", "internal: file name tag")
	flag.Parse()
	if *out == "" {
		fmt.Fprintln(os.Stderr, "usage: scenarios -out DIR [-only NAME] [-leak TAG | -old TAG | -snapshots]")
		os.Exit(2)
	}
	if *child != "" {
		runChild(*child, *mode, *tag, *out)
		return
	}
	if err := os.MkdirAll(*out, 0o755); err != nil {
		fail(err)
	}
	if *snapshots {
		repeatedSnapshots(*out, *interval)
		return
	}
	ran := false
	for _, s := range scenarios {
		if *only != "" && *only != s.name {
			continue
		}
		switch {
		case *leakTag != "":
			if s.leakProfile {
				spawn(s.name, modeLeak, *leakTag, *out, "")
				ran = true
			}
		case *oldTag != "":
			if s.old {
				spawn(s.name, modeOld, *oldTag, *out, "")
				if s.sigquit {
					spawn(s.name, modeSigquit, *oldTag, *out, filepath.Join(*out, s.name+"."+*oldTag+".sigquit.txt"))
				}
				ran = true
			}
		default:
			spawn(s.name, modeGoroutine, "", *out, "")
			if s.sigquit {
				spawn(s.name, modeSigquit, "", *out, filepath.Join(*out, s.name+".sigquit.txt"))
			}
			ran = true
		}
	}
	if *only != "" && !ran {
		fail(fmt.Errorf("no scenario %q in this set", *only))
	}
}

// spawn runs one scenario in a child process. In sigquit mode the child's stderr (where
// the runtime writes the traceback) goes to stderrFile, and the child must die of the
// signal once it says it is ready.
func spawn(name, mode, tag, out, stderrFile string) {
	self, err := os.Executable()
	if err != nil {
		fail(err)
	}
	cmd := exec.Command(self, "-out", out, "-child", name, "-mode", mode, "-tag", tag)
	cmd.Env = append(os.Environ(), "GOTRACEBACK=all")
	if mode != modeSigquit {
		cmd.Stdout = os.Stdout
		cmd.Stderr = os.Stderr
		if err := cmd.Run(); err != nil {
			fail(fmt.Errorf("scenario %s: %w", name, err))
		}
		fmt.Printf("%-26s %-9s %-7s ok\n", name, mode, tag)
		return
	}
	f, err := os.Create(stderrFile)
	if err != nil {
		fail(err)
	}
	defer f.Close()
	cmd.Stderr = f
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		fail(err)
	}
	if err := cmd.Start(); err != nil {
		fail(err)
	}
	lines := bufio.NewScanner(stdout)
	for lines.Scan() && lines.Text() != readyLine {
	}
	// Let the child's main goroutine finish printing and park before the signal comes.
	time.Sleep(200 * time.Millisecond)
	if err := cmd.Process.Signal(syscall.SIGQUIT); err != nil {
		fail(fmt.Errorf("scenario %s: %w", name, err))
	}
	io.Copy(io.Discard, stdout)
	if err := cmd.Wait(); err == nil {
		fail(fmt.Errorf("scenario %s: child exited cleanly, expected a SIGQUIT traceback", name))
	}
	fmt.Printf("%-26s %-9s %-7s ok\n", name, mode, tag)
}

func runChild(name, mode, tag, out string) {
	for _, s := range scenarios {
		if s.name != name {
			continue
		}
		s.run(func(snapName string) {
			settle()
			switch mode {
			case modeSigquit:
				waitForSignal()
			case modeLeak:
				writeProfiles(out, snapName+".goroutineleak."+tag, "goroutineleak", 2, 1, 0)
			case modeOld:
				writeProfiles(out, snapName+"."+tag, "goroutine", 2)
			default:
				writeProfiles(out, snapName, "goroutine", 2, 1, 0)
			}
		})
		return
	}
	fail(fmt.Errorf("unknown scenario %q", name))
}

// waitForSignal parks the main goroutine the way a service's main does, waiting for a
// shutdown signal, and tells the parent it may send SIGQUIT. SIGQUIT itself is not
// caught: the runtime prints every goroutine and exits with status 2.
func waitForSignal() {
	shutdown := make(chan os.Signal, 1)
	signal.Notify(shutdown, syscall.SIGTERM, os.Interrupt)
	fmt.Println(readyLine)
	<-shutdown
	fail(fmt.Errorf("shut down before SIGQUIT"))
}

// settle gives started goroutines time to reach the point where they block.
func settle() { time.Sleep(300 * time.Millisecond) }

// writeProfiles writes the named profile at each debug level: NAME.debug2.txt,
// NAME.debug1.txt, NAME.debug0.pb.gz.
func writeProfiles(out, name, profile string, debugLevels ...int) {
	p := pprof.Lookup(profile)
	if p == nil {
		fail(fmt.Errorf("this runtime has no %q profile (Go 1.27, or GOEXPERIMENT=goroutineleakprofile on Go 1.26)", profile))
	}
	for _, debug := range debugLevels {
		suffix := fmt.Sprintf(".debug%d.txt", debug)
		if debug == 0 {
			suffix = ".debug0.pb.gz"
		}
		write(filepath.Join(out, name+suffix), func(w io.Writer) error {
			return p.WriteTo(w, debug)
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
	fmt.Fprintln(os.Stderr, "scenarios:", strings.TrimSpace(err.Error()))
	os.Exit(1)
}
