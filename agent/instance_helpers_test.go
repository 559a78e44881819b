package agent_test

import (
	"context"
	"testing"
	"time"

	"github.com/fleetdeploy/fleet/agent"
	"github.com/fleetdeploy/fleet/appspec"
)

const (
	blue      = "blue"
	green     = "green"
	bluePort  = 9001
	greenPort = 9002
	drainTime = 30 * time.Second
)

// withConsul gives h a Consul spec: service "app" on port 8080, one HTTP
// check on the instance's port, a 30s drain.
func (h *host) withConsul() *appspec.Consul {
	h.consul = &appspec.Consul{
		Port: 8080, Tags: []string{"web"}, Meta: map[string]string{"team": "edge"},
		Drain:  appspec.Duration(drainTime),
		Checks: []appspec.ConsulCheck{{HTTP: "http://127.0.0.1:{port}/health", Interval: appspec.Duration(500 * time.Millisecond)}},
	}
	return h.consul
}

// withSlots gives h the slots blue and green of app@.service.
func (h *host) withSlots() *appspec.Slots {
	h.slots = &appspec.Slots{Unit: "app@.service", Instances: []appspec.Slot{{Name: blue, Port: bluePort}, {Name: green, Port: greenPort}}}
	return h.slots
}

// reg is a registration of id as an earlier rollout would have left it.
func reg(id string) agent.Registration {
	return agent.Registration{
		ID: id, Name: "app", Port: 8080, Meta: map[string]string{"version": "0"},
		Checks: []agent.RegistrationCheck{{ID: "service:" + id + ":1", Name: "old", HTTP: "http://127.0.0.1:8080/health"}},
	}
}

// async runs a blocking client call; its error arrives on the channel.
func async(fn func() error) <-chan error {
	done := make(chan error, 1)
	go func() { done <- fn() }()
	return done
}

// waitFor polls cond for up to 5s.
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(time.Millisecond)
	}
}

// lastJournal returns the host journal's last entry.
func lastJournal(t *testing.T, c *agent.Client) agent.JournalEntry {
	t.Helper()
	j, err := c.Journal(context.Background(), agent.JournalArgs{Last: 1})
	if err != nil || len(j.Entries) != 1 {
		t.Fatalf("Journal: %+v, %v", j, err)
	}
	return j.Entries[0]
}
