package ratelimit

import (
	"sync"
	"time"
)

// Bucket is a token bucket refilled by a background goroutine.
type Bucket struct {
	tokens chan struct{}
	stop   chan struct{}
	wg     sync.WaitGroup
}

func NewBucket(rate int, every time.Duration) *Bucket {
	b := &Bucket{
		tokens: make(chan struct{}, rate),
		stop:   make(chan struct{}),
	}
	b.wg.Add(1)
	go func() {
		defer b.wg.Done()
		t := time.NewTicker(every / time.Duration(rate))
		defer t.Stop()
		for {
			select {
			case <-t.C:
				select {
				case b.tokens <- struct{}{}:
				default: // full
				}
			case <-b.stop:
				return
			}
		}
	}()
	return b
}

func (b *Bucket) Take() { <-b.tokens }

func (b *Bucket) TryTake() bool {
	select {
	case <-b.tokens:
		return true
	default:
		return false
	}
}

func (b *Bucket) Stop() {
	close(b.stop)
	b.wg.Wait()
}
