// Package hungtest holds a test that hangs, for a real `go test -timeout` dump: FetchAll's
// workers send their results on an unbuffered channel that FetchAll only reads after
// wg.Wait returns, so the workers wait for a receiver and FetchAll waits for the workers.
package hungtest

import "sync"

// FetchAll calls fetch for every id concurrently and returns the results.
func FetchAll(ids []int, fetch func(int) string) []string {
	results := make(chan string)
	var wg sync.WaitGroup
	for _, id := range ids {
		wg.Add(1)
		go func(id int) {
			defer wg.Done()
			results <- fetch(id) // blocks: nobody receives until wg.Wait returns
		}(id)
	}
	wg.Wait() // bug: waits for workers that wait for this function to receive
	close(results)
	var out []string
	for r := range results {
		out = append(out, r)
	}
	return out
}
