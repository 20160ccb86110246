package a

import (
	"log"
	"testing"
)

func FatalHelper(t *testing.T, msg string) {
	t.Helper()
	t.Errorf("stack: %s", msg)
	t.Fatal(msg)
}

func fatalf(format string, args ...interface{}) {
	log.Fatalf(format, args...)
}

func must(err error) {
	if err != nil {
		panic(err)
	}
}

func viaHelper(t *testing.T) {
	t.Log("giving up")
	FatalHelper(t, "timeout")
}

type Suite struct {
	t *testing.T
}

func (s *Suite) fail(msg string) {
	s.t.Log(msg)
	s.t.FailNow()
}

func (s *Suite) failTwice() {
	s.fail("again")
}

func serve() {
	for {
		log.Println("tick")
	}
}

func early(t *testing.T, ok bool) {
	if ok {
		return
	}
	t.Fatal("not ok")
}
