package ptrparams

type C struct{ n int }

type Setter[T any] interface {
	*T
	Set(string)
}

// [P *C] is ambiguous with an array of length P*C; these forms resolve it.
type A[P *C,] struct{}
type B[P *C, Q any] struct{}
type D[P interface{ *C }] struct{}
type F[P ~int] struct{}
type H[_ any] struct{}

// These stay ambiguous, and Go reads them as array types whose length is an
// expression: P*C | *int and the conversion P(C).
type E [P *C | *int]struct{}
type G [P (C)]struct{}

// Without a type parameter list these are array types.
const P, K = 2, 3

type Arr [P * K]int
type Arr2 [P]int
type Arr3 [P + 1]C

func FromStrings[T any, PT Setter[T]](s []string) []T {
	out := make([]T, len(s))
	for i, v := range s {
		p := PT(&out[i])
		p.Set(v)
	}
	return out
}

func Ptr[P *C](p P) {}

func Mixed[S ~[]E, E interface{ ~int | ~int64 }](s S) (total E) {
	for _, v := range s {
		total += v
	}
	return
}
