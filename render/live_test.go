package render

import (
	"bytes"
	"io"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/fleetdeploy/fleet/deploy"
)

// event is shorter to write in the tables below.
type event = deploy.Event

// livePair is a Progress with a live view on a buffer, and a clock.
func livePair(t *testing.T, width int) (*Progress, *bytes.Buffer, *time.Time) {
	t.Helper()
	var buf bytes.Buffer
	clock := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	now := func() time.Time { return clock }
	p := &Progress{w: &buf, live: true, now: now, r: newLiveRenderer(&buf, width, now)}
	return p, &buf, &clock
}

// TestLive_Block: in-flight hosts are redrawn in place under the kept
// lines, with the step each is in; a finished host becomes a kept line.
func TestLive_Block(t *testing.T) {
	p, buf, clock := livePair(t, 60)
	p.Emit(event{Kind: deploy.KindRolloutStarted, Command: "rollout", To: "v2", Hosts: 2, Message: "rollout r1: 2 hosts"})
	p.Emit(event{Kind: deploy.KindPlan, Hosts: 2, Waves: 2, Message: "2 to change"})
	*clock = clock.Add(time.Second)
	p.Emit(event{Kind: deploy.KindWaveStarted, Wave: 1, Waves: 2, Hosts: 1, Step: "activate", Message: "web1"})
	*clock = clock.Add(time.Second)
	p.Emit(event{Kind: deploy.KindUploadProgress, Host: "web1", Bytes: 5 << 20, Total: 20 << 20, Rate: 10 << 20})
	out := buf.String()
	for _, want := range []string{"▶ rollout r1: 2 hosts\n", "▶ wave 1/2: web1\n", "wave 1/2 · 0/2 done, 1 in flight · 2s\n",
		"  web1         uploading  5.0 MiB/20.0 MiB, 10.0 MiB/s\n"} {
		if !strings.Contains(out, want) {
			t.Errorf("no %q in:\n%q", want, out)
		}
	}
	*clock = clock.Add(time.Second)
	p.Emit(event{Kind: deploy.KindHostStep, Host: "web1", Step: "gate", Passing: new(bool), LeftMS: 3000,
		Message: "failing: http GET http://127.0.0.1:8080/healthz: status 500, want 200, 3s left"})
	if l := lastLine(buf.String()); utf8.RuneCountInString(l) != 59 || !strings.HasPrefix(l, "  web1         gating      failing: http GET") ||
		!strings.HasSuffix(l, "…") {
		t.Errorf("gate line not cut to the width: %q", l)
	}
	*clock = clock.Add(time.Second)
	p.Emit(event{Kind: deploy.KindHostSucceeded, Host: "web1", From: "v1", To: "v2", DurationMS: 2500})
	if !strings.HasSuffix(buf.String(), "\r\x1b[2A\x1b[J✓ web1         v1 → v2 in 2.5s\nwave 1/2 · 1/2 done, 0 in flight · 4s\n") {
		t.Errorf("done host:\n%q", buf.String())
	}
	p.Close()
	if !strings.HasSuffix(buf.String(), "\r\x1b[1A\x1b[J") {
		t.Errorf("close leaves the block:\n%q", buf.String())
	}
}

// TestLive_LogsGoAboveTheBlock: a log line on the same terminal erases
// the block, prints, and the block comes back under it.
func TestLive_LogsGoAboveTheBlock(t *testing.T) {
	p, buf, _ := livePair(t, 80)
	p.Emit(event{Kind: deploy.KindRolloutStarted, Hosts: 1, Message: "go"})
	// Within liveRedraw of the last draw: the state changes, the screen
	// waits for the next draw.
	p.Emit(event{Kind: deploy.KindHostStep, Host: "web1", Step: "restart"})
	before := buf.String()
	w := p.Beside(buf)
	if _, err := io.WriteString(w, "level=WARN msg=prune\n"); err != nil {
		t.Fatal(err)
	}
	got := strings.TrimPrefix(buf.String(), before)
	if want := "\r\x1b[1A\x1b[Jlevel=WARN msg=prune\n0/1 done, 1 in flight · 0s\n  web1         restarting\n"; got != want {
		t.Errorf("after a log line:\n got %q\nwant %q", got, want)
	}
	var plain bytes.Buffer
	q, _ := NewProgress(&plain, Plain)
	if q.Beside(&plain) != io.Writer(&plain) {
		t.Error("plain output wraps stderr")
	}
}

func lastLine(s string) string {
	lines := strings.Split(strings.TrimSuffix(s, "\n"), "\n")
	return lines[len(lines)-1]
}
