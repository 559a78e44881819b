package deploy_test

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"sync"
	"testing"

	"github.com/fleetdeploy/fleet/agent"
	"github.com/fleetdeploy/fleet/deploy"
	"github.com/fleetdeploy/fleet/hostsim"
	"github.com/fleetdeploy/fleet/inventory"
	"github.com/fleetdeploy/fleet/plan"
	"github.com/fleetdeploy/fleet/transport"
)

// events keeps what a Sink got; safe for concurrent use, as a Sink must be.
type events struct {
	mu  sync.Mutex
	evs []deploy.Event
}

func (l *events) add(e deploy.Event) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.evs = append(l.evs, e)
}

// sshDialer is deploy.Dialer over the real transport, as cmd/fleet wires it.
type sshDialer struct{ d *transport.Dialer }

func (s sshDialer) Dial(ctx context.Context, host string, cfg transport.Config) (deploy.Conn, error) {
	c, err := s.d.Dial(ctx, host, cfg)
	if err != nil {
		return nil, err
	}
	return c, nil
}

// simOptions are Options for every host of a simulated fleet, with a
// small stand-in agent binary and the events kept in log.
func simOptions(t *testing.T, f *hostsim.Fleet, extra string, log *events) deploy.Options {
	t.Helper()
	inv, err := inventory.Load(f.WriteInventory(t, extra))
	if err != nil {
		t.Fatal(err)
	}
	bin := filepath.Join(t.TempDir(), "fleet-agent")
	if err := os.WriteFile(bin, []byte("#!/bin/false\nsimulated fleet agent\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	return deploy.Options{Inventory: inv, Hosts: inv.Hosts, Dialer: sshDialer{&transport.Dialer{Limit: 4}},
		AgentBinary: bin, CommandLine: "deploy test", Events: log.add,
		Strategy: plan.Strategy{MaxUnavailable: plan.IntOrPercent{Value: 1}, AutoRollback: true}}
}

func artifact(t *testing.T, version string) deploy.Artifact {
	t.Helper()
	p := filepath.Join(t.TempDir(), "hello-"+version)
	if err := os.WriteFile(p, []byte("hello "+version+"\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	a, err := deploy.OpenArtifact(p, version)
	if err != nil {
		t.Fatal(err)
	}
	return a
}

// ops is what each of the run's steps asked of the host's agent: the
// journalled ops of rollout id, in order.
func ops(t *testing.T, h *hostsim.Host, id string) []string {
	t.Helper()
	var out []string
	for _, e := range h.JournalEntries(t) {
		if e.RolloutID == id {
			out = append(out, string(e.Op))
		}
	}
	return out
}

// TestRollout_StepsBecomeAgentOps: an in-place activate is, on every
// host and in this order, the lock, the staged release, switch, restart
// and the health gate, then prune; a revert to the version before is
// switch, restart and gate again. Driven through deploy.Rollout and
// deploy.Rollback on simulated hosts, without a command line.
func TestRollout_StepsBecomeAgentOps(t *testing.T) {
	f := hostsim.New(t, 2, hostsim.Options{})
	var evs events
	o := simOptions(t, f, "", &evs)
	for _, v := range []string{"v1", "v2"} {
		o.Artifact = artifact(t, v)
		rec, err := deploy.Rollout(t.Context(), o)
		if err != nil || rec.Result == nil || rec.Result.Err() != nil {
			t.Fatalf("rollout %s: %v, %+v", v, err, rec.Result)
		}
		if rec.Command != "rollout" || rec.Version != v || rec.ID == "" || deploy.Outcome(*rec.Result) != "succeeded" {
			t.Errorf("record %+v", rec)
		}
		want := []string{string(agent.OpLock), string(agent.OpStageCommit), string(agent.OpSwitch), string(agent.OpRestart),
			string(agent.OpHealth), string(agent.OpPrune)}
		for _, h := range f.Hosts() {
			if got := ops(t, h, rec.ID); !slices.Equal(got, want) {
				t.Errorf("%s %s: ops %q, want %q", v, h.Name(), got, want)
			}
		}
	}
	o.To = "v1"
	rec, err := deploy.Rollback(t.Context(), o)
	if err != nil || rec.Result == nil || rec.Result.Err() != nil {
		t.Fatalf("rollback: %v, %+v", err, rec.Result)
	}
	want := []string{string(agent.OpLock), string(agent.OpSwitch), string(agent.OpRestart), string(agent.OpHealth)}
	for _, h := range f.Hosts() {
		if got := ops(t, h, rec.ID); !slices.Equal(got, want) || h.Current() != "v1" {
			t.Errorf("rollback %s: ops %q, want %q; current %q", h.Name(), got, want, h.Current())
		}
	}
	var kinds []deploy.Kind
	for _, e := range evs.evs {
		if e.RolloutID == rec.ID && !slices.Contains(kinds, e.Kind) {
			kinds = append(kinds, e.Kind)
		}
	}
	if kinds[0] != deploy.KindRolloutStarted || kinds[len(kinds)-1] != deploy.KindHostDone {
		t.Errorf("rollback's event kinds %q: want rollout_started first, host_done last", kinds)
	}
}
