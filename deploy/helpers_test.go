package deploy

import (
	"sync"
	"testing"
	"time"
)

// eventLog is a Sink that keeps every event, for tests.
type eventLog struct {
	mu  sync.Mutex
	evs []Event
}

func (l *eventLog) sink(e Event) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.evs = append(l.evs, e)
}

// kind returns the events of one kind, or host steps of one step name
// when step is not "".
func (l *eventLog) kind(k Kind, step string) []Event {
	l.mu.Lock()
	defer l.mu.Unlock()
	var out []Event
	for _, e := range l.evs {
		if e.Kind == k && (step == "" || e.Step == step) {
			out = append(out, e)
		}
	}
	return out
}

// testEmitter is an emitter into log (nil: nowhere) on clock (nil: now).
func testEmitter(t *testing.T, log *eventLog, clock func() time.Time) *emitter {
	t.Helper()
	o := Options{Now: clock}
	if log != nil {
		o.Events = log.sink
	}
	return newEmitter(o)
}
