package exits

import (
	"log"
	"os"
	"testing"
)

func panics(x int) int {
	if x < 0 {
		panic("negative")
	}
	return x
}

func codeAfterPanic() {
	panic("always")
	println("never")
}

func exitsProcess(err error) {
	if err != nil {
		log.Fatalf("fatal: %v", err)
	}
	if err == nil {
		os.Exit(0)
	}
	println("unreachable in practice")
}

func testHelper(t *testing.T, err error) {
	if err != nil {
		t.Fatal(err)
	}
	(panic)("parenthesised")
}

func deferred() {
	defer panic("later")
	defer func() { recover() }()
	println("body")
}
