package p

func f() {
	for a, b, c := range x {
	}
	for x := range {
	}
	if var x = 1; x > 0 {
	}
	switch x = y.(type) {
	}
}
