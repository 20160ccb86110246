package p

var t = 1 /* never closed
func f() {}
