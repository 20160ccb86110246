// Package server is started by the module's command.
package server

import "fmt"

// Run serves until the process is killed: only main calls it.
func Run() {
	fmt.Println("serving")
	select {}
}

// Background blocks forever in a goroutine main starts.
func Background() {
	select {} // want: GR006
}

// Idle blocks forever and nobody calls it.
func Idle() {
	select {} // want: GR006
}
