package api

import (
	"io"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
)

// TestVisits sends requests from several clients at once: the handlers write the map
// concurrently.
func TestVisits(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(Visit))
	defer srv.Close()
	var wg sync.WaitGroup
	for c := 0; c < 4; c++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; i < 20; i++ {
				resp, err := http.Get(srv.URL + "/home")
				if err != nil {
					t.Error(err)
					return
				}
				io.Copy(io.Discard, resp.Body)
				resp.Body.Close()
			}
		}()
	}
	wg.Wait()
	if Count("/home") == 0 {
		t.Fatal("no visit counted")
	}
}
