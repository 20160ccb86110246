package selects

import (
	"context"
	"time"
)

type event struct{ id int }

func pump(ctx context.Context, in <-chan event, out chan<- event, errs chan error) error {
	var pending []event
	var last event
	var ok bool
	for {
		var send chan<- event
		var next event
		if len(pending) > 0 {
			send = out
			next = pending[0]
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case ev := <-in:
			pending = append(pending, ev)
		case ev, more := <-in:
			if !more {
				return nil
			}
			pending = append(pending, ev)
		case last = <-in:
			pending = append(pending, last)
		case last, ok = <-in:
			_ = ok
		case send <- next:
			pending = pending[1:]
		case errs <- nil:
		case <-time.After(time.Second):
			// A fresh timer per iteration: goguard reports this pattern.
		case _ = <-in:
		default:
		}
	}
}

func blockForever() {
	select {}
}

func parenthesizedRecv(ch chan int) {
	select {
	case v := (<-ch):
		_ = v
	case (<-ch):
	}
}

func arrayOfChans(chs [2]chan int) {
	select {
	case chs[0] <- 1:
	case v := <-chs[1]:
		_ = v
	case <-func() chan int { return chs[0] }():
	}
}
