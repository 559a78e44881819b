package agent

import (
	"context"
	"errors"
	"testing"
	"time"
)

// A session that went silent and then cannot end (its loop stuck) is
// abandoned after the grace period; one that ends in time is not.
func TestIdleWatch_AbandonsOnlyASessionThatCannotEnd(t *testing.T) {
	for _, tt := range []struct {
		name        string
		endsInTime  bool
		wantAbandon bool
	}{
		{"stuck", false, true},
		{"ends when cancelled", true, false},
	} {
		t.Run(tt.name, func(t *testing.T) {
			w := newIdleWatch()
			w.grace = 50 * time.Millisecond
			w.setLimit(20 * time.Millisecond)
			ctx, cancel := context.WithCancelCause(context.Background())
			defer cancel(nil)
			finished := make(chan struct{})
			abandoned := make(chan struct{})
			returned := make(chan struct{})
			go func() {
				w.run(finished, cancel, func() { close(abandoned) })
				close(returned)
			}()
			<-ctx.Done()
			var silent *SilentError
			if !errors.As(context.Cause(ctx), &silent) || silent.After != 20*time.Millisecond {
				t.Fatalf("cause %v, want a SilentError after 20ms", context.Cause(ctx))
			}
			if tt.endsInTime {
				close(finished)
			}
			<-returned
			select {
			case <-abandoned:
				if !tt.wantAbandon {
					t.Error("abandoned a session that ended in time")
				}
			default:
				if tt.wantAbandon {
					t.Error("a stuck session was not abandoned")
				}
			}
		})
	}
}

// Input keeps the watch from firing; a zero limit turns it off.
func TestIdleWatch_InputAndZeroLimitKeepItQuiet(t *testing.T) {
	w := newIdleWatch()
	w.setLimit(500 * time.Millisecond)
	ctx, cancel := context.WithCancelCause(context.Background())
	defer cancel(nil)
	finished := make(chan struct{})
	go w.run(finished, cancel, nil)
	for range 20 { // 1 s of input every 50 ms
		time.Sleep(50 * time.Millisecond)
		w.poke()
	}
	w.setLimit(0)
	time.Sleep(700 * time.Millisecond)
	close(finished)
	if err := context.Cause(ctx); err != nil {
		t.Fatalf("session cancelled: %v", err)
	}
}
