package stream

import (
	"context"
	"errors"
	"io"
)

type Message struct {
	Seq  uint64
	Data []byte
}

type Stream interface {
	Send(*Message) error
	Recv() (*Message, error)
	Context() context.Context
}

// Echo reads and writes on separate goroutines; the writer exits when the
// reader closes the channel.
func Echo(s Stream) error {
	msgs := make(chan *Message, 16)
	errc := make(chan error, 2)
	go func() {
		defer close(msgs)
		for {
			m, err := s.Recv()
			if errors.Is(err, io.EOF) {
				errc <- nil
				return
			}
			if err != nil {
				errc <- err
				return
			}
			select {
			case msgs <- m:
			case <-s.Context().Done():
				errc <- s.Context().Err()
				return
			}
		}
	}()
	go func() {
		for m := range msgs {
			if err := s.Send(m); err != nil {
				errc <- err
				for range msgs {
					// drain so the reader never blocks
				}
				return
			}
		}
		errc <- nil
	}()
	return errors.Join(<-errc, <-errc)
}
