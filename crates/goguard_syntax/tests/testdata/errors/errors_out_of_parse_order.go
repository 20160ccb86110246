package p

// go/parser reports the channel error at column 15 before the one at column 23,
// although it finds it second: errors are ordered by position.
func f([<-chan<-[func u]int) {}
