module example.com/goguard/scenarios

// go 1.20, not later: Go 1.19.13 refuses to build modules that declare go 1.21 or later,
// and some dumps are written with Go 1.19 (regenerate.sh).
go 1.20

// v0.11.0 is the last x/sync release whose go.mod says go 1.18.
require golang.org/x/sync v0.11.0
