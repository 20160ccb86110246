package p

var x = []int{
	1,
	2
}

func f(a int
	b int) {}

var y = g(1
	2)
