package context

import "time"

type Context interface {
	Done() <-chan struct{}
	Err() error
	Value(key any) any
}

type CancelFunc func()

func Background() Context

func WithCancel(parent Context) (ctx Context, cancel CancelFunc)

func WithTimeout(parent Context, d time.Duration) (Context, CancelFunc)
