package vars

import (
	"errors"
	"sync"
)

var ErrClosed = errors.New("closed")

var (
	mu       sync.Mutex
	counter  int
	x, y, z  = 1, 2, 3
	names    []string
	registry = map[string]func() error{}
	p        *int
	done     = make(chan struct{})
)

var a, b int = 10, 20

var _ = errors.Is

var (
	// Comments inside a group are attached to the spec below.
	timeout float64 = 1.5

	retries, backoff = retryPolicy()
)

func retryPolicy() (int, float64) { return 3, 2.0 }

func locals() int {
	var n int
	var s, t string = "s", "t"
	var (
		k = 1
		v = 2
	)
	var f func(int) int
	f = func(i int) int { return i + k + v + len(s+t) }
	return f(n)
}
