package agenttest

import (
	"sync"
	"time"
)

// Clock is a manual clock for agent.Deps.Now and agent.Deps.NewTicker.
// Time moves only in Tick, which also fires the current ticker, like a
// real ticker whose period just elapsed.
type Clock struct {
	mu   sync.Mutex
	now  time.Time
	tick chan time.Time // current ticker, nil when none
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

// Tick advances the clock by d and fires the ticker. As with time.Ticker,
// a tick nobody has taken yet is not doubled up.
func (c *Clock) Tick(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
	if c.tick == nil {
		return
	}
	select {
	case c.tick <- c.now:
	default:
	}
}
