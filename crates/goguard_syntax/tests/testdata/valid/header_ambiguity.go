package headers

type Point struct{ X, Y int }

type Config struct{ Debug bool }

// Composite literals whose type is a plain name need parentheses in
// if, for and switch headers; otherwise the brace opens the block.
func headers(p Point, cfg Config) int {
	if p == (Point{}) {
		return 0
	}
	if (Point{1, 2}) == p {
		return 1
	}
	if v := (Point{X: 1}); v.X > p.X {
		return 2
	}
	for p != (Point{X: 9}) {
		p.X++
	}
	for i := (Point{}); i.X < 3; i.X++ {
	}
	switch (Config{Debug: true}) {
	case cfg:
		return 3
	}
	switch c := (Config{}); c {
	}
	for _, v := range []Point{{1, 2}} {
		_ = v
	}
	for _, v := range [...]int{1, 2} {
		_ = v
	}
	if len([]int{1}) > 0 {
	}
	if f := func() Point { return Point{} }; f() == p {
	}
	if struct{ a int }{1}.a == 1 {
	}
	if ok := cfg == (Config{}); ok {
	}
	return 4
}

func callsInHeaders(m map[Point]bool) {
	if m[Point{1, 2}] {
	}
	if _, ok := m[Point{}]; ok {
	}
	for k := range map[Point]int{{1, 1}: 1} {
		_ = k
	}
}
