package typeswitch

import (
	"errors"
	"fmt"
	"io"
)

type Temporary interface{ Temporary() bool }

type Box[T any] struct{ v T }

func classify(v any) string {
	switch x := v.(type) {
	case nil:
		return "nil"
	case int, int64:
		return fmt.Sprint("int ", x)
	case string:
		return x
	case *Box[int]:
		return fmt.Sprint(x.v)
	case Box[string], []Box[bool]:
		return "boxes"
	case func() error:
		return "func"
	case chan<- int, <-chan int:
		return "chan"
	case map[string]any:
		return "map"
	case interface{ Temporary() bool }:
		return "temporary"
	case error:
		return x.Error()
	default:
		return "unknown"
	}
}

func noBinding(err error) bool {
	switch err.(type) {
	case Temporary:
		return true
	}
	return false
}

func withInit(r io.Reader) error {
	switch c := r.(io.Closer); t := any(c).(type) {
	case nil:
		return errors.New("not closable")
	default:
		return t.Close()
	}
}

func parenthesized(v any) {
	switch (v).(type) {
	}
	switch x := (v).(type) {
	case (int):
		_ = x
	}
}
