//go:build go1.24

// Unencrypted HTTP/2 (http.Protocols) needs Go 1.24, so older toolchains build the
// scenarios without this file.

package main

import (
	"bufio"
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"sync"
	"sync/atomic"
	"time"
)

// A gRPC-style streaming server: long-lived HTTP/2 (h2c) streams on 127.0.0.1, each
// handler parked in a select on its request context and its updates channel, each client
// reading its stream; a publisher broadcasts now and then.
func init() {
	register(scenario{name: "stream_server", run: streamServer, leakProfile: true})
}

type broadcaster struct {
	mu   sync.Mutex
	subs map[chan string]struct{}
}

func (b *broadcaster) subscribe() chan string {
	ch := make(chan string, 8)
	b.mu.Lock()
	b.subs[ch] = struct{}{}
	b.mu.Unlock()
	return ch
}

func (b *broadcaster) unsubscribe(ch chan string) {
	b.mu.Lock()
	delete(b.subs, ch)
	b.mu.Unlock()
}

func (b *broadcaster) subscribers() int {
	b.mu.Lock()
	defer b.mu.Unlock()
	return len(b.subs)
}

// publish drops the update for a subscriber whose buffer is full rather than block.
func (b *broadcaster) publish(update string) {
	b.mu.Lock()
	defer b.mu.Unlock()
	for ch := range b.subs {
		select {
		case ch <- update:
		default:
		}
	}
}

// serveWatch streams updates to one client until the client goes away.
func (b *broadcaster) serveWatch(w http.ResponseWriter, r *http.Request) {
	updates := b.subscribe()
	defer b.unsubscribe(updates)
	flusher := w.(http.Flusher)
	w.WriteHeader(http.StatusOK)
	flusher.Flush()
	for {
		select {
		case <-r.Context().Done():
			return
		case u := <-updates:
			io.WriteString(w, u+"\n")
			flusher.Flush()
		}
	}
}

func publishLoop(ctx context.Context, b *broadcaster, every time.Duration) {
	b.publish("subscribed")
	ticker := time.NewTicker(every)
	defer ticker.Stop()
	for {
		select {
		case t := <-ticker.C:
			b.publish(t.Format(time.RFC3339Nano))
		case <-ctx.Done():
			return
		}
	}
}

// watchStream opens one stream and reads updates until ctx ends.
func watchStream(ctx context.Context, client *http.Client, url string, received *atomic.Int64) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		fail(err)
	}
	resp, err := client.Do(req)
	if err != nil {
		return // ctx ended
	}
	defer resp.Body.Close()
	lines := bufio.NewScanner(resp.Body)
	for lines.Scan() {
		received.Add(1)
	}
}

const streams = 40

func streamServer(snap func(string)) {
	ctx, cancel := context.WithCancel(context.Background())
	b := &broadcaster{subs: map[chan string]struct{}{}}
	var h2c http.Protocols
	h2c.SetUnencryptedHTTP2(true)
	srv := httptest.NewUnstartedServer(http.HandlerFunc(b.serveWatch))
	srv.Config.Protocols = &h2c
	srv.Start()
	client := &http.Client{Transport: &http.Transport{Protocols: &h2c}}
	var received atomic.Int64
	for i := 0; i < streams; i++ {
		go watchStream(ctx, client, srv.URL, &received)
	}
	for b.subscribers() < streams {
		time.Sleep(5 * time.Millisecond)
	}
	go publishLoop(ctx, b, 400*time.Millisecond)
	snap("stream_server")
	if received.Load() == 0 {
		fail(errNotBusy("stream_server"))
	}
	cancel()
	srv.Close()
}
