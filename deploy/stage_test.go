package deploy

import (
	"testing"
	"time"
)

// TestUploadTicker: upload_progress at most once per interval, with the
// rate so far, and none for the last write (staged reports the total).
func TestUploadTicker(t *testing.T) {
	var log eventLog
	clock := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	p := testEmitter(t, &log, func() time.Time { return clock })
	tick := uploadTicker(p, "web1", "v1", Artifact{Version: "v2", Size: 4 << 20})
	for _, step := range []struct {
		after   time.Duration
		written int64
	}{{100 * time.Millisecond, 1 << 20}, {time.Second, 2 << 20}, {1100 * time.Millisecond, 3 << 20}, {2 * time.Second, 4 << 20}} {
		clock = clock.Add(step.after)
		tick(step.written)
	}
	evs := log.kind(KindUploadProgress, "")
	if len(evs) != 2 {
		t.Fatalf("%d upload_progress events, want 2: %+v", len(evs), log.evs)
	}
	if e := evs[0]; e.Host != "web1" || e.From != "v1" || e.To != "v2" || e.Bytes != 2<<20 || e.Total != 4<<20 || e.Rate != 1906501 { // 2 MiB in 1.1 s
		t.Errorf("first %+v", e)
	}
}
