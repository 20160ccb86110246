package worker

import "testing"

func TestCount(t *testing.T) {
	if got := Count(50); got == 0 {
		t.Fatal("nothing counted")
	}
}

func TestCollect(t *testing.T) {
	if got := Collect(50); len(got) == 0 {
		t.Fatal("nothing collected")
	}
}

func TestSumSquares(t *testing.T) {
	xs := make([]int, 64)
	for i := range xs {
		xs[i] = i + 1
	}
	if got := SumSquares(xs); got == 0 {
		t.Fatal("no sum")
	}
}
