package main

import (
	"os"
	"runtime/pprof"
	"sync"
	"testing"
	"testing/synctest"
)

// TestBubble prints the goroutines of a synctest bubble (`synctest bubble N`,
// `(durable)` wait states) to the file named by SAMPLES_OUT.
func TestBubble(t *testing.T) {
	out := os.Getenv("SAMPLES_OUT")
	if out == "" {
		t.Skip("SAMPLES_OUT not set")
	}
	synctest.Test(t, func(t *testing.T) {
		ch := make(chan int)
		var wg sync.WaitGroup
		wg.Add(1)
		go func() { <-ch }()
		go func() {
			select {
			case <-ch:
			}
		}()
		go func() { wg.Wait() }()
		synctest.Wait()
		f, err := os.Create(out)
		if err != nil {
			t.Fatal(err)
		}
		pprof.Lookup("goroutine").WriteTo(f, 2)
		f.Close()
		close(ch)
		wg.Done()
	})
}
