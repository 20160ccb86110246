// Package worker fans work out to goroutines and gathers the results without
// synchronisation, in three classic ways.
package worker

import (
	"sync"

	"example.com/goguard/scenarios/races/stats"
)

// Count counts jobs from goroutines with counter++.
func Count(jobs int) int {
	done := 0
	var wg sync.WaitGroup
	for i := 0; i < jobs; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			done++
			stats.Hit()
		}()
	}
	wg.Wait()
	return done
}

// Collect appends each job's result to a shared slice from its goroutine.
func Collect(jobs int) []int {
	var results []int
	var wg sync.WaitGroup
	for i := 0; i < jobs; i++ {
		wg.Add(1)
		go func(n int) {
			defer wg.Done()
			results = append(results, n*n)
		}(i)
	}
	wg.Wait()
	return results
}

// SumSquares captures the loop variable: before Go 1.22 (this module says go 1.20) every
// goroutine shares one `x`, which the loop keeps writing.
func SumSquares(xs []int) int {
	squares := make(chan int, len(xs))
	for _, x := range xs {
		go func() {
			squares <- x * x
			stats.Hit()
		}()
	}
	sum := 0
	for range xs {
		sum += <-squares
	}
	return sum
}
