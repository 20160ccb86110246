// Package imports exercises every import form: single, grouped, named,
// dot and blank imports.
package imports

import "fmt"

import (
	"context"
	_ "embed"
	stdlog "log"
	. "strings"

	"net/http"
	_ "net/http/pprof" // registers the profiling handlers
)

import m "math"

// Describe uses each import so the file reads like real code.
func Describe(ctx context.Context) string {
	stdlog.Println("describe")
	_ = http.StatusOK
	return ToUpper(fmt.Sprint(ctx.Err(), m.Pi))
}
