// Package races holds programs with data races, for the race detector's reports that
// goguard races reads: a map written from HTTP handlers (api), counter++ and append from
// goroutines and a loop variable captured before Go 1.22's per-iteration variables
// (worker: this module says go 1.20), all counting hits in a shared package (stats).
// `go test -race ./races/...` and the race-enabled binary ./races/cmd/racy print the
// reports; ../regenerate-memory.sh keeps them under ../../tests/races.
package races
