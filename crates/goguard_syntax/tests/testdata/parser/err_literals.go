package p

var (
	a = 0x
	b = 1__0
	c = 0b102
	d = 'ab'
	e = "\q"
	f = 0x1.0
	g = 09
)
