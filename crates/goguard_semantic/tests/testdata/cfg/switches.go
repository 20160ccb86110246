package switches

func tagged(x int) string {
	switch x {
	case 1, 2:
		return "small"
	case 3:
		x++
	}
	return "other"
}

func defaultInMiddle(x int) int {
	switch {
	case x < 0:
		x = 0
	default:
		x = 1
	case x > 10:
		x = 10
	}
	return x
}

func fallthroughs(x int) int {
	switch y := x * 2; y {
	case 0:
		x++
		fallthrough
	case 1:
		x--
	default:
		x = 0
	}
	return x
}

func typeSwitch(v any) string {
	switch t := v.(type) {
	case int, int64:
		_ = t
		return "int"
	case string:
		return "string"
	}
	return "other"
}

func typeSwitchDefault(v any) {
	switch v.(type) {
	default:
		use(v)
	case error:
		return
	}
}

func breakOutOfLoop(xs []int) int {
loop:
	for _, x := range xs {
		switch x {
		case 0:
			break loop
		case 1:
			break
		}
		use(x)
	}
	return 0
}

func use(any) {}
