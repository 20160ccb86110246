// Command deadlock ends in the runtime's whole-program deadlock check: main waits on a
// WaitGroup whose only worker waits on a channel nobody sends to. It is its own program
// because a binary that links net/http keeps runtime helpers that can hide the deadlock.
package main

import "sync"

func main() {
	var wg sync.WaitGroup
	reply := make(chan int)
	wg.Add(1)
	go func() {
		defer wg.Done()
		<-reply // nobody ever sends
	}()
	wg.Wait()
}
