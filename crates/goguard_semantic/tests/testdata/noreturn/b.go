package b

import (
	"testing"

	"example.com/a"
)

func Stop(t *testing.T) {
	a.FatalHelper(t, "stop")
}

func Use(t *testing.T, done chan struct{}) {
	close(done)
	Stop(t)
}
