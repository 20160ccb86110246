package operators

func binary(a, b int, u uint, p, q bool, ch chan int) []any {
	return []any{
		p || q, p && q,
		a == b, a != b, a < b, a <= b, a > b, a >= b,
		a + b, a - b, a | b, a ^ b,
		a * b, a / b, a % b, a << u, a >> u, a & b, a &^ b,
		a + b*2 - a/3%4<<1>>1&b&^a | 5 ^ 6,
		p && a < b || !q && a >= b,
		(a + b) * (a - b),
	}
}

func unary(a int, p bool, ptr *int, ch chan int) {
	_ = +a
	_ = -a
	_ = !p
	_ = ^a
	_ = *ptr
	_ = &a
	_ = <-ch
	_ = - -a
	_ = !!p
	_ = -^a
	_ = *&a
	_ = &*ptr
	_ = <-(<-chan int)(ch)
	_ = -(-a)
	x := &struct{ n int }{1}
	_ = x
}

type Signed interface {
	~int | ~int8 | ~int16
}

func abs[T Signed](v T) T {
	if v < 0 {
		return -v
	}
	return v
}

func strings(s, t string) bool {
	return s+t == t+s && s < t
}
