package main

import (
	"bufio"
	"bytes"
	"regexp"
	"strconv"
	"strings"
)

// goroutine is what the scorer needs from one traceback in a text dump.
type goroutine struct {
	id uint64
	// state is the wait reason in the header without the annotations the runtime adds
	// (", N minutes", ", locked to thread", " (leaked)", " (durable)").
	state  string
	leaked bool
	// functions of the frames, innermost first, then the `created by` function if any.
	functions []string
	createdBy string
}

var headerRE = regexp.MustCompile(`^goroutine (\d+)(?: gp=\S+ m=\S+(?: mp=\S+)?)? \[([^\]]*)\]:$`)

// parseTracebacks reads every `goroutine N [state]:` block of a text dump (pprof
// debug=2, a test-timeout panic, a SIGQUIT traceback). Lines outside blocks are skipped.
func parseTracebacks(text []byte) []goroutine {
	var out []goroutine
	var cur *goroutine
	sc := bufio.NewScanner(bytes.NewReader(text))
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		line := sc.Text()
		if m := headerRE.FindStringSubmatch(line); m != nil {
			id, _ := strconv.ParseUint(m[1], 10, 64)
			out = append(out, goroutine{id: id})
			cur = &out[len(out)-1]
			cur.state, cur.leaked = cleanState(m[2])
			continue
		}
		if cur == nil {
			continue
		}
		switch {
		case line == "":
			cur = nil
		case strings.HasPrefix(line, "\t") || strings.HasPrefix(line, "..."):
		case strings.HasPrefix(line, "created by "):
			fn := strings.TrimPrefix(line, "created by ")
			if i := strings.Index(fn, " in goroutine "); i >= 0 {
				fn = fn[:i]
			}
			cur.createdBy = fn
		default:
			cur.functions = append(cur.functions, frameFunction(line))
		}
	}
	return out
}

// cleanState drops the annotations the runtime appends to a wait reason.
func cleanState(s string) (state string, leaked bool) {
	if i := strings.Index(s, ", "); i >= 0 {
		s = s[:i] // ", 5 minutes", ", locked to thread", ", synctest bubble 1"
	}
	leaked = strings.HasSuffix(s, " (leaked)")
	s = strings.TrimSuffix(s, " (leaked)")
	s = strings.TrimSuffix(s, " (durable)")
	return s, leaked
}

// frameFunction cuts the argument list from `pkg.f(0x1, ...)` or `pkg.f(...)`.
func frameFunction(line string) string {
	if i := strings.LastIndex(line, "("); i > 0 {
		return line[:i]
	}
	return line
}

// active reports states in which a goroutine is making progress or may be about to:
// not parked on a channel, select or sync primitive.
func active(state string) bool {
	switch state {
	case "running", "runnable", "syscall", "IO wait", "sleep", "preempted":
		return true
	}
	return false
}
