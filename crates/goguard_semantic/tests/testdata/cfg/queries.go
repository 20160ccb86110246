package queries

import (
	"errors"
	"os"
	"sync"
)

type store struct {
	mu   sync.Mutex
	data map[string]string
}

func (s *store) leakOnError(k string) error {
	s.mu.Lock() // @lock1
	v, ok := s.data[k]
	if !ok {
		return errors.New("missing") // @leak1
	}
	s.data[k] = v + "!"
	s.mu.Unlock()
	return nil
}

func (s *store) deferred(k string) error {
	s.mu.Lock() // @lock2
	defer s.mu.Unlock()
	if _, ok := s.data[k]; !ok {
		return errors.New("missing")
	}
	return nil
}

func (s *store) exitWhileLocked(k string) {
	s.mu.Lock() // @lock3
	if k == "" {
		os.Exit(2) // @exit3
	}
	s.data[k] = k
	s.mu.Unlock()
}

func (s *store) panicWhileLocked(k string) {
	s.mu.Lock() // @lock4
	if k == "" {
		panic("empty key") // @panic4
	}
	s.mu.Unlock()
}

func spin(mu *sync.Mutex) {
	mu.Lock() // @lock5
	for {
		work()
	}
}

func nestedBreak(mu *sync.Mutex, grid [][]int) {
	mu.Lock() // @lock6
outer:
	for _, row := range grid {
		for _, v := range row {
			if v < 0 { // @neg6
				break outer
			}
		}
	}
	mu.Unlock() // @unlock6
}

func nestedBreakSkipsUnlock(mu *sync.Mutex, grid [][]int) {
outer:
	for _, row := range grid {
		mu.Lock() // @lock7
		for _, v := range row {
			if v < 0 {
				break outer
			}
		}
		mu.Unlock()
	}
}

func gotoCleanup(mu *sync.Mutex, fail bool) error {
	mu.Lock() // @lock8
	if fail {
		goto cleanup
	}
	work()
cleanup:
	mu.Unlock()
	return nil
}

func gotoBackward(mu *sync.Mutex, n int) {
	i := 0
retry:
	mu.Lock() // @lock9
	i++
	if i < n {
		mu.Unlock() // @unlock9
		goto retry
	}
	mu.Unlock()
	done() // @done9
}

func fallsThrough(mu *sync.Mutex, x int) {
	mu.Lock() // @lock10
	switch x {
	case 0:
		work()
		fallthrough
	case 1:
		mu.Unlock()
		return
	default:
		mu.Unlock()
	}
}

func fallsThroughToLeak(mu *sync.Mutex, x int) int {
	mu.Lock() // @lock11
	switch x {
	case 0:
		mu.Unlock()
		fallthrough
	case 1:
		return 1 // @leak11
	}
	mu.Unlock()
	return 0
}

func selectDefault(mu *sync.Mutex, ch chan int) {
	mu.Lock() // @lock12
	select {
	case v := <-ch:
		mu.Unlock()
		use(v)
	default:
		return // @leak12
	}
}

func selectNoDefault(mu *sync.Mutex, ch chan int, quit chan struct{}) {
	mu.Lock() // @lock13
	select {
	case v := <-ch:
		use(v)
	case <-quit:
	}
	mu.Unlock()
}

func blocksForever(mu *sync.Mutex) {
	mu.Lock() // @lock14
	select {}
}

func rangeFuncReturn(mu *sync.Mutex, seq func(func(int) bool)) int {
	mu.Lock() // @lock15
	for v := range seq {
		if v > 3 {
			return v // @leak15
		}
	}
	mu.Unlock()
	return 0
}

func afterPanic() {
	panic("boom") // @panic16
	work()        // @dead16
}

func loops(xs []int) {
	work() // @before17
	for _, x := range xs {
		use(x) // @body17
	}
	done() // @after17
}

func funcLitNotEntered(mu *sync.Mutex) {
	mu.Lock() // @lock18
	f := func() {
		mu.Unlock()
	}
	f()
}

func fallOff(mu *sync.Mutex, ok bool) {
	mu.Lock() // @lock19
	if ok {
		mu.Unlock()
	}
}

func loopOf(xs []int, n int) {
	work() // @outside20
	for i := 0; i < n; i++ {
		for _, x := range xs { // @range20
			use(x) // @inner20
		}
		use(i) // @outer20
	}
	done() // @after20
}

func doubleLock(mu *sync.Mutex, again bool) {
	mu.Lock() // @lock21
	if again {
		mu.Lock() // @relock21
	}
	mu.Unlock()
	mu.Lock() // @later21
	mu.Unlock()
}

func nested(mu *sync.Mutex) error {
	if err := try(mu.TryLock()); err != nil { // @cond22
		go func() {
			mu.Unlock() // @inlit22
		}()
		return err
	}
	return nil
}

func try(bool) error { return nil }

func gotoOutOfLoop(xs []int) {
	for _, x := range xs {
		if x < 0 {
			goto out
		}
	}
	return
out:
	done() // @out23
}

func dominance(wg *sync.WaitGroup, early bool, xs []int) {
	if early {
		wg.Add(1) // @add24
	}
	wg.Add(len(xs)) // @add24b
	for range xs {
		go func() { // @go24
			defer wg.Done()
		}()
	}
	wg.Wait() // @wait24
}

type response struct{ code int }

func (r *response) Close() {}

func get(string) (*response, error) { return nil, nil }

func errBranch(url string) error {
	resp, err := get(url) // @get25
	if err != nil {
		return err // @errret25
	}
	if resp.code != 200 {
		return nil // @leak25
	}
	resp.Close()
	return nil
}

func work()    {}
func done()    {}
func use(int)  {}
