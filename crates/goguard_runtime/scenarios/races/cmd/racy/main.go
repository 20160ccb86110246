// Command racy runs the racy code of ../../worker and ../../api in one process, for the
// reports a race-enabled binary (go build -race) prints on standard error.
package main

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"sync"

	"example.com/goguard/scenarios/races/api"
	"example.com/goguard/scenarios/races/worker"
)

func main() {
	fmt.Println("counted", worker.Count(40))
	fmt.Println("collected", len(worker.Collect(40)))
	xs := make([]int, 64)
	for i := range xs {
		xs[i] = i
	}
	fmt.Println("sum", worker.SumSquares(xs))
	var wg sync.WaitGroup
	for c := 0; c < 3; c++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; i < 10; i++ {
				rec := httptest.NewRecorder()
				api.Visit(rec, httptest.NewRequest(http.MethodGet, "/cart", nil))
			}
		}()
	}
	wg.Wait()
	fmt.Println("visits", api.Count("/cart"))
}
