package deadlocks

import "sync"

type Account struct {
	mu      sync.Mutex
	balance int
}

// Transfer locks in argument order, so two opposite transfers deadlock.
func Transfer(from, to *Account, amount int) {
	from.mu.Lock()
	defer from.mu.Unlock()
	to.mu.Lock()
	defer to.mu.Unlock()
	from.balance -= amount
	to.balance += amount
}

func unbufferedSelf() int {
	ch := make(chan int)
	ch <- 1 // blocks forever: nobody receives
	return <-ch
}

func waitGroupMisuse(n int) {
	var wg sync.WaitGroup
	for i := 0; i < n; i++ {
		go func() {
			wg.Add(1) // too late: Wait may already have returned
			defer wg.Done()
		}()
	}
	wg.Wait()
}

func recursiveLock(mu *sync.RWMutex, depth int) {
	mu.RLock()
	defer mu.RUnlock()
	if depth > 0 {
		recursiveLock(mu, depth-1)
	}
}

func nilChannel() {
	var ch chan int
	go func() { ch <- 1 }()
	<-ch
}
