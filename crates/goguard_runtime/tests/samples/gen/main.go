// Command samples makes a Go program print its goroutines in the forms the parser tests
// need. It starts goroutines blocked in different ways (channels, select, mutex,
// WaitGroup, sleep; generics, methods, closures, `go` wrappers, deep recursion, pprof
// labels) and then prints them as selected by the argument:
//
//	stack    runtime.Stack(all) on stdout
//	debug1   pprof goroutine profile, debug=1, on stdout
//	debug0   pprof goroutine profile, debug=0 (gzipped protobuf), on stdout
//	panic    panics in a goroutine (run with GOTRACEBACK=system: gp= headers, fp= suffixes)
//	sigquit  sends itself SIGQUIT (run with GOTRACEBACK=crash: registers, all Ms)
//	leak     goroutineleak profile, debug=2 then debug=1 (needs GOEXPERIMENT=goroutineleakprofile)
package main

import (
	"context"
	"fmt"
	"os"
	"runtime"
	"runtime/pprof"
	"sync"
	"syscall"
	"time"
)

type Queue[T any] struct {
	items chan T
}

func (q *Queue[T]) Pop() T { return <-q.items }

type server struct {
	mu sync.Mutex
}

func (s *server) handle(wg *sync.WaitGroup) {
	wg.Done()
	s.mu.Lock() // blocks: main holds the lock
	s.mu.Unlock()
}

func recurse(n int, ch chan int) int {
	if n == 0 {
		return <-ch
	}
	return recurse(n-1, ch) + 1
}

func sender(ch chan<- int, v int) {
	ch <- v
}

var sink []any

func start() {
	var ready sync.WaitGroup
	never := make(chan int)

	// Generic method blocked on a channel receive.
	q := &Queue[string]{items: make(chan string)}
	ready.Add(1)
	go func() {
		ready.Done()
		sink = append(sink, q.Pop())
	}()

	// Method value blocked on a mutex held by main.
	s := &server{}
	s.mu.Lock()
	ready.Add(1)
	go s.handle(&ready)

	// Plain function with arguments: a `gowrap` wrapper in Go 1.21+.
	go sender(make(chan int), 1)

	// Nested closures in a select.
	ready.Add(1)
	go func() {
		func() {
			ready.Done()
			select {
			case <-make(chan int):
			case <-time.After(time.Hour):
			}
		}()
	}()

	// WaitGroup that never completes.
	var forever sync.WaitGroup
	forever.Add(1)
	go func() { forever.Wait() }()

	// Deep recursion: more than 100 frames, so the traceback elides the middle.
	go recurse(150, never)

	// Sleeping, with pprof labels (shown in tracebacks with GODEBUG=tracebacklabels=1).
	pprof.Do(context.Background(), pprof.Labels("worker", "sleeper", "shard", "7"), func(context.Context) {
		go func() { time.Sleep(time.Hour) }()
	})

	// A leak: the only reference to the channel is dropped.
	go func() {
		ch := make(chan struct{})
		<-ch
	}()

	ready.Wait()
	time.Sleep(200 * time.Millisecond) // let every goroutine reach its blocking point
}

func main() {
	if len(os.Args) < 2 {
		fmt.Fprintln(os.Stderr, "usage: samples stack|debug1|debug0|panic|sigquit|leak")
		os.Exit(2)
	}
	start()
	switch os.Args[1] {
	case "stack":
		buf := make([]byte, 1<<20)
		n := runtime.Stack(buf, true)
		os.Stdout.Write(buf[:n])
	case "debug1":
		pprof.Lookup("goroutine").WriteTo(os.Stdout, 1)
	case "debug0":
		pprof.Lookup("goroutine").WriteTo(os.Stdout, 0)
	case "panic":
		done := make(chan struct{})
		go func() {
			defer close(done)
			var m map[string]int
			m["x"] = 1 // panics: assignment to entry in nil map
		}()
		<-done
	case "sigquit":
		syscall.Kill(os.Getpid(), syscall.SIGQUIT)
		time.Sleep(time.Second)
	case "leak":
		runtime.GC()
		time.Sleep(100 * time.Millisecond)
		p := pprof.Lookup("goroutineleak")
		if p == nil {
			fmt.Fprintln(os.Stderr, "no goroutineleak profile: build with GOEXPERIMENT=goroutineleakprofile")
			os.Exit(1)
		}
		p.WriteTo(os.Stdout, 2)
		p.WriteTo(os.Stdout, 1)
	}
}
