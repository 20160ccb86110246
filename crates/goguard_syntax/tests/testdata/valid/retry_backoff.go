package retry

import (
	"context"
	"errors"
	"math/rand/v2"
	"time"
)

type Policy struct {
	Attempts int
	Base     time.Duration
	Max      time.Duration
}

var ErrPermanent = errors.New("permanent")

// Do retries op with full-jitter exponential backoff.
func (p Policy) Do(ctx context.Context, op func(context.Context) error) error {
	var err error
	for attempt := range p.Attempts {
		if err = op(ctx); err == nil || errors.Is(err, ErrPermanent) {
			return err
		}
		d := min(p.Base<<attempt, p.Max)
		d = time.Duration(rand.Int64N(int64(d) + 1))
		timer := time.NewTimer(d)
		select {
		case <-ctx.Done():
			timer.Stop()
			return errors.Join(err, ctx.Err())
		case <-timer.C:
		}
	}
	return err
}

type temporary interface{ Temporary() bool }

func isTemporary(err error) bool {
	var t temporary
	return errors.As(err, &t) && t.Temporary()
}
