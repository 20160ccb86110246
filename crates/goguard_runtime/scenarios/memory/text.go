package main

// In a file of its own so that the lines of heap.go and main.go, which the committed
// profiles and their expected findings point at, stay where they are.

import (
	"fmt"
	"os"
	"path/filepath"
	"runtime/debug"
	"runtime/pprof"
)

// writeHeapBothForms writes the heap profile as writeProfile does (protobuf) and then in
// its text form (debug=1), with no collection in between, so that both forms hold the
// same records.
func writeHeapBothForms(dir, protoFile, textFile string) {
	gcPercent := debug.SetGCPercent(-1)
	defer debug.SetGCPercent(gcPercent)
	writeProfile(dir, "heap", protoFile)
	f, err := os.Create(filepath.Join(dir, textFile))
	if err != nil {
		fail(err)
	}
	if err := pprof.Lookup("heap").WriteTo(f, 1); err != nil {
		fail(err)
	}
	if err := f.Close(); err != nil {
		fail(err)
	}
	fmt.Printf("%-24s %s (text)\n", textFile, "heap")
}
