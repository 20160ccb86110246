package p

func a() {
	go b() // want: sample-rule
}
