// Copyright notice.

//go:build !windows
// +build !windows

package p

import _ "embed"

//go:embed labels_and_directives.go
var src string

//go:noinline
//goguard:ignore leak the goroutine stops with ctx
func worker(ctx chan struct{}, seq func(func(int) bool)) {
loop:
	for {
		select {
		case <-ctx:
			break loop
		default:
			goto next
		}
	next:
		continue loop
	}
	for v := range seq {
		_ = v
	}
	empty:
}

type Tagged struct {
	A int    `json:"a,omitempty" yaml:"a"`
	B string "plain tag"
	C []byte `` // empty raw tag
}
