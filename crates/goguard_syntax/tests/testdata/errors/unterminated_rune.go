package p

var r = 'a

func f() {}
