package p

var x =

func f() {}
