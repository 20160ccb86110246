package p

func f(x int) {
	case 1:
		return
}
