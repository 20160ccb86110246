package main

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"time"
)

// An HTTP service under load on 127.0.0.1, alone and with one leaked goroutine among its
// busy workers: what a real service dump looks like.
func init() {
	register(scenario{name: "http_load", run: httpLoad, sigquit: true, leakProfile: true, old: true})
	register(scenario{name: "busy_service_with_leak", run: busyServiceWithLeak, sigquit: true, leakProfile: true, old: true})
}

// handleOrder simulates a handler that waits on a database and then renders.
func handleOrder(w http.ResponseWriter, r *http.Request) {
	select {
	case <-time.After(30 * time.Millisecond): // the database call
	case <-r.Context().Done():
		return
	}
	crunch(2)
	io.WriteString(w, "ok\n")
}

// loadClient sends requests one after another until ctx ends.
func loadClient(ctx context.Context, client *http.Client, url string, done *atomic.Int64) {
	for ctx.Err() == nil {
		req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
		if err != nil {
			fail(err)
		}
		resp, err := client.Do(req)
		if err != nil {
			continue // ctx ended, or the server is shutting down
		}
		io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		done.Add(1)
	}
}

const loadClients = 8

// startLoad starts an HTTP server on 127.0.0.1 and clients that keep requests in flight.
func startLoad(ctx context.Context, done *atomic.Int64) *httptest.Server {
	srv := httptest.NewServer(http.HandlerFunc(handleOrder))
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: loadClients}}
	for i := 0; i < loadClients; i++ {
		go loadClient(ctx, client, srv.URL, done)
	}
	return srv
}

func httpLoad(snap func(string)) {
	ctx, cancel := context.WithCancel(context.Background())
	var done atomic.Int64
	srv := startLoad(ctx, &done)
	snap("http_load")
	if done.Load() == 0 {
		fail(errNotBusy("http_load"))
	}
	cancel()
	srv.Close()
}

// --- the service with a leak: at start-up loadConfig gives up on a slow config read
// after a timeout and carries on with defaults; the reader goroutine is left blocked
// forever sending its late result. The service then works normally: a busy worker pool
// and an HTTP server under load.

type config struct{ values map[string]string }

var errConfigTimeout = errors.New("config read timed out")

func readConfig() config {
	time.Sleep(50 * time.Millisecond)
	return config{values: map[string]string{"mode": "fast"}}
}

func loadConfig(timeout time.Duration) (config, error) {
	ch := make(chan config) // unbuffered: nobody receives once the timeout fires
	go func() {
		ch <- readConfig()
	}()
	select {
	case c := <-ch:
		return c, nil
	case <-time.After(timeout):
		return config{}, errConfigTimeout
	}
}

func busyServiceWithLeak(snap func(string)) {
	if _, err := loadConfig(5 * time.Millisecond); !errors.Is(err, errConfigTimeout) {
		fail(errors.New("busy_service_with_leak: expected the config read to time out"))
	}
	ctx, cancel := context.WithCancel(context.Background())
	var jobsDone, requestsDone atomic.Int64
	jobs := make(chan int)
	for i := 0; i < busyPoolWorkers; i++ {
		go jobWorker(jobs, &jobsDone)
	}
	go produceJobs(ctx, jobs)
	srv := startLoad(ctx, &requestsDone)
	snap("busy_service_with_leak")
	if jobsDone.Load() == 0 || requestsDone.Load() == 0 {
		fail(errNotBusy("busy_service_with_leak"))
	}
	cancel()
	srv.Close()
}
