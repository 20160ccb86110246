// Command bigdump starts many goroutines blocked in a realistic mix of ways and writes
// their dump to a file, as input for parser benchmarks.
//
//	go run . -n 100000 -o /tmp/bigdump.txt [-format stack|debug1|debug0]
//
// The mix: channel receive and send, select, mutex, RWMutex, WaitGroup, sleep, cond;
// reached through stacks 3 to 40 frames deep, with closures, methods, generic functions
// and pprof labels on some of them.
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"runtime"
	"runtime/pprof"
	"sync"
	"time"
)

type pool[T any] struct {
	mu    sync.Mutex
	items []T
	wake  chan T
}

func (p *pool[T]) take() T { return <-p.wake }

type service struct {
	mu   sync.RWMutex
	cond *sync.Cond
}

func (s *service) read()  { s.mu.RLock(); s.mu.RUnlock() }
func (s *service) write() { s.mu.Lock(); s.mu.Unlock() }

// descend adds depth frames before blocking, so stacks vary in length.
func descend(depth int, block func()) {
	if depth <= 0 {
		block()
		return
	}
	descend(depth-1, block)
}

func handler(id int, block func()) {
	func() {
		descend(id%37+1, block)
	}()
}

func main() {
	n := flag.Int("n", 100000, "goroutines to start")
	out := flag.String("o", "bigdump.txt", "output file")
	format := flag.String("format", "stack", "stack (runtime.Stack), debug1 or debug0 (pprof goroutine profile)")
	flag.Parse()

	never := make(chan int)
	full := make(chan int)
	var held sync.Mutex
	held.Lock()
	svc := &service{}
	svc.mu.Lock()
	svc.cond = sync.NewCond(&sync.Mutex{})
	var forever sync.WaitGroup
	forever.Add(1)
	strings := &pool[string]{wake: make(chan string)}
	ints := &pool[int]{wake: make(chan int)}

	var started sync.WaitGroup
	blocks := []func(){
		func() { <-never },
		func() { full <- 1 },
		func() {
			select {
			case <-never:
			case full <- 2:
			}
		},
		func() { held.Lock() },
		func() { svc.read() },
		func() { svc.write() },
		func() { forever.Wait() },
		func() { time.Sleep(time.Hour) },
		func() { _ = strings.take() },
		func() { _ = ints.take() },
		func() {
			svc.cond.L.Lock()
			svc.cond.Wait()
		},
	}
	for i := 0; i < *n; i++ {
		started.Add(1)
		block := blocks[i%len(blocks)]
		id := i
		run := func() {
			started.Done()
			handler(id, block)
		}
		if i%5 == 0 {
			labels := pprof.Labels("shard", fmt.Sprint(i%16), "kind", "worker")
			pprof.Do(context.Background(), labels, func(context.Context) { go run() })
		} else {
			go run()
		}
	}
	started.Wait()
	time.Sleep(500 * time.Millisecond)

	f, err := os.Create(*out)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	defer f.Close()
	switch *format {
	case "stack":
		buf := make([]byte, 64<<20)
		for {
			m := runtime.Stack(buf, true)
			if m < len(buf) {
				buf = buf[:m]
				break
			}
			buf = make([]byte, 2*len(buf))
		}
		_, err = f.Write(buf)
	case "debug1":
		err = pprof.Lookup("goroutine").WriteTo(f, 1)
	case "debug0":
		err = pprof.Lookup("goroutine").WriteTo(f, 0)
	default:
		err = fmt.Errorf("unknown format %q", *format)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}
