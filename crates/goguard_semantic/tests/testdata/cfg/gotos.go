package gotos

func forward(x int) int {
	if x > 0 {
		goto end
	}
	x = -x
end:
	return x
}

func backward(n int) {
	i := 0
again:
	if i < n {
		i++
		goto again
	}
}

func labelNotUsed() {
unused:
	println("x")
}
