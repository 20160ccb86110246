// Package crlf is stored with Windows line endings.
package crlf

import (
	"fmt"
	"sync"
)

// raw keeps its carriage returns out of the value: Go drops \r in raw strings.
const raw = `line one
line two`

type counter struct {
	mu sync.Mutex
	n  int
}

func (c *counter) inc() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.n++
	return c.n
}

/* a block comment
spanning CRLF lines */
func Print(c *counter) {
	fmt.Println(raw, c.inc()) // trailing
}
