package util_test

import (
	"testing"

	"example.com/xpkg/util"
)

// The external test package sees util's summaries too: nobody sends.
func TestWaitFor(t *testing.T) {
	done := make(chan struct{})
	util.WaitFor(done) // want: CH002
}

// Stop closes done: the receive returns.
func TestStop(t *testing.T) {
	done := make(chan struct{})
	util.Stop(done)
	<-done
}
