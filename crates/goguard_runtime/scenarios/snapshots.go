package main

import (
	"context"
	"fmt"
	"io"
	"path/filepath"
	"runtime"
	"runtime/pprof"
	"time"
)

// Repeated snapshots of one process (-snapshots, opt-in: it takes minutes). A goroutine
// waits forever for a reply the worker dropped; the worker itself parks at the same line
// between jobs. In every snapshot both are in `chan receive` with the same id at the same
// pc; only the wait in the headers tells them apart. The runtime prints `N minutes` for a
// goroutine parked a minute or more, and restarts that clock whenever the goroutine runs:
// the stuck goroutine's wait grows by the interval between snapshots, the worker's never
// exceeds the time since its last job.
//
// Writes snapshots.0.debug2.txt, snapshots.1.debug2.txt, ... (goroutine profile, debug=2).

const (
	snapshotInterval = 3*time.Minute + 30*time.Second
	snapshotCount    = 3
	// jobEvery is shorter than the interval, so the worker runs between snapshots, and
	// long enough that its wait reaches whole minutes.
	jobEvery = 150 * time.Second
)

type job struct {
	kind  string
	reply chan error // nil when nobody waits for the outcome
}

// runJobs is the worker loop. Bug: audit jobs are skipped without a reply.
func runJobs(jobs <-chan job) {
	for j := range jobs {
		if j.kind == "audit" {
			continue // bug: the submitter waits on j.reply forever
		}
		crunch(5)
		if j.reply != nil {
			j.reply <- nil
		}
	}
}

// submitAudit queues an audit job and waits for its outcome.
func submitAudit(jobs chan<- job) error {
	reply := make(chan error)
	jobs <- job{kind: "audit", reply: reply}
	return <-reply
}

// scheduleJobs queues a compaction job every period.
func scheduleJobs(ctx context.Context, jobs chan<- job, every time.Duration) {
	ticker := time.NewTicker(every)
	defer ticker.Stop()
	for {
		select {
		case <-ticker.C:
			jobs <- job{kind: "compact"}
		case <-ctx.Done():
			return
		}
	}
}

// collectMetrics allocates like a real service does, so the garbage collector runs every
// few seconds: the runtime starts a parked goroutine's wait clock at the first GC after
// it parks, so without collections the printed waits would lag behind.
func collectMetrics(ctx context.Context, every time.Duration) {
	var samples [][]byte
	for ctx.Err() == nil {
		samples = samples[:0]
		for i := 0; i < 64; i++ {
			samples = append(samples, make([]byte, 64<<10))
		}
		time.Sleep(every)
	}
}

func repeatedSnapshots(out string, interval time.Duration) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	jobs := make(chan job, 1)
	go runJobs(jobs)
	go func() {
		if err := submitAudit(jobs); err != nil {
			fail(err)
		}
	}()
	go scheduleJobs(ctx, jobs, jobEvery)
	go collectMetrics(ctx, 10*time.Second)
	settle()
	runtime.GC()
	for i := 0; i < snapshotCount; i++ {
		if i > 0 {
			time.Sleep(interval)
		}
		name := fmt.Sprintf("snapshots.%d.debug2.txt", i)
		write(filepath.Join(out, name), func(w io.Writer) error {
			return pprof.Lookup("goroutine").WriteTo(w, 2)
		})
		fmt.Printf("%-26s %s\n", name, time.Now().UTC().Format(time.RFC3339))
	}
}
