package p

func spawn(ch chan int) {
	go func() {
		ch <- 1
	}
}
