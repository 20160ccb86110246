/* A block comment before the package doc. */

// Package comments shows comments in every position the grammar allows.
//
// A doc comment can have several paragraphs.
package comments /* after the package name */

// Import doc.
import (
	// Spec doc.
	"fmt" // trailing spec comment
	/* block before spec */ "strings"
)

// Limit is documented.
const Limit = 10 // trailing

// Group doc.
const (
	// A is documented.
	A = iota // trailing A
	/* B */ B
)

// Config doc.
type Config struct {
	// Name doc.
	Name string // trailing field
	/* block */ Port int
	Tags             []string /* trailing block */
}

// Runner doc.
type Runner interface {
	// Run doc.
	Run() error // trailing method
}

/*
Process is documented with a block comment
spanning lines.
*/
func Process(a /* first */, b int /* second */) (r int /* result */) {
	// Leading statement comment.
	r = a + /* inline */ b // trailing
	if r > Limit {         // after brace
		// inside if
		return /* bare */
	} // after closing brace
	switch /* tag */ r {
	// before case
	case 1: // after case
		// inside case
	}
	x := []int{
		1, // one
		// before two
		2,
		/* three */ 3,
	}
	_ = fmt.Sprint(x, strings.ToUpper("a") /* arg comment */)
	return r
	// after return, before brace
}

func empty() {
	// only a comment
}

func emptyBlock() { /* only a block comment */ }

/**/

/***/

/* ** // nested-looking */

// Trailing comment at end of file.
