// Command watchtarget is the service the tests of `goguard watch` poll: net/http/pprof,
// expvar (/debug/vars) and the Go collector's gauges on /metrics, and three handlers a
// test's load loop calls to put it in a known state:
//
//	/work  answers after a short wait and leaves nothing behind (a healthy service)
//	/leak  starts a lookup whose late answer blocks forever: one goroutine leaked per call
//	/grow  keeps 256 KiB more for good: a heap that only grows
//
// It listens on 127.0.0.1 (port 0 unless -addr says otherwise) and prints its address.
package main

import (
	_ "expvar"
	"flag"
	"fmt"
	"net"
	"net/http"
	_ "net/http/pprof"
	"os"
	"runtime"
	"sync"
	"time"
)

// lookup answers too late for its caller.
func lookup(ch chan int) {
	time.Sleep(5 * time.Millisecond)
	ch <- 42 // blocks forever: nobody receives once the caller gave up
}

func fetchWithTimeout() bool {
	ch := make(chan int)
	go lookup(ch)
	select {
	case <-ch:
		return true
	case <-time.After(time.Millisecond):
		return false
	}
}

var (
	mu       sync.Mutex
	retained [][]byte
)

func grow() int {
	mu.Lock()
	defer mu.Unlock()
	b := make([]byte, 256<<10)
	for i := range b {
		b[i] = byte(i)
	}
	retained = append(retained, b)
	return len(retained)
}

// metrics writes the gauges the Prometheus Go collector exports under these names.
func metrics(w http.ResponseWriter, _ *http.Request) {
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	w.Header().Set("Content-Type", "text/plain; version=0.0.4")
	fmt.Fprintf(w, "# HELP go_goroutines Number of goroutines that currently exist.\n# TYPE go_goroutines gauge\ngo_goroutines %d\n", runtime.NumGoroutine())
	fmt.Fprintf(w, "# HELP go_memstats_heap_alloc_bytes Number of heap bytes allocated and still in use.\n# TYPE go_memstats_heap_alloc_bytes gauge\ngo_memstats_heap_alloc_bytes %d\n", m.HeapAlloc)
	fmt.Fprintf(w, "# HELP go_memstats_sys_bytes Number of bytes obtained from system.\n# TYPE go_memstats_sys_bytes gauge\ngo_memstats_sys_bytes %d\n", m.Sys)
}

func main() {
	addr := flag.String("addr", "127.0.0.1:0", "listen address")
	flag.Parse()
	http.HandleFunc("/work", func(w http.ResponseWriter, r *http.Request) {
		time.Sleep(2 * time.Millisecond)
		fmt.Fprintln(w, "ok")
	})
	http.HandleFunc("/leak", func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprintln(w, fetchWithTimeout())
	})
	http.HandleFunc("/grow", func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprintln(w, grow())
	})
	http.HandleFunc("/metrics", metrics)
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	fmt.Println(ln.Addr())
	http.Serve(ln, nil)
}
