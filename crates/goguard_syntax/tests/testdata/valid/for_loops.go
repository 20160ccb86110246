package loops

import (
	"iter"
	"maps"
)

func forms(items []string, m map[string]int, ch chan int, n int) int {
	total := 0
	for i := 0; i < n; i++ {
		total += i
	}
	for total < 100 {
		total *= 2
	}
	for {
		break
	}
	for i := range items {
		_ = items[i]
	}
	for i, s := range items {
		_, _ = i, s
	}
	for _, s := range items {
		_ = s
	}
	for k, v := range m {
		_, _ = k, v
	}
	for range items {
	}
	for range ch {
	}
	for v := range ch {
		total += v
	}
	for range 10 {
	}
	for i := range 10 {
		total += i
	}
	for i := range n {
		total -= i
	}
	var k string
	var v int
	for k, v = range m {
	}
	for k = range m {
	}
	_, _ = k, v
	i := 0
	for ; i < 3; i++ {
	}
	for ; ; i++ {
		if i > 5 {
			break
		}
	}
	for i < 10 {
		i++
	}
	for ; i < 20; {
		i++
	}
	for j, k := 0, n; j < k; j, k = j+1, k-1 {
	}
	return total
}

func Count(n int) iter.Seq[int] {
	return func(yield func(int) bool) {
		for i := range n {
			if !yield(i) {
				return
			}
		}
	}
}

func rangeOverFunc(m map[string]int) {
	for i := range Count(3) {
		_ = i
	}
	for k, v := range maps.All(m) {
		_, _ = k, v
	}
	for range Count(2) {
	}
	for x := range func(yield func(string) bool) {
		yield("inline")
	} {
		_ = x
	}
}

func rangeOverLiterals() {
	for _, v := range []int{1, 2, 3} {
		_ = v
	}
	for k := range map[string]bool{"a": true} {
		_ = k
	}
	for i, c := range "héllo" {
		_, _ = i, c
	}
	for i := range [3]int{} {
		_ = i
	}
}
