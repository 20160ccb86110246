package p

func f() {
	x := 1
	if x == 1 {
		y := [3]int{1, 2, 3
	}
	for i := 0; i < 10 {
	}
	switch x {
	case 1
		return
	}
	go x
	defer (f())
	return
}

func g() int { return 1 }
