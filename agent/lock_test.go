package agent

import (
	"context"
	"path/filepath"
	"sync"
	"testing"
	"time"
)

// Status probes take the lock shared for an instant; a controller taking
// the lock at that moment must not be refused.
func TestLock_ProbeDoesNotRefuseLocker(t *testing.T) {
	path := filepath.Join(t.TempDir(), "lock")
	stop := make(chan struct{})
	var wg sync.WaitGroup
	wg.Go(func() {
		for {
			select {
			case <-stop:
				return
			default:
			}
			if _, err := probeLock(path); err != nil {
				t.Errorf("probe: %v", err)
				return
			}
		}
	})
	defer wg.Wait()
	defer close(stop)
	for i := range 50 {
		l, err := acquireLock(context.Background(), path, Holder{User: "a", Since: time.Unix(0, 0)})
		if err != nil {
			t.Fatalf("acquire %d while probed: %v", i, err)
		}
		if h, err := probeLock(path); err != nil || h == nil || h.User != "a" {
			t.Fatalf("probe while held = %+v, %v", h, err)
		}
		if err := l.release(); err != nil {
			t.Fatal(err)
		}
	}
}
