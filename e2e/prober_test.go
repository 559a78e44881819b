//go:build e2e

package e2e

import (
	"sync"
	"time"
)

// prober samples every host's /healthz in rounds, concurrently, and records
// the most hosts seen down in one round. Bounded: it stops when told, and
// talks only to lab addresses.
type prober struct {
	addrs   []string
	stop    chan struct{}
	done    chan struct{}
	rounds  int
	maxDown int
	downs   map[string]int
}

func startProber(addrs []string) *prober {
	p := &prober{addrs: addrs, stop: make(chan struct{}), done: make(chan struct{}), downs: map[string]int{}}
	go p.loop()
	return p
}

func (p *prober) loop() {
	defer close(p.done)
	tick := time.NewTicker(100 * time.Millisecond)
	defer tick.Stop()
	for {
		select {
		case <-p.stop:
			return
		case <-tick.C:
			p.round()
		}
	}
}

func (p *prober) round() {
	var mu sync.Mutex
	var wg sync.WaitGroup
	down := 0
	for _, a := range p.addrs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if _, err := healthzVersion(a); err != nil {
				mu.Lock()
				down++
				p.downs[a]++
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	p.rounds++
	p.maxDown = max(p.maxDown, down)
}

// Stop ends probing and returns (rounds, most hosts down at once).
func (p *prober) Stop() (int, int) {
	close(p.stop)
	<-p.done
	return p.rounds, p.maxDown
}
