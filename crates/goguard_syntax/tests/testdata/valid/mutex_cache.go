package cache

import (
	"sync"
	"time"
)

type entry[V any] struct {
	value   V
	expires time.Time
}

// Cache is a TTL cache guarded by a read-write mutex.
type Cache[K comparable, V any] struct {
	mu      sync.RWMutex
	items   map[K]entry[V]
	ttl     time.Duration
	stop    chan struct{}
	stopped sync.WaitGroup
}

func NewCache[K comparable, V any](ttl time.Duration) *Cache[K, V] {
	c := &Cache[K, V]{
		items: make(map[K]entry[V]),
		ttl:   ttl,
		stop:  make(chan struct{}),
	}
	c.stopped.Add(1)
	go c.janitor()
	return c
}

func (c *Cache[K, V]) Get(k K) (v V, ok bool) {
	c.mu.RLock()
	defer c.mu.RUnlock()
	e, found := c.items[k]
	if !found || time.Now().After(e.expires) {
		return v, false
	}
	return e.value, true
}

func (c *Cache[K, V]) Set(k K, v V) {
	c.mu.Lock()
	c.items[k] = entry[V]{value: v, expires: time.Now().Add(c.ttl)}
	c.mu.Unlock()
}

// GetOrLoad calls load without holding the lock, so a slow load does not
// block readers.
func (c *Cache[K, V]) GetOrLoad(k K, load func(K) (V, error)) (V, error) {
	if v, ok := c.Get(k); ok {
		return v, nil
	}
	v, err := load(k)
	if err != nil {
		var zero V
		return zero, err
	}
	c.Set(k, v)
	return v, nil
}

func (c *Cache[K, V]) janitor() {
	defer c.stopped.Done()
	t := time.NewTicker(c.ttl)
	defer t.Stop()
	for {
		select {
		case now := <-t.C:
			c.mu.Lock()
			for k, e := range c.items {
				if now.After(e.expires) {
					delete(c.items, k)
				}
			}
			c.mu.Unlock()
		case <-c.stop:
			return
		}
	}
}

func (c *Cache[K, V]) Close() {
	close(c.stop)
	c.stopped.Wait()
}
