package selects

func withDefault(ch chan int) int {
	select {
	case v := <-ch:
		return v
	default:
	}
	return 0
}

func withoutDefault(a, b chan int, out chan<- int) {
	select {
	case v, ok := <-a:
		if !ok {
			return
		}
		out <- v
	case out <- 1:
	case <-b:
		break
	}
	a <- 0
}

func blockForever() {
	select {}
	println("never")
}

func loopSelect(ch chan int, quit chan struct{}) {
	for {
		select {
		case <-quit:
			return
		case v := <-ch:
			println(v)
		}
	}
}

func labeledSelect(ch chan int) {
loop:
	for {
		select {
		case v, ok := <-ch:
			if !ok {
				break loop
			}
			println(v)
		}
	}
	println("out")
}
