// Command bigheap writes a heap profile with many distinct allocation stacks, as input for
// the benchmark of `goguard heap` against `go tool pprof` (bench/heap-speed.sh).
//
//	go run . -stacks 800000 -o /tmp/bigheap.pb.gz
package main

import (
	"flag"
	"fmt"
	"os"
	"runtime"
	"runtime/pprof"
)

func main() {
	out := flag.String("o", "", "file to write the heap profile to (gzipped protobuf, as Go writes it)")
	stacks := flag.Int("stacks", 100000, "how many distinct allocation stacks")
	flag.Parse()
	if *out == "" {
		fmt.Fprintln(os.Stderr, "usage: bigheap -stacks N -o FILE")
		os.Exit(2)
	}
	if err := bigProfile(*out, *stacks); err != nil {
		fmt.Fprintln(os.Stderr, "bigheap:", err)
		os.Exit(1)
	}
}

// bigProfile writes a heap profile with `stacks` distinct allocation stacks, the input of
// the benchmark. Every allocation is recorded
// (MemProfileRate 1) and each comes from its own call path: the digits of its number, in
// base 16, choose which of 16 functions runs at each of the levels below a fixed chain of
// calls, so stacks are as deep as a real service's (about 40 frames) and share prefixes as
// real ones do.
func bigProfile(file string, stacks int) error {
	runtime.MemProfileRate = 1
	levels := 1
	for n := 16; n < stacks; n *= 16 {
		levels++
	}
	for i := 0; i < stacks; i++ {
		chain(24, uint64(i), levels)
	}
	runtime.GC()
	f, err := os.Create(file)
	if err != nil {
		return err
	}
	if err := pprof.Lookup("heap").WriteTo(f, 0); err != nil {
		f.Close()
		return err
	}
	runtime.KeepAlive(retained)
	return f.Close()
}

// retained keeps one allocation in four, so in-use figures are not all zero.
var retained [][]byte

//go:noinline
func chain(depth int, path uint64, levels int) {
	if depth > 0 {
		chain(depth-1, path, levels)
		return
	}
	step(path, levels)
}

//go:noinline
func step(path uint64, levels int) {
	if levels == 0 {
		b := make([]byte, 16+path%64)
		if path%4 == 0 {
			retained = append(retained, b)
		}
		return
	}
	steps[path%16](path/16, levels-1)
}

var steps [16]func(uint64, int)

func init() {
	steps = [16]func(uint64, int){s0, s1, s2, s3, s4, s5, s6, s7, s8, s9, s10, s11, s12, s13, s14, s15}
}

//go:noinline
func s0(p uint64, l int) { step(p, l) }

//go:noinline
func s1(p uint64, l int) { step(p, l) }

//go:noinline
func s2(p uint64, l int) { step(p, l) }

//go:noinline
func s3(p uint64, l int) { step(p, l) }

//go:noinline
func s4(p uint64, l int) { step(p, l) }

//go:noinline
func s5(p uint64, l int) { step(p, l) }

//go:noinline
func s6(p uint64, l int) { step(p, l) }

//go:noinline
func s7(p uint64, l int) { step(p, l) }

//go:noinline
func s8(p uint64, l int) { step(p, l) }

//go:noinline
func s9(p uint64, l int) { step(p, l) }

//go:noinline
func s10(p uint64, l int) { step(p, l) }

//go:noinline
func s11(p uint64, l int) { step(p, l) }

//go:noinline
func s12(p uint64, l int) { step(p, l) }

//go:noinline
func s13(p uint64, l int) { step(p, l) }

//go:noinline
func s14(p uint64, l int) { step(p, l) }

//go:noinline
func s15(p uint64, l int) { step(p, l) }
