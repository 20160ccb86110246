package main

import (
	"sync"
	"time"
)

// --- abandoned send: the caller gives up after a timeout, the worker blocks forever on
// an unbuffered send nobody will receive.

func slowLookup(key int) int {
	time.Sleep(20 * time.Millisecond)
	return key * 2
}

// fetchWithTimeout is the classic leak: `ch` is unbuffered, so once the caller returns on
// the timeout, the goroutine's send blocks forever.
func fetchWithTimeout(key int) (int, bool) {
	ch := make(chan int)
	go func() {
		ch <- slowLookup(key)
	}()
	select {
	case v := <-ch:
		return v, true
	case <-time.After(time.Millisecond):
		return 0, false
	}
}

const abandonedSendCopies = 120

func abandonedSend(snap func(string)) {
	for i := 0; i < abandonedSendCopies; i++ {
		fetchWithTimeout(i)
	}
	snap("abandoned_send")
}

// --- growth: the same leak, dumped after 100 and after 400 requests.

func growth(snap func(string)) {
	for i := 0; i < 100; i++ {
		fetchWithTimeout(i)
	}
	snap("growth_100")
	for i := 100; i < 400; i++ {
		fetchWithTimeout(i)
	}
	snap("growth_400")
}

// --- range over a channel that is never closed: each subscriber's loop never ends.

type subscription struct{ updates chan string }

func subscribe() *subscription {
	s := &subscription{updates: make(chan string)}
	go consumeUpdates(s.updates)
	return s
}

func consumeUpdates(updates <-chan string) {
	for u := range updates {
		_ = u
	}
}

const rangeUnclosedCopies = 40

func rangeUnclosed(snap func(string)) {
	for i := 0; i < rangeUnclosedCopies; i++ {
		s := subscribe()
		s.updates <- "hello"
		// The publisher forgets close(s.updates).
	}
	snap("range_unclosed")
}

// --- AB-BA lock order: two goroutines each hold one mutex and wait for the other.

type account struct {
	mu      sync.Mutex
	balance int
}

func transfer(from, to *account, amount int, bothLocked *sync.WaitGroup) {
	from.mu.Lock()
	defer from.mu.Unlock()
	bothLocked.Done()
	bothLocked.Wait() // make sure the other transfer holds its first lock too
	to.mu.Lock()
	defer to.mu.Unlock()
	from.balance -= amount
	to.balance += amount
}

func mutexDeadlock(snap func(string)) {
	a, b := &account{balance: 100}, &account{balance: 100}
	var bothLocked sync.WaitGroup
	bothLocked.Add(2)
	go transfer(a, b, 10, &bothLocked)
	go transfer(b, a, 20, &bothLocked)
	snap("mutex_deadlock")
}

// --- WaitGroup never done: one task returns early without calling Done.

func runBatch(tasks int) {
	var wg sync.WaitGroup
	wg.Add(tasks)
	for i := 0; i < tasks; i++ {
		go func(i int) {
			if i == 0 {
				return // bug: early return skips wg.Done()
			}
			wg.Done()
		}(i)
	}
	wg.Wait()
}

const waitGroupCopies = 15

func waitGroupNeverDone(snap func(string)) {
	for i := 0; i < waitGroupCopies; i++ {
		go runBatch(3)
	}
	snap("waitgroup_never_done")
}

// --- many leaked copies: 500 goroutines waiting in select for events that never come.

func waitForEvent(events <-chan int, cancel <-chan struct{}) {
	select {
	case <-events:
	case <-cancel:
	}
}

const manyLeakedCopies = 500

func manyLeaked(snap func(string)) {
	events := make(chan int)
	cancel := make(chan struct{})
	for i := 0; i < manyLeakedCopies; i++ {
		go waitForEvent(events, cancel)
	}
	snap("many_leaked")
}

// --- Cond.Wait with no Signal/Broadcast ever.

type gate struct {
	mu   sync.Mutex
	cond *sync.Cond
	open bool
}

func (g *gate) waitOpen() {
	g.mu.Lock()
	defer g.mu.Unlock()
	for !g.open {
		g.cond.Wait()
	}
}

const condWaitCopies = 12

func condWait(snap func(string)) {
	g := &gate{}
	g.cond = sync.NewCond(&g.mu)
	for i := 0; i < condWaitCopies; i++ {
		go g.waitOpen()
	}
	snap("cond_wait")
}

// --- receive from a nil channel: blocks forever.

type pipeline struct{ results chan int }

func (p *pipeline) drain() {
	for range p.results { // p.results was never made: nil
	}
}

const nilChannelCopies = 3

func nilChannel(snap func(string)) {
	p := &pipeline{}
	for i := 0; i < nilChannelCopies; i++ {
		go p.drain()
	}
	snap("nil_channel")
}

// Leaks and deadlocks with many copies, and the growth of one leak between two dumps.
// Registered at the end of the file so that the lines tests cite above do not move.
func init() {
	register(scenario{name: "abandoned_send", run: abandonedSend, sigquit: true})
	register(scenario{name: "range_unclosed", run: rangeUnclosed})
	register(scenario{name: "mutex_deadlock", run: mutexDeadlock, sigquit: true, leakProfile: true, old: true})
	register(scenario{name: "waitgroup_never_done", run: waitGroupNeverDone})
	register(scenario{name: "many_leaked", run: manyLeaked})
	register(scenario{name: "cond_wait", run: condWait})
	register(scenario{name: "nil_channel", run: nilChannel, leakProfile: true})
	register(scenario{name: "growth", run: growth})
}
