package loops

func threeClause(n int) int {
	s := 0
	for i := 0; i < n; i++ {
		if i%2 == 0 {
			continue
		}
		s += i
	}
	return s
}

func condOnly(n int) {
	for n > 0 {
		n--
	}
}

func infinite() {
	for {
		work()
	}
}

func infiniteWithBreak() {
	for {
		if done() {
			break
		}
		work()
	}
	work()
}

func labeled(grid [][]int) int {
outer:
	for _, row := range grid {
		for _, v := range row {
			if v < 0 {
				break outer
			}
			if v == 0 {
				continue outer
			}
			work()
		}
	}
	return 0
}

func rangeInt() {
	for i := range 10 {
		use(i)
	}
}

func rangeFunc(seq func(func(int) bool)) int {
	for v := range seq {
		if v > 3 {
			return v
		}
	}
	return -1
}

func rangeNoVars(xs []int) {
	for range xs {
		work()
	}
}

func continueLabeledWithPost(n int) {
outer:
	for i := 0; i < n; i++ {
		for j := 0; j < n; j++ {
			if j == i {
				continue outer
			}
		}
	}
}

func switchInLoop(xs []int) {
	for _, x := range xs {
		switch x {
		case 0:
			continue
		case 1:
			break
		}
		work()
	}
}

func forCondNoPost(n int) {
	for i := 0; i < n; {
		i += 2
	}
}

func work()      {}
func done() bool { return true }
func use(int)    {}
