package history_test

import (
	"errors"
	"testing"
	"time"

	"github.com/fleetdeploy/fleet/history"
)

const (
	up   = "fleet rollout -i fleet.yaml -a hello --version x"
	back = "fleet rollback -i fleet.yaml"
	prom = "fleet promote -i fleet.yaml"
)

// interrupted is a host switched to `to` whose gate never ended.
func interrupted(host, id, cmd string, at time.Duration, from, to string) *journal {
	j := &journal{host: host, id: id, cmd: cmd, at: at}
	return j.add("lock", "ok", "", "", "", "").add("switch", "ok", from, to, to, "")
}

// revertedInPlace is a host that failed its gate on `to` and was switched
// back to `from` by the rollout's own automatic rollback.
func revertedInPlace(host, id string, at time.Duration, from, to string) *journal {
	j := &journal{host: host, id: id, cmd: up, at: at}
	j.add("lock", "ok", "", "", "", "").add("switch", "ok", from, to, to, "").add("health", "unhealthy", "", "", to, "")
	return j.add("switch", "ok", to, from, from, "").add("health", "healthy", "", "", from, "")
}

func TestRollbackTarget(t *testing.T) {
	h := time.Hour
	v1to2 := []*journal{
		inPlace("a", "r1", up, 0, "v1", "v2", "healthy"),
		inPlace("b", "r1", up, 10*time.Second, "v1", "v2", "healthy"),
		inPlace("c", "r1", up, 20*time.Second, "v1", "v2", "healthy"),
	}
	with := func(js ...*journal) []*journal { return append(append([]*journal{}, v1to2...), js...) }
	tests := []struct {
		name     string
		journals []*journal
		current  map[string]string
		want     string
		err      error
	}{
		{"the version before the last rollout", v1to2, map[string]string{"a": "v2", "b": "v2", "c": "v2"}, "v1", nil},
		{"run again after it completed: the same target, nothing to do",
			with(inPlace("a", "rb", back, h, "v2", "v1", "healthy"), inPlace("b", "rb", back, h, "v2", "v1", "healthy"),
				inPlace("c", "rb", back, h, "v2", "v1", "healthy")),
			map[string]string{"a": "v1", "b": "v1", "c": "v1"}, "v1", nil},
		{"a rollback killed on its second host still aims at one version",
			with(inPlace("a", "rb", back, h, "v2", "v1", "healthy"), interrupted("b", "rb", back, h+10*time.Second, "v2", "v1")),
			map[string]string{"a": "v1", "b": "v1", "c": "v2"}, "v1", nil},
		{"a rollout undone by its own automatic rollback is passed over",
			with(revertedInPlace("a", "bad", h, "v2", "bad")),
			map[string]string{"a": "v2", "b": "v2", "c": "v2"}, "v1", nil},
		{"a rollout killed mid-way: its moved hosts decide, the untouched one already agrees",
			with(inPlace("a", "r2", up, h, "v2", "v3", "healthy"), interrupted("b", "r2", up, h+10*time.Second, "v2", "v3")),
			map[string]string{"a": "v3", "b": "v3", "c": "v2"}, "v2", nil},
		{"an interrupted rollout finished by its re-run",
			with(inPlace("a", "r2", up, h, "v2", "v3", "healthy"), interrupted("b", "r2", up, h+10*time.Second, "v2", "v3"),
				inPlace("b", "r3", up, 2*h, "v3", "v3", "healthy"), inPlace("c", "r3", up, 2*h+10*time.Second, "v2", "v3", "healthy")),
			map[string]string{"a": "v3", "b": "v3", "c": "v3"}, "v2", nil},
		{"canary then promote: the promote's hosts and the canary's agree",
			with(inPlace("a", "r2", up+" --canary 1", h, "v2", "v3", "healthy"),
				inPlace("b", "p2", prom, 2*h, "v2", "v3", "healthy"), inPlace("c", "p2", prom, 2*h+10*time.Second, "v2", "v3", "healthy")),
			map[string]string{"a": "v3", "b": "v3", "c": "v3"}, "v2", nil},
		{"a limited selection reads only its own journals", with(inPlace("a", "r2", up, h, "v2", "v3", "healthy")),
			map[string]string{"a": "v3"}, "v2", nil},
		{"a host that drifted elsewhere makes the targets disagree", with(inPlace("a", "r2", up, h, "v2", "v3", "healthy")),
			map[string]string{"a": "v3", "b": "v2", "c": "v0"}, "", history.ErrTargetsDisagree},
		{"hosts that came from different versions disagree",
			[]*journal{inPlace("a", "r1", up, 0, "v1", "v2", "healthy"), inPlace("b", "r1", up, time.Second, "v0", "v2", "healthy")},
			map[string]string{"a": "v2", "b": "v2"}, "", history.ErrTargetsDisagree},
		{"the first install has nothing before it",
			[]*journal{inPlace("a", "r0", up, 0, "", "v1", "healthy"), inPlace("b", "r0", up, time.Second, "", "v1", "healthy")},
			map[string]string{"a": "v1", "b": "v1"}, "", history.ErrNothingToRestore},
		{"no rollout in the journals", nil, map[string]string{"a": "v1"}, "", history.ErrNoRollout},
		{"only rollbacks in the journals", []*journal{inPlace("a", "rb", back, 0, "v2", "v1", "healthy")},
			map[string]string{"a": "v1"}, "", history.ErrNoRollout},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, cands, got, err := history.RollbackTarget(merge(tt.journals...), tt.current)
			if !errors.Is(err, tt.err) || got != tt.want {
				t.Fatalf("got %q, %v; want %q, %v (candidates %+v)", got, err, tt.want, tt.err, cands)
			}
			if tt.err == history.ErrTargetsDisagree && len(cands) != len(tt.current) {
				t.Errorf("a refusal shows %d hosts, want all %d", len(cands), len(tt.current))
			}
		})
	}
}
