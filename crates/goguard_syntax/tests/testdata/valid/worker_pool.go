package pool

import (
	"context"
	"errors"
	"sync"
)

// Job is one unit of work.
type Job struct {
	ID      int
	Payload []byte
}

type Result struct {
	JobID int
	Err   error
}

// Pool runs jobs on a fixed number of goroutines.
type Pool struct {
	workers int
	jobs    chan Job
	results chan Result
	wg      sync.WaitGroup
	once    sync.Once
	closed  chan struct{}
}

var ErrPoolClosed = errors.New("pool closed")

func New(workers, queue int) *Pool {
	p := &Pool{
		workers: workers,
		jobs:    make(chan Job, queue),
		results: make(chan Result, queue),
		closed:  make(chan struct{}),
	}
	for i := 0; i < workers; i++ {
		p.wg.Add(1)
		go p.loop(i)
	}
	return p
}

func (p *Pool) loop(id int) {
	defer p.wg.Done()
	for job := range p.jobs {
		err := process(job)
		select {
		case p.results <- Result{JobID: job.ID, Err: err}:
		case <-p.closed:
			return
		}
	}
	_ = id
}

func (p *Pool) Submit(ctx context.Context, j Job) error {
	select {
	case <-p.closed:
		return ErrPoolClosed
	default:
	}
	select {
	case p.jobs <- j:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

func (p *Pool) Results() <-chan Result { return p.results }

func (p *Pool) Close() {
	p.once.Do(func() {
		close(p.closed)
		close(p.jobs)
	})
	p.wg.Wait()
	close(p.results)
}

func process(j Job) error {
	if len(j.Payload) == 0 {
		return errors.New("empty payload")
	}
	return nil
}
