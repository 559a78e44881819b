package render

import (
	"strings"
	"testing"

	"github.com/fleetdeploy/fleet/deploy"
	"github.com/fleetdeploy/fleet/plan"
)

// TestPlan_Peers: with distribute: peers the plan says who fetches from
// whom, one line per fetcher under the seeds.
func TestPlan_Peers(t *testing.T) {
	p, err := plan.Compute(plan.KindRollout, []plan.Target{{Host: "web1", To: "v2"}, {Host: "web2", To: "v2"}, {Host: "web3", To: "v2"}},
		plan.Strategy{MaxUnavailable: plan.IntOrPercent{Value: 1}})
	if err != nil {
		t.Fatal(err)
	}
	tr := deploy.NewPeerTree([]string{"web1", "web2", "web3"}, 1, 20)
	var b strings.Builder
	Plan(&b, deploy.PlanReport{Plan: p, Artifact: deploy.Artifact{Version: "v2", SHA256: "0123456789abcdef0123"}, Peers: &tr})
	want := "Peers: the controller uploads to web1\n" +
		"       wave 1: web2 fetches from web1, then the controller uploads\n" +
		"       wave 2: web3 fetches from web1, then web2, then the controller uploads\n"
	if !strings.Contains(b.String(), want) {
		t.Errorf("got:\n%s\nwant it to hold:\n%s", b.String(), want)
	}
	b.Reset()
	Plan(&b, deploy.PlanReport{Plan: p, Artifact: deploy.Artifact{Version: "v2", SHA256: "0123456789abcdef0123"}})
	if strings.Contains(b.String(), "Peers") {
		t.Errorf("without peers:\n%s", b.String())
	}
}
