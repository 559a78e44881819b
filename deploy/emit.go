package deploy

import (
	"sync"
	"time"
)

// emitter delivers a call's events to its Sink, stamped with the run's
// id once it has one; safe for concurrent use.
type emitter struct {
	sink  Sink
	now   func() time.Time
	every time.Duration // upload progress

	mu        sync.Mutex
	rolloutID string
}

func newEmitter(o Options) *emitter {
	e := &emitter{sink: o.Events, now: o.Now, every: o.UploadProgressEvery}
	if e.now == nil {
		e.now = time.Now
	}
	if e.every <= 0 {
		e.every = time.Second
	}
	return e
}

func (e *emitter) emit(ev Event) {
	if e.sink == nil {
		return
	}
	if ev.RolloutID == "" {
		e.mu.Lock()
		ev.RolloutID = e.rolloutID
		e.mu.Unlock()
	}
	e.sink(ev)
}

// setRolloutID stamps every later event with the run's id.
func (e *emitter) setRolloutID(id string) {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.rolloutID = id
}

// emitGate reports a health round, with its verdict.
func (e *emitter) emitGate(ev Event, passing bool) {
	ev.Passing = &passing
	e.emit(ev)
}
