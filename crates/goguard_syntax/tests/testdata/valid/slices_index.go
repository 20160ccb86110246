package slicing

func Map2[K comparable, V any, R any](m map[K]V, f func(K, V) R) []R { return nil }

type Matrix[T any] [][]T

func slices(a []int, s string, arr *[10]int, m map[string][]int) {
	_ = a[:]
	_ = a[1:]
	_ = a[:2]
	_ = a[1:2]
	_ = a[1:2:3]
	_ = a[:2:3]
	_ = a[len(a)-1]
	_ = s[1 : len(s)-1]
	_ = arr[2:5]
	_ = arr[:]
	_ = m["k"][0]
	_ = m["k"][1:][0]
	v, ok := m["missing"]
	_, _ = v, ok
	_ = []int{1, 2, 3}[1:2]
	_ = "literal"[2]
	_ = a[ // comment inside an index
	0]
}

func generics() {
	f := Map2[string, int, bool]
	_ = f
	_ = Map2[string, int](map[string]int{}, func(string, int) bool { return true })
	var mx Matrix[float64]
	_ = mx[0][1]
	_ = Matrix[int]{{1}, {2}}[1][0]
}
