//go:build linux && (amd64 || arm64) && !race

// Package directives carries compiler and tool directives.
package directives

import (
	_ "embed"
	"fmt"
	"os"
	_ "unsafe"
)

//go:generate stringer -type=Mode
//go:generate go run ./gen -out zz_generated.go

//go:embed testdata/schema.sql
var schema string

//go:embed static/*.html static/css
var staticFiles []byte

type Mode int

//go:noinline
func hot(x int) int { return x * 2 }

//go:nosplit
func leaf() {}

//go:linkname runtimeNano runtime.nanotime
func runtimeNano() int64

//go:norace
func racy() {}

func close(f *os.File) {
	f.Close() //nolint:errcheck
	//nolint:errcheck // best effort
	f.Sync()
}

func spawn(ch chan int) {
	//goguard:ignore goroutine-leak the channel is closed by the owner
	go func() {
		for range ch {
		}
	}()
	go func() { <-ch }() //goguard:ignore goroutine-leak drained at shutdown
}

// Not a directive: there is a space after the slashes.
// go:noinline
func notDirective() { fmt.Println(schema, staticFiles) }

//export Exported
func Exported() {}
