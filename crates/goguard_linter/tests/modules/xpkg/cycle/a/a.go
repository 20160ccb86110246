// Package a and package b import each other's names through an import
// cycle (Go rejects it; the checker must still finish, without facts).
package a

import "example.com/xpkg/cycle/b"

// Send sends once.
func Send(ch chan int) {
	ch <- 1
}

// Use calls b.
func Use() {
	ch := make(chan int, 1)
	b.Send(ch)
	<-ch
}
