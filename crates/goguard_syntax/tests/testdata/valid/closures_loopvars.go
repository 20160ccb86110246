package closures

import (
	"fmt"
	"sync"
)

// Since Go 1.22 every iteration has its own variable, so capturing i is safe.
func perIteration() []func() int {
	var fs []func() int
	for i := 0; i < 3; i++ {
		fs = append(fs, func() int { return i })
	}
	return fs
}

func counter() (inc func() int, get func() int) {
	var mu sync.Mutex
	n := 0
	inc = func() int {
		mu.Lock()
		defer mu.Unlock()
		n++
		return n
	}
	get = func() int {
		mu.Lock()
		defer mu.Unlock()
		return n
	}
	return
}

func recursive() func(int) int {
	var fib func(int) int
	fib = func(n int) int {
		if n < 2 {
			return n
		}
		return fib(n-1) + fib(n-2)
	}
	return fib
}

func spawn(items []string) {
	var wg sync.WaitGroup
	for _, it := range items {
		wg.Go(func() {
			fmt.Println(it)
		})
	}
	wg.Wait()
}
