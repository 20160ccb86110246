package main

import (
	"errors"
	"sync"
	"time"
)

// Leaks and deadlocks of one to three goroutines, dumped a fraction of a second after
// they block: what a real bug looks like when someone takes the dump. Each bug is set up
// by a function that returns, so nothing but the stuck goroutines refers to the channels
// and locks involved (the goroutineleak profile can then prove them leaked).
func init() {
	register(scenario{name: "abandoned_send_one", run: abandonedSendOne, leakProfile: true, old: true})
	register(scenario{name: "range_unclosed_one", run: rangeUnclosedOne, leakProfile: true})
	register(scenario{name: "waitgroup_never_done_one", run: waitGroupNeverDoneOne, leakProfile: true, old: true})
	register(scenario{name: "cond_never_signalled", run: condNeverSignalled, leakProfile: true, old: true})
	register(scenario{name: "early_return_send", run: earlyReturnSend, leakProfile: true})
	register(scenario{name: "rwmutex_recursive_rlock", run: rwMutexRecursiveRLock, sigquit: true, leakProfile: true, old: true})
	register(scenario{name: "select_forever", run: selectForever, leakProfile: true})
}

// --- one abandoned send: fetchWithTimeout (leaks.go) called once; it times out and its
// goroutine blocks forever sending the late result.

func abandonedSendOne(snap func(string)) {
	fetchWithTimeout(1)
	snap("abandoned_send_one")
}

// --- one subscriber ranging over a channel its publisher never closes.

func rangeUnclosedOne(snap func(string)) {
	s := subscribe()
	s.updates <- "hello"
	snap("range_unclosed_one")
}

// --- one WaitGroup waiter: runBatch (leaks.go) whose first task returns without Done.

func waitGroupNeverDoneOne(snap func(string)) {
	go runBatch(3)
	snap("waitgroup_never_done_one")
}

// --- one goroutine waiting on a sync.Cond that nobody signals.

func condNeverSignalled(snap func(string)) {
	openGateLater()
	snap("cond_never_signalled")
}

// openGateLater starts a waiter on a gate (leaks.go) and forgets to ever open it.
func openGateLater() {
	g := &gate{}
	g.cond = sync.NewCond(&g.mu)
	go g.waitOpen()
}

// --- a send with no receiver after an early return: loadProfile starts a validation in
// the background, then returns on a lookup error without reading the validation result.

var errNotFound = errors.New("not found")

func validateProfile(id int) error {
	time.Sleep(10 * time.Millisecond)
	if id < 0 {
		return errors.New("negative id")
	}
	return nil
}

func lookupName(id int) (string, error) {
	if id%2 == 1 {
		return "", errNotFound
	}
	return "user", nil
}

func loadProfile(id int) (string, error) {
	errc := make(chan error) // unbuffered: the send waits for the receive below
	go func() {
		errc <- validateProfile(id)
	}()
	name, err := lookupName(id)
	if err != nil {
		return "", err // bug: returns before receiving from errc
	}
	if err := <-errc; err != nil {
		return "", err
	}
	return name, nil
}

func earlyReturnSend(snap func(string)) {
	if _, err := loadProfile(7); !errors.Is(err, errNotFound) {
		fail(errors.New("early_return_send: expected the lookup to fail"))
	}
	snap("early_return_send")
}

// --- recursive read lock with a writer queued: Summary holds the read lock and calls
// Count, which read-locks again; a writer that arrived in between blocks the second RLock
// (sync.RWMutex forbids recursive read locking), and the writer waits for Summary.

type registry struct {
	mu    sync.RWMutex
	items map[string]int
}

func (r *registry) Count() int {
	r.mu.RLock()
	defer r.mu.RUnlock()
	return len(r.items)
}

func (r *registry) Summary(holding chan<- struct{}) int {
	r.mu.RLock()
	defer r.mu.RUnlock()
	close(holding)
	time.Sleep(50 * time.Millisecond) // long enough for the writer to queue
	return r.Count()
}

func (r *registry) Add(key string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.items[key]++
}

func startRegistryUsers() {
	r := &registry{items: map[string]int{}}
	holding := make(chan struct{})
	go r.Summary(holding)
	go func() {
		<-holding
		r.Add("late")
	}()
}

func rwMutexRecursiveRLock(snap func(string)) {
	startRegistryUsers()
	snap("rwmutex_recursive_rlock")
}

// --- select {} in a goroutine: a disabled exporter parks forever instead of returning.

type exporterConfig struct {
	enabled bool
	every   time.Duration
}

func startExporter(cfg exporterConfig) {
	go func() {
		if !cfg.enabled {
			select {} // bug: should return
		}
		for range time.Tick(cfg.every) {
		}
	}()
}

func selectForever(snap func(string)) {
	startExporter(exporterConfig{})
	snap("select_forever")
}
