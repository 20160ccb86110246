package main

import (
	"log"
	"os"
	"runtime"
	"runtime/debug"
	"time"
)

// GC workloads, run under GODEBUG=gctrace=1 (the runtime then prints a line per collection
// on stderr). Each also logs a line of its own now and then with the standard logger, so the
// collections are printed among other log lines, as in a real service's output.
//
//	healthy  a steady live heap of about 32 MiB and a moderate allocation rate
//	leaky    the same, plus a cache that keeps 256 KiB per 10 ms: the heap after each
//	         collection climbs and never comes back down
//	storm    live heap held just under the memory limit (run with GOMEMLIMIT=96MiB): the
//	         collector runs back to back and takes much of the CPU
//	forced   a healthy service that calls runtime.GC and debug.FreeOSMemory every 50 ms
func runGCWorkload(name string, d time.Duration) {
	logger := log.New(os.Stderr, "service: ", log.LstdFlags|log.Lmicroseconds)
	logger.Printf("starting %s workload for %s", name, d)
	live := make([][]byte, 0, 1024)
	for i := 0; i < 32; i++ {
		live = append(live, make([]byte, 1<<20))
	}
	var leak [][]byte
	deadline := time.Now().Add(d)
	tick := time.NewTicker(10 * time.Millisecond)
	defer tick.Stop()
	lastForced := time.Now()
	requests := 0
	for time.Now().Before(deadline) {
		switch name {
		case "healthy", "forced":
			allocate(1 << 20)
		case "leaky":
			allocate(1 << 20)
			select {
			case <-tick.C:
				leak = append(leak, make([]byte, 256<<10))
			default:
			}
		case "storm":
			// Grow the live heap to about 90 MiB, then keep allocating garbage fast.
			if len(live) < 90 {
				live = append(live, make([]byte, 1<<20))
			}
			allocate(8 << 20)
		default:
			logger.Fatalf("unknown workload %q", name)
		}
		if name == "forced" && time.Since(lastForced) > 50*time.Millisecond {
			runtime.GC()
			debug.FreeOSMemory()
			lastForced = time.Now()
		}
		requests++
		if requests%200 == 0 {
			logger.Printf("served %d requests, %d MiB kept", requests, len(leak)/4)
		}
		time.Sleep(2 * time.Millisecond)
	}
	logger.Printf("%s workload done after %d requests", name, requests)
	runtime.KeepAlive(live)
	runtime.KeepAlive(leak)
}

var garbage []byte

// allocate makes `total` bytes of short-lived garbage in 32 KiB pieces.
func allocate(total int) {
	for n := 0; n < total; n += 32 << 10 {
		garbage = make([]byte, 32<<10)
		garbage[0] = byte(n)
	}
}
