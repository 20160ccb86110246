package types

import (
	"io"
	"net/http"
)

type (
	// ID is a defined type.
	ID int64
	// Name is an alias.
	Name = string

	Handler func(w http.ResponseWriter, r *http.Request) error
	Matrix  [4][4]float64
	Grid    [size * 2]byte
	Lookup  map[ID][]*Record
	Inbox   <-chan Message
	Outbox  chan<- Message
	Duplex  chan Message
	Nested  chan<- chan int
	Recv2   <-chan <-chan int
	Mixed   chan (<-chan int)
	Cleanup func() (err error)
	Closer  interface{ io.Closer }
	PtrArr  *[8]int
	Fn      func(func(int) bool) func() error
)

const size = 16

type Record struct {
	ID   ID
	Name Name
}

type Message struct{}

type ReadCloser = io.ReadCloser

type Empty struct{}

type Any = interface{}

type Parenthesized (int)

func use(h Handler, in Inbox, out Outbox) {
	for m := range in {
		out <- m
	}
	_ = h
}
