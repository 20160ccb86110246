package p

func f() int {
	return g((1 + 2)
}

func g(int) int { return 0 }
