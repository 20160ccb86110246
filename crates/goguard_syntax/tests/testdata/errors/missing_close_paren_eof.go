package p

func f() {
	println("a",
