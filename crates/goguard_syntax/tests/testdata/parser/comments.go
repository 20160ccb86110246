/* block comment before package */

// Package comments checks comment grouping and attachment.
package comments

// Doc for F,
// two lines.
func F() {} // line comment of F

/*
Doc for G as a block.
*/
func G() {
	// inside
	x := 1 /* inline */ + 2
	_ = x // trailing
}

// detached

// Doc for V
var V = 1 // line V

type S struct {
	// doc for field A
	A int // comment A
	B int /* comment B */

	// doc for C
	C string
}

type I interface {
	// doc for M
	M() // comment M
}

const (
	// doc X
	X = 1 // cX
	Y     // cY
)

func H() int {
	return 1 /* multi
	line */
}

//goguard:ignore leak reason
func J() {}

// last comment
