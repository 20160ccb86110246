package pool_test

import (
	"context"
	"testing"
	"time"
)

func TestSubmit(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		timeout time.Duration
		wantErr bool
	}{
		{"fast", time.Second, false},
		{name: "expired", timeout: 0, wantErr: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ctx, cancel := context.WithTimeout(context.Background(), tt.timeout)
			defer cancel()
			<-ctx.Done()
			if got := ctx.Err() != nil; got != tt.wantErr {
				t.Fatalf("got %v, want %v", got, tt.wantErr)
			}
		})
	}
}

func BenchmarkLoop(b *testing.B) {
	for b.Loop() {
		_ = make([]byte, 64)
	}
}

func FuzzParse(f *testing.F) {
	f.Add([]byte("seed"))
	f.Fuzz(func(t *testing.T, data []byte) {
		_ = len(data)
	})
}

func ExampleNew() {
	// Output:
}
