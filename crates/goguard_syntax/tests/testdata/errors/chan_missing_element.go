package p

var ch chan

func f() {}
