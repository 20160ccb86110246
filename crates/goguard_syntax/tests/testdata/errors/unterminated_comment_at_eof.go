package p

func f() {}

/*