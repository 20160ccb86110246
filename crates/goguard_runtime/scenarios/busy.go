package main

import (
	"context"
	"fmt"
	"sync"
	"sync/atomic"
	"time"
)

// Healthy services dumped while they work: goroutines parked on channels, conds and
// timers, but with work in flight. None of them is a leak or a deadlock.
func init() {
	register(scenario{name: "busy_worker_pool", run: busyWorkerPool, leakProfile: true, old: true})
	register(scenario{name: "pipeline_backpressure", run: pipelineBackpressure, leakProfile: true})
	register(scenario{name: "cond_queue", run: condQueue, leakProfile: true, old: true})
	register(scenario{name: "timer_selects", run: timerSelects, leakProfile: true})
}

// --- a worker pool fed by a producer: some workers crunch, the others wait in `range
// jobs` for the next job, the producer waits for a free worker or for its next tick.

const busyPoolWorkers = 6

func jobWorker(jobs <-chan int, done *atomic.Int64) {
	for n := range jobs {
		crunch(n)
		done.Add(1)
	}
}

func produceJobs(ctx context.Context, jobs chan<- int) {
	defer close(jobs)
	for i := 0; ; i++ {
		select {
		case jobs <- 20 + i%4*10: // 20 to 50 ms of CPU
		case <-ctx.Done():
			return
		}
		time.Sleep(8 * time.Millisecond)
	}
}

func busyWorkerPool(snap func(string)) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var done atomic.Int64
	jobs := make(chan int)
	for i := 0; i < busyPoolWorkers; i++ {
		go jobWorker(jobs, &done)
	}
	go produceJobs(ctx, jobs)
	snap("busy_worker_pool")
	if done.Load() == 0 {
		fail(errNotBusy("busy_worker_pool"))
	}
}

// --- a three-stage pipeline with back-pressure: the sink is slow, so the stages before
// it wait in sends on their full output channels, and move on each time the sink takes
// an item.

type record struct {
	id      int
	payload []byte
}

func readRecords(ctx context.Context, out chan<- record) {
	defer close(out)
	for id := 0; ; id++ {
		select {
		case out <- record{id: id, payload: make([]byte, 64)}:
		case <-ctx.Done():
			return
		}
	}
}

func enrichRecords(in <-chan record, out chan<- record) {
	defer close(out)
	for r := range in {
		r.payload[0] = byte(r.id)
		out <- r
	}
}

func storeRecords(in <-chan record, stored *atomic.Int64) {
	for range in {
		time.Sleep(15 * time.Millisecond) // a slow write to storage
		stored.Add(1)
	}
}

// startPipeline starts the stages and returns; the stages keep running.
func startPipeline(ctx context.Context, stored *atomic.Int64) {
	read := make(chan record, 4)
	enriched := make(chan record, 4)
	go readRecords(ctx, read)
	go enrichRecords(read, enriched)
	go storeRecords(enriched, stored)
}

func pipelineBackpressure(snap func(string)) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var stored atomic.Int64
	startPipeline(ctx, &stored)
	snap("pipeline_backpressure")
	if stored.Load() == 0 {
		fail(errNotBusy("pipeline_backpressure"))
	}
}

// --- a sync.Cond work queue: consumers wait on the cond while the queue is empty, the
// producer pushes a task every few milliseconds and signals one consumer.

type taskQueue struct {
	mu       sync.Mutex
	nonEmpty *sync.Cond
	tasks    []int
	closed   bool
}

func newTaskQueue() *taskQueue {
	q := &taskQueue{}
	q.nonEmpty = sync.NewCond(&q.mu)
	return q
}

func (q *taskQueue) push(task int) {
	q.mu.Lock()
	q.tasks = append(q.tasks, task)
	q.mu.Unlock()
	q.nonEmpty.Signal()
}

func (q *taskQueue) close() {
	q.mu.Lock()
	q.closed = true
	q.mu.Unlock()
	q.nonEmpty.Broadcast()
}

// pop waits for a task; ok is false once the queue is closed and drained.
func (q *taskQueue) pop() (task int, ok bool) {
	q.mu.Lock()
	defer q.mu.Unlock()
	for len(q.tasks) == 0 && !q.closed {
		q.nonEmpty.Wait()
	}
	if len(q.tasks) == 0 {
		return 0, false
	}
	task, q.tasks = q.tasks[0], q.tasks[1:]
	return task, true
}

func consumeTasks(q *taskQueue, handled *atomic.Int64) {
	for {
		task, ok := q.pop()
		if !ok {
			return
		}
		crunch(task)
		handled.Add(1)
	}
}

func produceTasks(ctx context.Context, q *taskQueue) {
	defer q.close()
	for i := 0; ctx.Err() == nil; i++ {
		q.push(3 + i%3)
		time.Sleep(10 * time.Millisecond)
	}
}

const condQueueConsumers = 4

func condQueue(snap func(string)) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var handled atomic.Int64
	q := newTaskQueue()
	for i := 0; i < condQueueConsumers; i++ {
		go consumeTasks(q, &handled)
	}
	go produceTasks(ctx, q)
	snap("cond_queue")
	if handled.Load() == 0 {
		fail(errNotBusy("cond_queue"))
	}
}

// --- timer-driven loops: a heartbeat on a time.Ticker, a poller with a time.After
// backoff, a batcher that flushes on size or on a timer; each also watches ctx.Done().
// The reporter's tick handler takes most of its period (a slow remote call), so work is
// in flight most of the time.

func heartbeatLoop(ctx context.Context, every time.Duration, beats *atomic.Int64) {
	ticker := time.NewTicker(every)
	defer ticker.Stop()
	for {
		select {
		case <-ticker.C:
			beats.Add(1)
		case <-ctx.Done():
			return
		}
	}
}

func pollLoop(ctx context.Context, backoff time.Duration, polls *atomic.Int64) {
	for {
		select {
		case <-time.After(backoff):
			polls.Add(1)
		case <-ctx.Done():
			return
		}
	}
}

func batchLoop(ctx context.Context, items <-chan int, maxWait time.Duration, flushed *atomic.Int64) {
	var batch []int
	timer := time.NewTimer(maxWait)
	defer timer.Stop()
	for {
		select {
		case it := <-items:
			batch = append(batch, it)
			if len(batch) < 8 {
				continue
			}
		case <-timer.C:
		case <-ctx.Done():
			return
		}
		flushed.Add(int64(len(batch)))
		batch = batch[:0]
		timer.Reset(maxWait)
	}
}

func reportLoop(ctx context.Context, every time.Duration, reports *atomic.Int64) {
	ticker := time.NewTicker(every)
	defer ticker.Stop()
	for {
		select {
		case <-ticker.C:
			time.Sleep(every * 8 / 10) // the remote call
			reports.Add(1)
		case <-ctx.Done():
			return
		}
	}
}

func timerSelects(snap func(string)) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var beats, polls, flushed, reports atomic.Int64
	items := make(chan int)
	go heartbeatLoop(ctx, 20*time.Millisecond, &beats)
	go pollLoop(ctx, 30*time.Millisecond, &polls)
	go batchLoop(ctx, items, 25*time.Millisecond, &flushed)
	go reportLoop(ctx, 50*time.Millisecond, &reports)
	for i := 0; i < 20; i++ {
		items <- i
	}
	snap("timer_selects")
	if beats.Load() == 0 || polls.Load() == 0 || reports.Load() == 0 {
		fail(errNotBusy("timer_selects"))
	}
}

// errNotBusy reports a healthy scenario that made no progress before its dump: then the
// dump would not show the busy service it claims to.
func errNotBusy(name string) error {
	return fmt.Errorf("%s: no work was done before the dump", name)
}
