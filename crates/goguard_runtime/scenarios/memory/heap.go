package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"runtime"
	"strings"
	"sync"
	"time"
)

// A request-handling service. The leaky one keeps memory four ways the seeds describe; the
// healthy one does the same work and keeps nothing.
type service struct {
	// sessions is only ever inserted into: one entry per request, never deleted.
	sessions map[string]*session
	// audit grows with every request and is never reset.
	audit bytes.Buffer
	// headers holds 32-byte sub-slices of 64 KiB message buffers: each keeps its whole
	// buffer alive.
	headers [][]byte
	// pending holds buffers taken from bufPool and never put back.
	pending []*[]byte
	// summary is a strings.Builder that every request appends to.
	summary strings.Builder

	// The healthy service's bounded cache.
	recent map[int][]byte
	sink   int
}

type session struct {
	id      string
	created time.Time
	scratch []byte
}

var bufPool = sync.Pool{New: func() any {
	b := make([]byte, 16<<10)
	return &b
}}

type order struct {
	ID    int      `json:"id"`
	Items []string `json:"items"`
	Note  string   `json:"note"`
}

// churn is the work every request does: decode, build, encode. Everything it allocates is
// garbage when it returns.
func (s *service) churn(i int) {
	scratch := make([]byte, 8<<10)
	o := order{ID: i, Note: strings.Repeat("x", 100)}
	for k := 0; k < 8; k++ {
		o.Items = append(o.Items, fmt.Sprintf("item-%d-%d", i, k))
	}
	data, err := json.Marshal(o)
	if err != nil {
		fail(err)
	}
	var back order
	if err := json.Unmarshal(data, &back); err != nil {
		fail(err)
	}
	s.sink += len(scratch) + len(back.Items)
}

// remember stores a session per request in a map nothing deletes from.
func (s *service) remember(i int) {
	id := fmt.Sprintf("session-%08d", i)
	s.sessions[id] = &session{id: id, created: time.Now(), scratch: make([]byte, 512)}
}

// logAudit appends to a buffer that is never reset.
func (s *service) logAudit(i int) {
	s.audit.WriteString("request ")
	s.audit.WriteString(fmt.Sprint(i))
	s.audit.WriteString(" served by worker 3 in 12ms with status 200 OK\n")
}

// keepHeader reads a message into a fresh 64 KiB buffer and keeps its first 32 bytes: a
// sub-slice, so the whole buffer stays reachable.
func (s *service) keepHeader(i int) {
	msg := make([]byte, 64<<10)
	copy(msg, fmt.Sprintf("header %d", i))
	s.headers = append(s.headers, msg[:32])
}

// borrow takes a buffer from the pool and keeps it instead of putting it back.
func (s *service) borrow(i int) {
	buf := bufPool.Get().(*[]byte)
	(*buf)[0] = byte(i)
	s.pending = append(s.pending, buf)
}

// summarize appends a line per request to a builder that is never reset.
func (s *service) summarize(i int) {
	fmt.Fprintf(&s.summary, "request %08d: ok, 8 items, 1 retry, served by worker 3 from cache shard 12 in 4ms\n", i)
}

func (s *service) handleLeaky(i int) {
	s.churn(i)
	s.remember(i)
	s.logAudit(i)
	if i%16 == 0 {
		s.keepHeader(i)
	}
	if i%8 == 0 {
		s.borrow(i)
	}
	s.summarize(i)
}

// handleHealthy does the same work with bounded state: a cache of the last 64 results and
// pooled buffers that go back to the pool.
func (s *service) handleHealthy(i int) {
	s.churn(i)
	entry := make([]byte, 512)
	s.recent[i] = entry
	delete(s.recent, i-64)
	buf := bufPool.Get().(*[]byte)
	(*buf)[0] = byte(i)
	bufPool.Put(buf)
}

// heapProfiles runs the leaky and then the healthy service (the leaky one's memory is
// garbage by then) and writes their heap profiles after a warm-up and after each of two more phases
// of requests, plus the other profiles `goguard heap top` reads.
func heapProfiles(dir string, pause time.Duration) {
	// Sample every 16 KiB allocated on average instead of 512 KiB, so that the few
	// megabytes each leak adds per phase are measured with little sampling noise.
	runtime.MemProfileRate = 16 << 10
	runtime.SetMutexProfileFraction(1)
	runtime.SetBlockProfileRate(1)
	stop := contention()

	leaky := &service{sessions: map[string]*session{}}
	serve(leaky.handleLeaky, pause, 0, 1000)
	writeProfile(dir, "heap", "heap.1.pb.gz")
	serve(leaky.handleLeaky, pause, 1000, 3000)
	writeProfile(dir, "heap", "heap.2.pb.gz")
	serve(leaky.handleLeaky, pause, 3000, 5000)
	writeHeapBothForms(dir, "heap.3.pb.gz", "heap.3.txt")
	writeProfile(dir, "allocs", "allocs.3.pb.gz")
	writeProfile(dir, "goroutine", "goroutine.pb.gz")
	stop()
	writeProfile(dir, "mutex", "mutex.pb.gz")
	writeProfile(dir, "block", "block.pb.gz")
	// Reachable until its profiles are written; garbage from here on.
	runtime.KeepAlive(leaky)

	healthy := &service{recent: map[int][]byte{}}
	serve(healthy.handleHealthy, pause, 0, 1000)
	writeProfile(dir, "heap", "healthy.1.pb.gz")
	serve(healthy.handleHealthy, pause, 1000, 3000)
	writeProfile(dir, "heap", "healthy.2.pb.gz")
	serve(healthy.handleHealthy, pause, 3000, 5000)
	writeProfile(dir, "heap", "healthy.3.pb.gz")
	runtime.KeepAlive(healthy)
}

// serve handles requests one after another, with a pause between them, so that the
// profiles of a run are some seconds apart, as profiles of a service are.
func serve(handle func(int), pause time.Duration, from, to int) {
	for i := from; i < to; i++ {
		handle(i)
		if pause > 0 {
			time.Sleep(pause)
		}
	}
}

// contention starts goroutines that fight over a mutex and wait on channels, for the mutex,
// block and goroutine profiles; the returned function stops them.
func contention() func() {
	var mu sync.Mutex
	counter := 0
	done := make(chan struct{})
	var wg sync.WaitGroup
	for w := 0; w < 4; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				select {
				case <-done:
					return
				default:
				}
				mu.Lock()
				counter++
				time.Sleep(50 * time.Microsecond)
				mu.Unlock()
			}
		}()
	}
	jobs := make(chan int)
	for w := 0; w < 3; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for j := range jobs {
				time.Sleep(time.Duration(j%3) * time.Millisecond)
			}
		}()
	}
	wg.Add(1)
	go func() {
		defer wg.Done()
		defer close(jobs)
		for j := 0; ; j++ {
			select {
			case <-done:
				return
			case jobs <- j:
			}
		}
	}()
	return func() {
		close(done)
		wg.Wait()
	}
}
