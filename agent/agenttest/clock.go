package agenttest

import (
	"sync"
	"time"
)

// Clock is a manual clock for agent.Deps.Now, NewTicker and NewTimer.
// Time moves only in Tick, which also fires the current ticker, like a
// real ticker whose period just elapsed, and every timer that is due.
type Clock struct {
	mu     sync.Mutex
	now    time.Time
	tick   chan time.Time // current ticker, nil when none
	timers []*timer       // pending
}

type timer struct {
	at time.Time
	ch chan time.Time
}

// NewClock starts at t.
func NewClock(t time.Time) *Clock { return &Clock{now: t} }

// Now returns the clock's time.
func (c *Clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

// NewTicker returns a fresh tick channel, replacing any earlier one. The
// period is ignored: ticks come from Tick.
func (c *Clock) NewTicker(time.Duration) (<-chan time.Time, func()) {
	c.mu.Lock()
	defer c.mu.Unlock()
	ch := make(chan time.Time, 1)
	c.tick = ch
	return ch, func() {
		c.mu.Lock()
		defer c.mu.Unlock()
		if c.tick == ch {
			c.tick = nil
		}
	}
}

// NewTimer returns a channel that fires once the clock has been ticked
// past now+d (at once when d <= 0), and a stop function.
func (c *Clock) NewTimer(d time.Duration) (<-chan time.Time, func()) {
	c.mu.Lock()
	defer c.mu.Unlock()
	t := &timer{at: c.now.Add(d), ch: make(chan time.Time, 1)}
	if d <= 0 {
		t.ch <- c.now
		return t.ch, func() {}
	}
	c.timers = append(c.timers, t)
	return t.ch, func() {
		c.mu.Lock()
		defer c.mu.Unlock()
		c.drop(t)
	}
}

// Timers reports how many timers are pending: a test waits for a timer to
// exist before it ticks past it.
func (c *Clock) Timers() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return len(c.timers)
}

func (c *Clock) drop(t *timer) {
	for i, p := range c.timers {
		if p == t {
			c.timers = append(c.timers[:i], c.timers[i+1:]...)
			return
		}
	}
}

// Tick advances the clock by d, fires the ticker and the timers that are
// due. As with time.Ticker, a tick nobody has taken yet is not doubled up.
func (c *Clock) Tick(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
	for _, t := range append([]*timer(nil), c.timers...) {
		if !t.at.After(c.now) {
			t.ch <- c.now // buffered, fires once
			c.drop(t)
		}
	}
	if c.tick == nil {
		return
	}
	select {
	case c.tick <- c.now:
	default:
	}
}
