package tickers

import (
	"log"
	"time"
)

// leakyPoll creates a timer per iteration with time.After and never stops
// the ticker; both are things goguard reports.
func leakyPoll(events <-chan string) {
	t := time.NewTicker(time.Second)
	for {
		select {
		case e := <-events:
			log.Println(e)
		case <-time.After(5 * time.Second):
			log.Println("idle")
		case <-t.C:
		}
	}
}

func goodPoll(events <-chan string, quit <-chan struct{}) {
	t := time.NewTicker(time.Second)
	defer t.Stop()
	idle := time.NewTimer(5 * time.Second)
	defer idle.Stop()
	for {
		select {
		case e, ok := <-events:
			if !ok {
				return
			}
			log.Println(e)
			if !idle.Stop() {
				<-idle.C
			}
			idle.Reset(5 * time.Second)
		case <-idle.C:
			log.Println("idle")
		case <-t.C:
		case <-quit:
			return
		}
	}
}

func tick() {
	for now := range time.Tick(time.Minute) {
		_ = now
	}
}
