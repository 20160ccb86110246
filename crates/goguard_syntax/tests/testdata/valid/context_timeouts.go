package ctxwork

import (
	"context"
	"errors"
	"time"
)

type Fetcher func(ctx context.Context, url string) ([]byte, error)

// FetchAll starts one goroutine per URL. The result channel is buffered so
// that a goroutine never blocks after the caller gave up.
func FetchAll(ctx context.Context, f Fetcher, urls []string) (map[string][]byte, error) {
	ctx, cancel := context.WithTimeout(ctx, 3*time.Second)
	defer cancel()
	type result struct {
		url  string
		body []byte
		err  error
	}
	results := make(chan result, len(urls))
	for _, u := range urls {
		go func(u string) {
			body, err := f(ctx, u)
			results <- result{u, body, err}
		}(u)
	}
	out := make(map[string][]byte, len(urls))
	var errs []error
	for range urls {
		select {
		case r := <-results:
			if r.err != nil {
				errs = append(errs, r.err)
				continue
			}
			out[r.url] = r.body
		case <-ctx.Done():
			return out, context.Cause(ctx)
		}
	}
	return out, errors.Join(errs...)
}

func WithDeadline(parent context.Context, d time.Time, work func(context.Context) error) error {
	ctx, cancel := context.WithDeadline(parent, d)
	defer cancel()
	done := make(chan error, 1)
	go func() { done <- work(ctx) }()
	select {
	case err := <-done:
		return err
	case <-ctx.Done():
		return ctx.Err()
	}
}

func afterFunc(ctx context.Context, cleanup func()) (stop func() bool) {
	return context.AfterFunc(ctx, cleanup)
}
