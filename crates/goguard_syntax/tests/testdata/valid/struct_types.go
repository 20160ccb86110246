package structs

import (
	"bytes"
	"io"
	"sync"
	"time"
)

type List[T any] struct{ items []T }

// Server embeds a mutex by value, a pointer to a buffer, a qualified
// interface and a generic type.
type Server struct {
	sync.Mutex
	*bytes.Buffer
	io.Reader
	List[int]
	*Config

	// Addr is where the server listens.
	Addr                      string        `json:"addr" yaml:"addr"`
	Timeout                   time.Duration "plain string tag"
	ReadTimeout, WriteTimeout time.Duration `json:"-"`
	_                         [0]func()     // prevents comparison
	handlers                  map[string]func()
	inner                     struct {
		count int
		mu    sync.RWMutex
	}
	onClose []func() error
}

type Config struct {
	Name string
}

type Tagged struct {
	A int    `json:"a,omitempty"`
	B string `db:"b"
	  multi:"line raw tag"`
	C bool "c"
}

type Anonymous struct {
	inner struct{ x int } `tag:"anonymous struct field"`
	fn    func() struct{}
}

func (s *Server) Close() error {
	s.Lock()
	defer s.Unlock()
	for _, f := range s.onClose {
		if err := f(); err != nil {
			return err
		}
	}
	return nil
}
