package nested

import "errors"

var errStop = errors.New("stop")

func dispatch(in <-chan any, stop <-chan struct{}) (n int, err error) {
loop:
	for {
		select {
		case v, ok := <-in:
			if !ok {
				break loop
			}
			switch x := v.(type) {
			case int:
				if x < 0 {
					continue loop
				}
				for i := range x {
					if i > 100 {
						break
					}
					n += i
				}
			case error:
				if errors.Is(x, errStop) {
					return n, nil
				} else if x != nil {
					err = x
					break loop
				} else {
					panic("unreachable")
				}
			default:
				func() {
					defer func() { recover() }()
					n++
				}()
			}
		case <-stop:
			return
		}
	}
	return n, err
}
