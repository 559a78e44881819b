package agent

import (
	"context"
	"fmt"
	"sync/atomic"
	"time"
)

// A controller that vanishes without closing its connection — a laptop
// put to sleep, a network that went away, a process stopped with ^Z —
// leaves sshd and this agent waiting on a TCP connection nobody will ever
// close (TCP keepalive gives up after ~2 h, and only if sshd asks for it).
// Until then the agent would hold the host lock. So the controller sends a
// heartbeat (an empty line) every HelloArgs.IdleTimeout/4, whatever else
// it is doing, and the agent ends the session — as at EOF — once it has
// heard nothing at all for IdleTimeout.

// minIdleTimeout keeps heartbeats (every IdleTimeout/4) from flooding the
// session.
const minIdleTimeout = time.Second

// helloIdleTimeout bounds the wait for hello, before the controller has
// said which timeout it wants.
const helloIdleTimeout = 60 * time.Second

// abandonGrace is how long a session that went silent may take to end on
// its own before Deps.Abandon is called (a write stuck on a full pipe
// would otherwise keep the lock).
const abandonGrace = 10 * time.Second

// SilentError ends a session whose controller sent nothing, not even a
// heartbeat, for After.
type SilentError struct{ After time.Duration }

func (e *SilentError) Error() string {
	return fmt.Sprintf("controller silent for %s (no request or heartbeat): ending the session and releasing the lock", e.After)
}

// idleWatch ends the session when no input line arrives for the current
// limit. The reader pokes it on every line; hello sets the limit (0: no
// limit).
type idleWatch struct {
	limit    atomic.Int64 // nanoseconds; 0 disables
	activity chan struct{}
	grace    time.Duration // abandonGrace; shorter in tests
}

// newIdleWatch runs on the real clock, never Deps' (silence is real time,
// and the tests' manual clocks must see only the timers of the ops).
func newIdleWatch() *idleWatch {
	w := &idleWatch{activity: make(chan struct{}, 1), grace: abandonGrace}
	w.limit.Store(int64(helloIdleTimeout))
	return w
}

// poke records input; it never blocks the reader.
func (w *idleWatch) poke() {
	select {
	case w.activity <- struct{}{}:
	default:
	}
}

// setLimit changes the limit from the next input on.
func (w *idleWatch) setLimit(d time.Duration) {
	w.limit.Store(int64(d))
	w.poke()
}

// run cancels the session with a *SilentError after a silent limit, then
// calls abandon if the session has not finished abandonGrace later. It
// returns when finished is closed.
func (w *idleWatch) run(finished <-chan struct{}, cancel context.CancelCauseFunc, abandon func()) {
	for {
		limit := time.Duration(w.limit.Load())
		var fire <-chan time.Time
		stop := func() {}
		if limit > 0 {
			fire, stop = realTimer(limit)
		}
		select {
		case <-finished:
			stop()
			return
		case <-w.activity:
			stop()
			continue
		case <-fire:
		}
		cancel(&SilentError{After: limit})
		grace, stopGrace := realTimer(w.grace)
		select {
		case <-finished:
		case <-grace:
			if abandon != nil {
				abandon()
			}
		}
		stopGrace()
		return
	}
}

func realTimer(d time.Duration) (<-chan time.Time, func()) {
	t := time.NewTimer(d)
	return t.C, func() { t.Stop() }
}
