// Command memory puts a Go program into a known memory state and writes what the runtime
// prints about it, so goguard's heap, gc and profile readers are tested on real output.
//
// Usage:
//
//	memory -heap DIR [-pause D]      heap, allocs, goroutine, mutex and block profiles of a
//	                                 service that leaks memory four ways (heap.N.pb.gz...),
//	                                 and heap profiles of a healthy one (healthy.N.pb.gz)
//	memory -gc WORKLOAD [-for D]     a workload to run under GODEBUG=gctrace=1: leaky,
//	                                 storm (run it with GOMEMLIMIT), healthy, forced
//
// ../regenerate-memory.sh runs it and commits what it writes under ../../tests.
package main

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"runtime/pprof"
	"time"
)

func main() {
	heapDir := flag.String("heap", "", "write heap profiles of the leaky and healthy services to this directory")
	gcWorkload := flag.String("gc", "", "run a GC workload: leaky, storm, healthy, forced")
	duration := flag.Duration("for", 6*time.Second, "how long a GC workload runs")
	pause := flag.Duration("pause", 250*time.Microsecond, "with -heap: pause between requests")
	flag.Parse()
	switch {
	case *heapDir != "":
		if err := os.MkdirAll(*heapDir, 0o755); err != nil {
			fail(err)
		}
		heapProfiles(*heapDir, *pause)
	case *gcWorkload != "":
		runGCWorkload(*gcWorkload, *duration)
	default:
		fmt.Fprintln(os.Stderr, "usage: memory -heap DIR | -gc WORKLOAD [-for D]")
		os.Exit(2)
	}
}

// writeProfile writes the named runtime profile (debug=0: gzipped protobuf) to dir/file.
// Heap profiles are written after a collection, as /debug/pprof/heap?gc=1 does, so that
// in-use figures describe what the last GC found live.
func writeProfile(dir, name, file string) {
	if name == "heap" || name == "allocs" {
		runtime.GC()
	}
	f, err := os.Create(filepath.Join(dir, file))
	if err != nil {
		fail(err)
	}
	if err := pprof.Lookup(name).WriteTo(f, 0); err != nil {
		fail(err)
	}
	if err := f.Close(); err != nil {
		fail(err)
	}
	fmt.Printf("%-24s %s\n", file, name)
}

func fail(err error) {
	fmt.Fprintln(os.Stderr, "memory:", err)
	os.Exit(1)
}
