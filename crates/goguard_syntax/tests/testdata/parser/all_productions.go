// Package all exercises every production of the Go grammar.
//
//go:build linux && (amd64 || arm64)

//nolint:all
package all // line comment on package

import "fmt"
import (
	// doc for os
	"os" // line comment for os
	. "strings"
	_ "embed"
	str "strconv"
)

//go:embed all_productions.go
var self string

//go:generate echo hello

// Doc for consts.
const (
	A = iota // a
	B
	C, D = 1 << iota, "x"
	E float64 = 0x1p-2
	F = 0b1010_1010 + 0o777 + 0777 + 1_000_000 + 0xFF_FF
	G = 1.5e10 + .5 + 1. + 2i + 0x1.8p1i
	H = 'a' + '\n' + '\x41' + '\u00e9' + '\U0001F600' + '\'' + '\377'
	I = "esc\t\"q\"\\ \u00e9" + `raw
string` + "é"
)

var (
	v1       int
	v2, v3   = 1, 2
	v4       []map[string]*chan<- int
	v5       <-chan <-chan int
	v6       chan (<-chan int)
	v7       [...]int
	v8       = [...]string{1: "a", 3: "b"}
	v9       struct{}
	v10      interface{}
	v11      func(int, ...string) (err error)
	v12      = new(int)
	v13      = new(42)
	vGeneric = Map[int, string]{}
)

type (
	// T is a struct.
	T struct {
		a, b int `json:"a"` // trailing
		*Embedded
		pkg.Qualified
		Generic[int]
		c    [N]int
		d    [N * 2]int
		fn   func() (int, error)
		ch   chan struct{}
		m    map[K]V
		anon struct{ x int }
	}
	I interface {
		M(x int) string
		N()
		fmt.Stringer
		~int | ~string
		int | float64
		comparable
	}
	Alias = T
	Arr   [4]byte
	List[T any] struct {
		next *List[T]
		val  T
	}
	Pair[K comparable, V any]        struct{ k K; v V }
	Num[T ~int | ~float64]           []T
	PtrC[P *C]                       struct{}
	PtrC2[P *C | D]                  struct{}
	Paren[P (C)]                     struct{}
	Multi[P *C, Q any]               struct{}
	GenAlias[T any]                  = List[T]
	ArrN                             [N]int
	ArrExpr                          [N * M]int
	ArrCall                          [len(x)]int
	Fn                               func(a, b int, c ...string) (d int, e error)
	Ch                               chan<- func() <-chan int
	Iface[T any]                     interface{ Get() T; ~[]T }
	Inst                             = Pair[int, []string]
)

func (l *List[T]) Push(v T) *List[T] { return &List[T]{next: l, val: v} }

func (p Pair[K, V]) Key() K { return p.k }

func (Pair[_, _]) Nothing() {}

func Generic[T any, U comparable](x T, y ...U) (r T) { return x }

func external(int) int

func statements(ch chan int, xs []int, m map[string]int) (err error) {
	var x int
	const c = 1
	type local struct{}
	x = 1
	x += 2
	x -= 1
	x *= 3
	x /= 2
	x %= 5
	x &= 7
	x |= 8
	x ^= 1
	x <<= 2
	x >>= 1
	x &^= 4
	x++
	x--
	a, b := 1, 2
	_, _ = a, b
	ch <- x
	<-ch
	v, ok := <-ch
	_, _ = v, ok
	go func() {}()
	defer func() { recover() }()
	defer fmt.Println("x")
	{
	}
	;
	if x > 0 {
	} else if y := x; y < 0 {
	} else {
	}
	if T := (T{}); T.a == 0 {
	}
	for {
		break
	}
	for x < 10 {
		x++
		continue
	}
	for i := 0; i < 10; i++ {
	}
	for ; ; {
	}
	for i := range 10 {
		_ = i
	}
	for range xs {
	}
	for i, v := range xs {
		_, _ = i, v
	}
	for k = range m {
	}
	for range seq {
	}
	switch {
	case x > 1, x < -1:
		fallthrough
	case x == 0:
	default:
	}
	switch y := x; y {
	case 1:
	}
	switch x := any(x).(type) {
	case int, string:
		_ = x
	case nil:
	default:
	}
	switch any(x).(type) {
	}
	select {
	case v := <-ch:
		_ = v
	case v, ok = <-ch:
	case ch <- 1:
	case <-ch:
	default:
	}
outer:
	for {
		for {
			break outer
		}
		continue outer
	}
	goto end
end:
	_ = []int{1, 2, 3}[1:2]
	_ = xs[:]
	_ = xs[1:2:3]
	_ = xs[:2:3]
	_ = m["k"]
	_ = struct{ a int }{a: 1}
	_ = map[string][]int{"a": {1}, "b": nil}
	_ = [][]int{{1}, {2, 3}}
	_ = &T{}
	_ = *(&x)
	_ = -x + +x ^ ^x
	_ = !true && false || true
	_ = x<<1 | x>>1 & x &^ 1 % 2 / 1
	_ = x == 1 != (x >= 2) == (x <= 3) != (x > 1)
	_ = any(x).(int)
	_ = fmt.Sprintf("%d", xs...)
	_ = Generic[int, string]
	_ = Generic[int](1)
	_ = func(x int) int { return x * 2 }(3)
	_ = (*T).Push
	_ = (<-chan int)(nil)
	_ = [...]int{1, 2}
	_ = T.Key
	_ = 'x'
	var _ = complex(1, 2i)
	var f = func() {}
	f()
	return nil
}

func multiReturn() (int, string, error) {
	return 1, "", nil
}

func seq(yield func(int) bool) {}
