package generic

// Number is a type-set constraint with approximation elements.
type Number interface {
	~int | ~int8 | ~int16 | ~int32 | ~int64 |
		~float32 | ~float64
}

// Stringish mixes a type element and a method.
type Stringish interface {
	~int | ~string
	String() string
}

type IntLike interface {
	~int
	M()
}

type List[T any] struct {
	head *node[T]
	size int
}

type node[T any] struct {
	val  T
	next *node[T]
}

type Pair[K comparable, V any] struct {
	Key K
	Val V
}

type Map[K comparable, V any] map[K]V

type Tree[T interface{ Less(T) bool }] struct {
	left, right *Tree[T]
	val         T
}

// The [P *C] form is a type parameter list, not an array length,
// because of the trailing comma.
type PtrParam[P *C,] struct{ p P }

// Wrapping the constraint in an interface is the other way to say it.
type PtrParam2[P interface{ *C }] struct{ p P }

type C struct{}

// Arrays whose length is a constant expression are not generic.
const N = 4

type Buf [N]int
type Buf2 [N * 2]int
type Buf3 [(N)]int

type Chan[T any] chan T

type Func[A, B any] func(A) B

type Set[T comparable] = map[T]struct{}

type Constraint[T any] interface {
	*T
	Reset()
}

type Num[T ~int | ~float64] struct{ v T }

type Ordered[T interface {
	~int | ~string
}] []T

func Sum[T Number](xs ...T) T {
	var s T
	for _, x := range xs {
		s += x
	}
	return s
}
