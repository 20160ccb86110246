package p

// Two errors on one line, found out of position order: the one at column 23
// first, then "expected channel type" at column 15. go/parser keeps only the
// first error it finds on a line (gofmt -e, with AllErrors, lists both).
func f([<-chan<-[func u]int) {}
