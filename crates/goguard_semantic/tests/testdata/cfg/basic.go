package basic

import "fmt"

func empty() {}

func straight(a, b int) int {
	c := a + b
	c++
	var d, e = c, 2
	const k = 3
	type local int
	fmt.Println(d, e, k)
	return c
}

func ifElseChain(x int) string {
	if x < 0 {
		return "negative"
	} else if x == 0 {
		x++
	} else {
		x--
	}
	return "done"
}

func ifWithInit(m map[string]int) int {
	if v, ok := m["k"]; ok {
		return v
	}
	return 0
}

func deferAndGo(ch chan int) {
	defer close(ch)
	go func() {
		if true {
			ch <- 1
		}
	}()
	ch <- 2
}

func afterReturn() int {
	return 1
	fmt.Println("never")
	return 2
}

func nestedBlocks(x int) {
	{
		x++
		{
			x--
		}
	}
	;
	fmt.Println(x)
}

func longLines(values []string) {
	fmt.Println("a long line that the dump shortens to sixty characters", values)
	fmt.Println(
		"spread",
		"over",
		"lines",
	)
}
