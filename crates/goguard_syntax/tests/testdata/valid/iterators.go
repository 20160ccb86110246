package iterators

import (
	"iter"
	"slices"
)

type Tree[T any] struct {
	Left, Right *Tree[T]
	Val         T
}

// All yields values in order; returning false from yield stops the walk.
func (t *Tree[T]) All() iter.Seq[T] {
	return func(yield func(T) bool) {
		t.push(yield)
	}
}

func (t *Tree[T]) push(yield func(T) bool) bool {
	if t == nil {
		return true
	}
	return t.Left.push(yield) && yield(t.Val) && t.Right.push(yield)
}

func Enumerate[T any](s []T) iter.Seq2[int, T] {
	return func(yield func(int, T) bool) {
		for i, v := range s {
			if !yield(i, v) {
				return
			}
		}
	}
}

func Filter[T any](seq iter.Seq[T], keep func(T) bool) iter.Seq[T] {
	return func(yield func(T) bool) {
		for v := range seq {
			if keep(v) && !yield(v) {
				return
			}
		}
	}
}

func Pull(seq iter.Seq[int]) int {
	next, stop := iter.Pull(seq)
	defer stop()
	total := 0
	for {
		v, ok := next()
		if !ok {
			break
		}
		total += v
	}
	return total
}

func use(t *Tree[int]) []int {
	for i, v := range Enumerate([]string{"a"}) {
		_, _ = i, v
	}
	for range t.All() {
	}
	return slices.Collect(Filter(t.All(), func(v int) bool { return v%2 == 0 }))
}

func noArgs(yield func() bool) {
	yield()
}

func rangeNoArgs() {
	for range noArgs {
	}
}
