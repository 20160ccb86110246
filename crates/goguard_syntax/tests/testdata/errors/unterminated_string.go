package p

var greeting = "hello

func f() {}
