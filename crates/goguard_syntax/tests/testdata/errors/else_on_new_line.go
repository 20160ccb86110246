package p

func f(x int) int {
	if x > 0 {
		return 1
	}
	else {
		return 0
	}
}
