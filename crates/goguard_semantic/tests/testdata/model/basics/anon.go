package basics

import (
	"net/http"
	"sync"
)

var cache struct {
	sync.Mutex
	entries map[string]*http.Response
}

var registry = struct {
	mu    sync.RWMutex
	names []string
}{}

func anonymousStructs() {
	cache.Lock()                 // callee: method sync.Mutex.Lock
	defer cache.Unlock()         // callee: method sync.Mutex.Unlock
	r := cache.entries["x"]      // type: r *net/http.Response
	registry.mu.RLock()          // callee: method sync.RWMutex.RLock
	_ = len(registry.names)      // typeof: registry.names => []string
	tests := []struct {
		name string
		args struct{ resp *http.Response }
	}{
		{name: "a"},
	}
	for _, tt := range tests {
		n := tt.name               // type: n string
		b := tt.args.resp.Body     // type: b io.ReadCloser
		_, _ = n, b
	}
	first := tests[0].name // type: first string
	p := &struct{ wg sync.WaitGroup }{}
	p.wg.Wait() // callee: method sync.WaitGroup.Wait
	_, _ = r, first
}
