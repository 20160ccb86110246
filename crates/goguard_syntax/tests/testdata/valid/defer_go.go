package deferred

import (
	"log"
	"os"
	"sync"
)

type worker struct {
	wg sync.WaitGroup
	mu sync.Mutex
}

func (w *worker) run(jobs []func()) {
	for _, job := range jobs {
		w.wg.Add(1)
		go func() {
			defer w.wg.Done()
			job()
		}()
	}
	go w.monitor()
	go log.Println("started", len(jobs))
	go func(n int) {
		_ = n
	}(len(jobs))
	w.wg.Wait()
}

func (w *worker) monitor() {}

func (w *worker) locked(f *os.File) (err error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	defer f.Close()
	defer func() {
		if cerr := f.Sync(); cerr != nil && err == nil {
			err = cerr
		}
	}()
	defer log.Printf("done %s", f.Name())
	defer (func())(nil)
	return nil
}

func recovers() {
	defer func() {
		if r := recover(); r != nil {
			log.Print(r)
		}
	}()
	panic("boom")
}
