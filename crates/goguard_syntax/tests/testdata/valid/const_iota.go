package consts

import "time"

// State is the lifecycle of a worker.
type State int

// Implicit repetition: each line repeats the previous expression with the
// next value of iota.
const (
	Idle State = iota
	Running
	Draining
	_ // reserved
	Stopped
)

const (
	_  = iota
	KB = 1 << (10 * iota)
	MB
	GB
)

const (
	a, b = iota, iota * 10
	c, d
	e, f
)

const single = "single"

const typed time.Duration = 5 * time.Second

const (
	flagRead  = 1 << iota // 1
	flagWrite             // 2
	flagExec              // 4
	flagAll   = flagRead | flagWrite | flagExec
)

const untypedFloat, untypedRune = 1.5, 'x'

func (s State) String() string {
	switch s {
	case Idle:
		return "idle"
	case Running, Draining:
		return "busy"
	}
	return "stopped"
}
