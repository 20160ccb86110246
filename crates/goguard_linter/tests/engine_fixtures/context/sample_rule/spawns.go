package p

func work() {}

func spawn() {
	go work() // want: sample-rule "go statement"
	work()
	go func() { // want: sample-rule
		go work() // want: CX901 "statement"
	}()
}
