// Package api serves visit counts from a map that every request writes without a lock.
package api

import (
	"fmt"
	"net/http"

	"example.com/goguard/scenarios/races/stats"
)

var visits = map[string]int{}

// Visit counts a visit to the request's path.
func Visit(w http.ResponseWriter, r *http.Request) {
	visits[r.URL.Path]++
	stats.Hit()
	fmt.Fprintln(w, "ok")
}

// Count reports the visits of a path.
func Count(path string) int {
	return visits[path]
}
