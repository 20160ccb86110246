package constexpr

import "unsafe"

type Weekday uint8

const (
	Sunday Weekday = iota + 1
	Monday
	Tuesday
)

const (
	mask      = 1<<8 - 1
	shifted   = mask >> 2 &^ 1
	ratio     = 22.0 / 7
	greeting  = "hello, " + "world"
	length    = len(greeting)
	ptrSize   = unsafe.Sizeof(uintptr(0))
	isBig     = ptrSize == 8 && length > 3 || !true
	negative  = -(1 << 62)
	complexC  = 1 + 2i
	runeSum   = 'a' + 1
	parenthed = ((1 + 2) * (3 - 4)) / 5
)

const (
	x0, y0 = iota, -iota
	x1, y1
)

func (d Weekday) Weekend() bool { return d == Sunday || d == 7 }
