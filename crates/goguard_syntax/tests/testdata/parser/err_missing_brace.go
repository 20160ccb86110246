package p

func f() {
	if x {
		return
	// missing closing brace of if

func g() {}
