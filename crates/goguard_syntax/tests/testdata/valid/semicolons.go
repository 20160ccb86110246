package semis

type T struct{ n int }

func (t T) get() int { return t.n }

func lines(a []int, t T, m map[string]int) int {
	x := t.get()
	y := a[0]
	z := T{n: 1}
	w := x
	v := 42
	s := "s"
	r := 'r'
	f := 1.5
	i := 2i
	x++
	y--
	_, _, _, _, _, _ = z, w, v, s, r, f
	_ = i
	for {
		if x > 0 {
			break
		}
		continue
	}
	func() {
		return
	}()
	switch x {
	case 1:
		fallthrough
	default:
	}
	// A comment at the end of a line does not stop the semicolon.
	if x > 0 { // comment
		x = 0 // comment
	} // comment
	_ = func() int { return x } // comment
	_ = m["k"] /* block on one line */
	_ = y /* a block comment
	that spans lines acts as a newline */
	x = 1 /* this comment holds the only newline between two statements
	*/ y = 2
	x = 3 /* one-line block comments do not */ ; y = 4
	return x +
		y -
		v
}

func endsWithReturn() {
	return
}

func oneLine() { x := 1; x++; _ = x }

func oneLineIf(x int) int { if x > 0 { return 1 }; return 0 }

func trailingSemicolon() { _ = 1; }

func commentBeforeBrace() {
	_ = 1 //
}

func commentThenBrace(ch chan int) {
	go func() { ch <- 1 }() //
}

type Pair struct{ a, b int; c string }

var list = []int{1, 2, 3,
}

func call(args ...int) int { return len(args) }

var called = call(
	1,
	2)

var called2 = call(1,
	2,
)
