package p

func f(xs []int) {
	v := range xs
	_ = v
}
