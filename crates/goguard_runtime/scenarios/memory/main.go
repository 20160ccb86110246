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
//	memory -docker-log < IN > OUT    IN's lines as docker's json-file log driver stores
//	                                 them ({"log":"...\n","stream":"stderr","time":...})
//
// ../regenerate-memory.sh runs it and commits what it writes under ../../tests.
package main

import (
	"bufio"
	"encoding/json"
	"flag"
	"fmt"
	"io"
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
	dockerLog := flag.Bool("docker-log", false, "copy standard input to standard output as docker json-file log records")
	flag.Parse()
	switch {
	case *heapDir != "":
		if err := os.MkdirAll(*heapDir, 0o755); err != nil {
			fail(err)
		}
		heapProfiles(*heapDir, *pause)
	case *gcWorkload != "":
		runGCWorkload(*gcWorkload, *duration)
	case *dockerLog:
		if err := toDockerLog(os.Stdin, os.Stdout); err != nil {
			fail(err)
		}
	default:
		fmt.Fprintln(os.Stderr, "usage: memory -heap DIR | -gc WORKLOAD [-for D] | -docker-log")
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

// toDockerLog writes each line of r as docker's json-file log driver stores a container's
// stderr: one JSON record per line, `>` escaped as \u003e as Go's encoder does.
func toDockerLog(r io.Reader, w io.Writer) error {
	lines := bufio.NewScanner(r)
	lines.Buffer(make([]byte, 1<<20), 1<<20)
	enc := json.NewEncoder(w)
	start := time.Date(2026, 1, 1, 12, 0, 0, 0, time.UTC)
	for n := 0; lines.Scan(); n++ {
		record := struct {
			Log    string `json:"log"`
			Stream string `json:"stream"`
			Time   string `json:"time"`
		}{lines.Text() + "\n", "stderr", start.Add(time.Duration(n) * time.Millisecond).Format(time.RFC3339Nano)}
		if err := enc.Encode(record); err != nil {
			return err
		}
	}
	return lines.Err()
}
