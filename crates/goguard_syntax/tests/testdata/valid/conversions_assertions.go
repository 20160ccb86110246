package conv

import (
	"errors"
	"io"
	"unsafe"
)

type Celsius float64

type handlerFunc func() error

func conversions(s string, p unsafe.Pointer, f func() error, ch chan int) {
	b := []byte(s)
	r := []rune(s)
	_ = string(b) + string(r)
	_ = Celsius(36.6)
	_ = (*int)(p)
	_ = (*[4]byte)(b)
	_ = [4]byte(b)
	_ = handlerFunc(f)
	_ = (func() error)(f)
	_ = (<-chan int)(ch)
	_ = (chan<- int)(ch)
	_ = map[string]int(nil)
	_ = []int(nil)
	_ = interface{}(1)
	_ = any(s)
	_ = struct{ x int }(struct{ x int }{1})
	_ = uintptr(p)
	_ = float64(int64(3))
}

func assertions(v any, r io.Reader) error {
	if c, ok := r.(io.Closer); ok {
		return c.Close()
	}
	s := v.(string)
	p := v.(*Celsius)
	m := v.(map[string][]int)
	f := v.(func(int) bool)
	i := v.(interface{ Name() string })
	_, _, _, _, _ = s, p, m, f, i
	var target interface{ Timeout() bool }
	if errors.As(v.(error), &target) {
	}
	_ = v.(struct{ A int }).A
	_ = v.([]string)[0]
	return nil
}
