package p

/* this comment never ends

func f() {}
