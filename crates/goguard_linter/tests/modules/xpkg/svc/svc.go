package svc

import (
	"context"
	"sync"

	"example.com/xpkg/util"
)

// A result sent by another package's helper in a goroutine the caller
// abandons on cancellation.
func Fetch(ctx context.Context) int {
	ch := make(chan int)
	go util.Notify(ch, 1) // want: CH001
	select {
	case v := <-ch:
		return v
	case <-ctx.Done():
		return 0
	}
}

// Nobody ever sends on done: the caller blocks in util.WaitFor.
func Hang() {
	done := make(chan struct{})
	util.WaitFor(done) // want: CH002
}

// Nobody closes ch: util.Drain never returns.
func Consume() {
	ch := make(chan int)
	go func() {
		ch <- 1
	}()
	util.Drain(ch) // want: CH003
}

// Every worker's result is received before Wait.
func Gather() int {
	var wg sync.WaitGroup
	out := make(chan int)
	wg.Add(1)
	go util.Work(&wg, out)
	v := <-out
	wg.Wait()
	return v
}

// util.Stop closes the channel the goroutine ranges over.
func Close() {
	ch := make(chan struct{})
	go func() {
		for range ch {
		}
	}()
	util.Stop(ch)
}

// util.Keep stores the channel: someone else may send.
func Kept() int {
	ch := make(chan int)
	util.Keep(ch)
	return <-ch
}

// util.MaybeNotify may not send: nothing is known.
func Maybe(ctx context.Context) int {
	ch := make(chan int)
	go util.MaybeNotify(ch, true)
	select {
	case v := <-ch:
		return v
	case <-ctx.Done():
		return 0
	}
}

// util.NotifyAll sends in a loop: nothing is known.
func Many() int {
	ch := make(chan int)
	go util.NotifyAll(ch, 3)
	return <-ch
}

// util.DrainSome may return before the close: nothing is known.
func Some() {
	ch := make(chan int)
	go func() {
		ch <- 1
	}()
	util.DrainSome(ch)
}

// util.Forward starts its own goroutine: nothing is known.
func Forwarded() int {
	ch := make(chan int)
	util.Forward(ch)
	return <-ch
}

// The receive is served by util.Notify.
func Served() int {
	ch := make(chan int, 1)
	util.Notify(ch, 1)
	return <-ch
}

// util.Hand keeps ch (someone else may send) and closes done.
func Handed() int {
	ch := make(chan int)
	done := make(chan struct{})
	util.Hand(ch, done)
	<-done
	return <-ch
}

// util.Hand keeps its first argument and closes done: closing it again
// panics.
func HandedTwice() {
	done := make(chan struct{})
	util.Hand(make(chan int), done)
	close(done) // want: CH004
}

// The logger is only printed to; nobody sends on done.
func HangLogged(l util.Logger) {
	done := make(chan struct{})
	util.WaitLogged(l, done) // want: CH002
}

// util.Each calls a function value first: nothing is known.
func Called(f func(int)) {
	ch := make(chan int)
	util.Each(ch, f)
}
