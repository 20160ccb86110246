// Package stats counts hits without synchronisation: every caller that runs on more than
// one goroutine races on the counter.
package stats

var hits int

// Hit counts one hit.
func Hit() {
	hits++
}

// Hits says how many hits were counted.
func Hits() int {
	return hits
}
