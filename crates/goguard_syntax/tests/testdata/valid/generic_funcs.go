package genfuncs

import "sync"

type Set[T comparable] struct {
	mu sync.Mutex
	m  map[T]struct{}
}

func NewSet[T comparable]() *Set[T] {
	return &Set[T]{m: make(map[T]struct{})}
}

// Methods on generic types name the receiver's type parameters.
func (s *Set[T]) Add(v T) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.m[v] = struct{}{}
}

func (s *Set[_]) Len() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.m)
}

type Pair[K comparable, V any] struct {
	k K
	v V
}

func (p Pair[K, V]) Key() K     { return p.k }
func (p *Pair[K, V]) Val() V    { return p.v }
func (Pair[K, V]) Kind() string { return "pair" }

func Map[S ~[]E, E, R any](s S, f func(E) R) []R {
	out := make([]R, 0, len(s))
	for _, e := range s {
		out = append(out, f(e))
	}
	return out
}

func Convert[From, To any](x From, f func(From) To) To { return f(x) }

func Use() {
	s := NewSet[string]()
	s.Add("a")
	n := Map[[]int, int, string]([]int{1, 2}, func(i int) string { return "" })
	_ = Convert[int, string](1, func(int) string { return "" })
	f := Convert[int, float64]
	g := Map[[]string]
	_, _, _ = n, f, g
	var p Pair[string, int]
	_ = p.Key()
}
