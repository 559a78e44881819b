package deploy_test

import (
	"context"
	"errors"
	"path/filepath"
	"testing"

	"github.com/fleetdeploy/fleet/deploy"
	"github.com/fleetdeploy/fleet/inventory"
	"github.com/fleetdeploy/fleet/transport"
)

// noDial fails the test on any connection: a refusal must come first.
type noDial struct{ t *testing.T }

func (d noDial) Dial(ctx context.Context, host string, cfg transport.Config) (deploy.Conn, error) {
	d.t.Errorf("dialled %s: a gray-release inventory must be refused before any host is contacted", host)
	return nil, errors.New("no dial")
}

// Until rollouts carry out strategy.steps, an inventory with them is
// refused by rollout, promote and plan before any host is contacted,
// rather than run as a plain canary that takes its full share unwatched.
func TestGray_RefusedUntilWired(t *testing.T) {
	inv, err := inventory.Load(filepath.Join("..", "examples", "gray-release", "fleet.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	if len(inv.Strategy.Steps) == 0 {
		t.Fatal("the example has no steps: this test checks nothing")
	}
	o := deploy.Options{Inventory: inv, Hosts: inv.Hosts, Dialer: noDial{t}}
	o.Artifact.Version = "v2"
	ctx := context.Background()
	if _, err := deploy.Rollout(ctx, o); !errors.Is(err, deploy.ErrGrayNotWired) {
		t.Errorf("Rollout: %v, want ErrGrayNotWired", err)
	}
	if _, err := deploy.Promote(ctx, o); !errors.Is(err, deploy.ErrGrayNotWired) {
		t.Errorf("Promote: %v, want ErrGrayNotWired", err)
	}
	if _, err := deploy.Plan(ctx, o); !errors.Is(err, deploy.ErrGrayNotWired) {
		t.Errorf("Plan: %v, want ErrGrayNotWired", err)
	}
}
