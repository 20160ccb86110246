package basics

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
)

var ErrClosed = errors.New("closed") // type: ErrClosed error

var counter int // uses: counter 2

const limit = 10 // type: limit int

func shadow(x int) int {
	if x := x + 1; x > limit { // ref: limit@15
		return x // ref: x@18
	}
	{
		x := "inner" // type: x string
		_ = x        // ref: x@22
	}
	counter++ // ref: counter@13
	return x  // ref: x@17
}

func redeclare() error {
	a, err := strconv(1) // type: a string ; type: err error ; uses: err 3
	b, err := strconv(2) // ref: err@30 ; type: b string
	if err != nil {
		return err
	}
	_ = a + b
	x := 1
	x, y := x+1, "s" // ref: x@36 ; type: y string
	_, _ = x, y
	counter = 2 // ref: counter@13
	return nil
}

func strconv(i int) (string, error) {
	return fmt.Sprintf("%d", i), nil // callee: func fmt.Sprintf
}

func outerRef() {
	v := 1
	{
		v := v // ref: v@48
		_ = v  // ref: v@50
	}
}

func closures() func() int {
	total := 0 // uses: total 2
	add := func(n int) {
		total += n // ref: total@56
	}
	add(2) // callee: value add
	return func() int {
		return total // ref: total@56
	}
}

func labels() {
outer: // uses: outer 2
	for i := 0; i < 3; i++ { // type: i int
		for {
			if i > 1 {
				break outer // ref: outer@67
			}
			continue outer // ref: outer@67
		}
	}
}

func typeSwitch(v any) string {
	switch t := v.(type) { // ref: v@78
	case string:
		return t // type: t string
	case int, int64:
		_ = t // type: t interface{...}
	case error:
		return t.Error() // callee: method error.Error ; type: t error
	}
	return ""
}

func commaOk(m map[string]int, ch chan *http.Response, x any) {
	v, ok := m["a"] // type: v int ; type: ok bool
	r, ok2 := <-ch   // type: r *net/http.Response ; type: ok2 bool
	s, ok3 := x.(fmt.Stringer) // type: ok3 bool ; type: s fmt.Stringer
	n := len(m)                // callee: builtin len ; type: n int
	_, _, _, _, _, _, _ = v, ok, r, ok2, s, ok3, n
}

func ranges(xs []string, m map[string]*http.Request, ch <-chan int, s string, arr *[4]byte) {
	for i, x := range xs { // type: i int ; type: x string
		_, _ = i, x
	}
	for k, v := range m { // type: k string ; type: v *net/http.Request
		_, _ = k, v
	}
	for c := range ch { // type: c int
		_ = c
	}
	for i, r := range s { // type: r rune ; type: i int
		_, _ = i, r
	}
	for _, b := range arr { // type: b byte
		_ = b
	}
	for n := range 10 { // type: n int
		_ = n
	}
	for k, v := range seq { // type: k string ; type: v int
		_, _ = k, v
	}
}

func seq(yield func(string, int) bool) {}

func calls(ctx context.Context, u string) error {
	ctx, cancel := context.WithCancel(ctx) // type: cancel context.CancelFunc ; ref: ctx@124
	defer cancel()                         // callee: value cancel
	resp, err := http.Get(u)               // type: resp *net/http.Response ; callee: func net/http.Get
	if err != nil {
		return err
	}
	defer resp.Body.Close() // callee: method io.Closer.Close ; typeof: resp.Body => io.ReadCloser
	data, err := io.ReadAll(resp.Body) // type: data []byte
	_ = data
	req, _ := http.NewRequestWithContext(ctx, "GET", u, nil) // type: req *net/http.Request
	_ = req.Context()                                          // callee: method net/http.Request.Context
	c := http.DefaultClient                                    // type: c *net/http.Client
	r2, _ := c.Do(req)                                         // callee: method net/http.Client.Do ; type: r2 *net/http.Response
	_ = r2
	func() {}()        // callee: lit
	_ = string(data)   // callee: conversion string
	p := new(int)      // type: p *int ; callee: builtin new
	sl := make([]int, 0) // type: sl []int
	sl = append(sl, 1) // callee: builtin append ; typeof: append(sl, 1) => []int
	_ = p
	_ = ErrClosed.Error() // callee: method error.Error
	return errors.New("x") // callee: func errors.New
}

func shadowedBuiltin() {
	len := func(s string) int { return 0 }
	_ = len("x") // callee: value len ; ref: len@150
	new := 3     // type: new int
	_ = new
}

func exprs(a, b int, p *int, f func() (int, error)) {
	_ = a+b > 3       // typeof: a+b > 3 => bool
	_ = a + b         // typeof: a + b => int
	_ = 1.5 * 2       // typeof: 1.5 * 2 => float64
	_ = *p            // typeof: *p => int
	_ = &a            // typeof: &a => *int
	_ = !true         // typeof: !true => bool
	_ = []string{"x"} // typeof: []string{"x"} => []string
	_ = map[string]int{"a": a} // typeof: map[string]int{"a": a} => map[string]int
	_ = "s"[0]        // typeof: "s"[0] => byte
	x, err := f()     // type: x int ; type: err error
	_, _ = x, err
	g := f            // type: g func() (int, error)
	_ = g
	var ch chan<- int // type: ch chan<- int
	_ = ch
	_ = 'r'           // typeof: 'r' => rune
}
