package b

import "example.com/xpkg/cycle/a"

// Send sends once.
func Send(ch chan int) {
	ch <- 1
}

// Use calls a.
func Use() {
	ch := make(chan int)
	a.Send(ch)
}
