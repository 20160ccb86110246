package hungtest

import (
	"strconv"
	"testing"
)

func TestFetchNone(t *testing.T) {
	if got := FetchAll(nil, strconv.Itoa); len(got) != 0 {
		t.Fatalf("FetchAll(nil) = %v", got)
	}
}

// TestFetchAll hangs until the test binary's -timeout fires.
func TestFetchAll(t *testing.T) {
	got := FetchAll([]int{1, 2, 3}, strconv.Itoa)
	if len(got) != 3 {
		t.Fatalf("FetchAll = %v, want 3 results", got)
	}
}
