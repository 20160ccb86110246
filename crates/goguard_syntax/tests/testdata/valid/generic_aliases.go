package aliases

type List[T any] []T

type Pair[A, B any] struct {
	First  A
	Second B
}

// Generic aliases (Go 1.24 and later).
type A[T any] = List[T]

type PairOf[T any] = Pair[T, T]

type StringPair = Pair[string, string]

type Keyed[K comparable, V any] = map[K]Pair[K, V]

type Ptr[T any] = *T

func first[T any](l A[T]) (T, bool) {
	if len(l) == 0 {
		var zero T
		return zero, false
	}
	return l[0], true
}

var _ PairOf[int] = Pair[int, int]{1, 2}
var _ Ptr[int] = new(int)
