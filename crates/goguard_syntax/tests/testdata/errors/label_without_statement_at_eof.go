package p

func f() {
	goto L
L: