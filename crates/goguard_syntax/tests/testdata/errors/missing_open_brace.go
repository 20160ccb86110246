package p

func run() int
	return 1
}
