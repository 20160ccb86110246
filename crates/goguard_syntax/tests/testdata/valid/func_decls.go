package funcs

import (
	"errors"
	"fmt"
)

func noArgs()                    {}
func oneArg(x int)               {}
func grouped(a, b int, c string) {}
func unnamed(int, string)        {}
func variadic(format string, args ...any) {
	fmt.Printf(format, args...)
}
func variadicUnnamed(...int) {}

func single() error { return nil }

func multi() (int, error) { return 0, nil }

// namedResults uses a bare return.
func namedResults(in []int) (sum int, err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("panic: %v", r)
		}
	}()
	for _, v := range in {
		sum += v
	}
	return
}

func groupedResults() (a, b int, c string) { return 1, 2, "" }

func returnsFunc() func(int) (int, error) {
	return func(x int) (int, error) { return x, nil }
}

func takesFunc(f func(string) bool, g func() (x, y int)) bool {
	x, _ := g()
	return f("") && x > 0
}

// Assembly-backed functions have no body.
func nanotime() int64

func immediately() int {
	return func(a, b int) int { return a + b }(1, 2)
}

var errNope = errors.New("nope")

var handler = func(name string) error {
	if name == "" {
		return errNope
	}
	return nil
}

func trailingComma(
	a int,
	b string,
) (
	int,
	error,
) {
	return a, nil
}

func chanParams(in <-chan int, out chan<- int, both chan int) {}
