package assign

func ops() (x int, u uint) {
	x = 1
	x += 2
	x -= 1
	x *= 3
	x /= 2
	x %= 5
	x &= 7
	x |= 8
	x ^= 3
	x <<= 2
	x >>= 1
	x &^= 4
	x++
	x--
	u = 10
	u &^= 1
	u <<= x
	y := x
	y, z := y+1, 2
	_ = z
	a, b, c := 1, "two", 3.0
	_, _, _ = a, b, c
	var arr [3]int
	arr[0], arr[1] = arr[1], arr[0]
	arr[2]++
	m := map[string]int{}
	m["k"] += 1
	m["k"]++
	p := &x
	*p = 4
	*p++
	s := struct{ n int }{}
	s.n |= 1
	(s.n) = 2
	(*p)--
	_ = y
	return
}

func multiReturn() {
	v, ok := lookup()
	_, ok = lookup()
	v, _ = lookup()
	_, _ = v, ok
}

func lookup() (int, bool) { return 0, true }
