package ifaces

import (
	"context"
	"fmt"
	"io"
)

// Store is implemented by every backend.
type Store interface {
	// Get returns the value for key.
	Get(ctx context.Context, key string) ([]byte, error)
	Put(ctx context.Context, key string, val []byte) error
	io.Closer
	fmt.Stringer
}

type Empty interface{}

type Compare interface {
	comparable
}

type Union interface {
	int | string | []byte
}

type Approx interface {
	~[]byte | ~string
}

type Mixed interface {
	~int | ~uint
	fmt.Stringer
	Value() int
}

type Funcs interface {
	Do(func(int) error) (n int, err error)
	Variadic(format string, args ...any)
	Unnamed(int, string, ...bool)
}

type Generic[T any] interface {
	Next() (T, bool)
}

var _ interface{ M() } = nil
var _ interface {
	A()
	B()
} = (Empty)(nil)
