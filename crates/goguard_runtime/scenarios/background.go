package main

import (
	"io"
	"net/http"
	"net/http/httptest"
	"runtime"
	"sync"
	"sync/atomic"
	"time"
)

// --- ticker: a long-lived background loop; not a leak.

func heartbeat(ticker *time.Ticker, beats *atomic.Int64) {
	for range ticker.C {
		beats.Add(1)
	}
}

func tickerLoop(snap func(string)) {
	var beats atomic.Int64
	ticker := time.NewTicker(50 * time.Millisecond)
	defer ticker.Stop()
	go heartbeat(ticker, &beats)
	snap("ticker")
}

// --- http server with an idle keep-alive client connection, loopback only.

func httpIdle(snap func(string)) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.WriteString(w, "ok")
	}))
	defer srv.Close()
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 1}}
	resp, err := client.Get(srv.URL)
	if err != nil {
		fail(err)
	}
	io.Copy(io.Discard, resp.Body)
	resp.Body.Close() // the connection goes back to the idle pool, kept alive
	snap("http_idle")
}

// --- healthy: a worker pool, some workers busy, some idle, nothing leaked.

const poolWorkers = 4

func poolWorker(jobs <-chan int, results chan<- int, wg *sync.WaitGroup) {
	defer wg.Done()
	for n := range jobs {
		results <- crunch(n)
	}
}

// crunch burns CPU so that busy workers are running or runnable when the dump is taken.
func crunch(n int) int {
	deadline := time.Now().Add(time.Duration(n) * time.Millisecond)
	x := 0
	for time.Now().Before(deadline) {
		x++
		if x%1024 == 0 {
			runtime.Gosched()
		}
	}
	return x
}

func healthy(snap func(string)) {
	jobs := make(chan int)
	results := make(chan int, 16)
	var wg sync.WaitGroup
	for i := 0; i < poolWorkers; i++ {
		wg.Add(1)
		go poolWorker(jobs, results, &wg)
	}
	// Two long jobs keep two workers busy during the dump; the others idle in range.
	jobs <- 1500
	jobs <- 1500
	snap("healthy")
	close(jobs)
	wg.Wait()
}

// Healthy programs at rest: a ticker loop, an idle HTTP connection, a half-busy pool.
func init() {
	register(scenario{name: "ticker", run: tickerLoop})
	register(scenario{name: "http_idle", run: httpIdle, sigquit: true})
	register(scenario{name: "healthy", run: healthy})
}
