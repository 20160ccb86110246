package main

import (
	"context"
	"sync/atomic"
	"time"

	"golang.org/x/sync/errgroup"
)

// errgroup fan-out in flight: one batch loop with a concurrency limit (its coordinator
// waits in Group.Go for a free slot while four fetches run), one without a limit (its
// coordinator waits in Group.Wait).
func init() {
	register(scenario{name: "errgroup_fanout", run: errgroupFanout, leakProfile: true, old: true})
}

// fetchShard simulates a remote read: mostly waiting, a little CPU.
func fetchShard(ctx context.Context, shard int) error {
	select {
	case <-time.After(time.Duration(20+shard%5*10) * time.Millisecond):
	case <-ctx.Done():
		return ctx.Err()
	}
	crunch(1)
	return nil
}

// fetchAll reads every shard, at most limit at a time (no limit if limit <= 0).
func fetchAll(ctx context.Context, shards, limit int) error {
	g, ctx := errgroup.WithContext(ctx)
	if limit > 0 {
		g.SetLimit(limit)
	}
	for i := 0; i < shards; i++ {
		shard := i
		g.Go(func() error { return fetchShard(ctx, shard) })
	}
	return g.Wait()
}

func fetchBatches(ctx context.Context, shards, limit int, batches *atomic.Int64) {
	for ctx.Err() == nil {
		if err := fetchAll(ctx, shards, limit); err != nil && ctx.Err() == nil {
			fail(err)
		}
		batches.Add(1)
	}
}

func errgroupFanout(snap func(string)) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var limited, unlimited atomic.Int64
	go fetchBatches(ctx, 16, 4, &limited)
	go fetchBatches(ctx, 12, 0, &unlimited)
	snap("errgroup_fanout")
	if limited.Load() == 0 || unlimited.Load() == 0 {
		fail(errNotBusy("errgroup_fanout"))
	}
}
