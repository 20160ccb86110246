// Package util holds helpers other packages of the module hand their
// channels and WaitGroups to.
package util

import (
	"fmt"
	"sync"
)

var registry []chan int

// WaitFor receives once from ch.
func WaitFor(ch <-chan struct{}) {
	fmt.Println("waiting")
	<-ch
}

// Notify sends v on ch once.
func Notify(ch chan<- int, v int) {
	ch <- v
}

// Stop closes ch.
func Stop(ch chan struct{}) {
	close(ch)
}

// Drain receives from ch until it is closed.
func Drain(ch <-chan int) {
	for v := range ch {
		fmt.Println(v)
	}
}

// Keep stores ch where others find it.
func Keep(ch chan int) {
	registry = append(registry, ch)
}

// MaybeNotify sends only when asked to.
func MaybeNotify(ch chan<- int, send bool) {
	if send {
		ch <- 1
	}
}

// NotifyAll sends n times.
func NotifyAll(ch chan<- int, n int) {
	for i := 0; i < n; i++ {
		ch <- i
	}
}

// DrainSome stops at the first zero.
func DrainSome(ch <-chan int) {
	for v := range ch {
		if v == 0 {
			return
		}
	}
}

// Work sends one result and counts itself done.
func Work(wg *sync.WaitGroup, out chan<- int) {
	defer wg.Done()
	out <- 1
}

// Forward hands ch to a goroutine.
func Forward(ch chan int) {
	go func() {
		ch <- 1
	}()
}

// Hand stores ch and says so by closing done.
func Hand(ch chan int, done chan struct{}) {
	registry = append(registry, ch)
	close(done)
}

// Logger logs.
type Logger interface {
	Printf(format string, args ...any)
}

// WaitLogged says it waits, then receives once from ch.
func WaitLogged(l Logger, ch <-chan struct{}) {
	l.Printf("waiting")
	<-ch
}

// Each calls f, which may do anything with ch, then sends once.
func Each(ch chan int, f func(int)) {
	f(1)
	ch <- 1
}
