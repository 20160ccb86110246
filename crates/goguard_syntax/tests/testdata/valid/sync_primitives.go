package syncx

import (
	"sync"
	"sync/atomic"
)

type Queue[T any] struct {
	mu     sync.Mutex
	cond   *sync.Cond
	items  []T
	closed bool
}

func NewQueue[T any]() *Queue[T] {
	q := &Queue[T]{}
	q.cond = sync.NewCond(&q.mu)
	return q
}

func (q *Queue[T]) Push(v T) {
	q.mu.Lock()
	q.items = append(q.items, v)
	q.mu.Unlock()
	q.cond.Signal()
}

// Pop waits in a loop because Wait can wake spuriously.
func (q *Queue[T]) Pop() (v T, ok bool) {
	q.mu.Lock()
	defer q.mu.Unlock()
	for len(q.items) == 0 && !q.closed {
		q.cond.Wait()
	}
	if len(q.items) == 0 {
		return v, false
	}
	v, q.items = q.items[0], q.items[1:]
	return v, true
}

func (q *Queue[T]) Close() {
	q.mu.Lock()
	q.closed = true
	q.mu.Unlock()
	q.cond.Broadcast()
}

type Stats struct {
	requests atomic.Int64
	errors   atomic.Uint32
	last     atomic.Pointer[string]
	flag     int32
}

func (s *Stats) Hit(err error) {
	s.requests.Add(1)
	if err != nil {
		s.errors.Add(1)
		msg := err.Error()
		s.last.Store(&msg)
	}
	atomic.CompareAndSwapInt32(&s.flag, 0, 1)
}

var (
	initOnce sync.Once
	config   map[string]string
	loadCfg  = sync.OnceValue(func() int { return 42 })
	pool     = sync.Pool{New: func() any { return new([]byte) }}
)

func Config() map[string]string {
	initOnce.Do(func() { config = map[string]string{"mode": "prod"} })
	return config
}

// lockOrder takes two locks in a fixed order to avoid deadlock.
func lockOrder(a, b *sync.Mutex) {
	a.Lock()
	defer a.Unlock()
	b.Lock()
	defer b.Unlock()
	_ = loadCfg()
	_ = pool.Get()
}
