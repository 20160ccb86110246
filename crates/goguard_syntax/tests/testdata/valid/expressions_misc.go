package exprs

import (
	"fmt"
	"strings"
)

type builder struct{ b strings.Builder }

func (b *builder) add(s string) *builder { b.b.WriteString(s); return b }

func chains(args []any) string {
	b := &builder{}
	b.add("a").
		add("b").
		add("c")
	s := fmt.Sprint(args...)
	_ = fmt.Sprintf("%d %s",
		1,
		"x",
	)
	_ = ((((1))))
	_ = (fmt.Sprint)("p")
	_ = func() func() int { return func() int { return 1 } }()()
	_ = strings.NewReplacer("a", "b").Replace(s)
	_ = len(args) > 0 && args[0] != nil
	_ = append([]int(nil), []int{1, 2}...)
	_ = map[string]int{"a": 1}["a"]
	_ = struct{ f func() int }{func() int { return 1 }}.f()
	return b.b.String()
}

func builtins(ch chan int, m map[int]int, s []int) {
	_ = cap(ch)
	_ = len(m)
	delete(m, 1)
	clear(m)
	copy(s, s[1:])
	_ = min(1, 2, 3)
	_ = max(1.5, 2)
	c := complex(1, 2)
	_, _ = real(c), imag(c)
	_ = make([]int, 0, 10)
	_ = make(map[string]int, 4)
	_ = make(chan struct{})
	close(ch)
	print(1)
	println("x")
}
