package p

func run(ch chan int) {
	for v := range ch {
		_ = v
	}
