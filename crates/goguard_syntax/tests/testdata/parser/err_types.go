package p

type T[] int

type U[P] int

type I interface {
	M[T any]()
}

func F[](x int) {}

var m map[string

type S struct {
	a int
	(b) int
}
