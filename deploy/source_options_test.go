package deploy

import (
	"slices"
	"strings"
	"testing"

	"github.com/fleetdeploy/fleet/inventory"
)

// TestSource_Options: the hosts --limit and --selector pick, with the
// analyses' Querier; the errors name the source.
func TestSource_Options(t *testing.T) {
	const file = "../inventory/testdata/fleet.yaml" // app.analysis.prometheus reads PROMETHEUS_TOKEN
	src, err := LoadSource(t.Context(), SourceOptions{Inventory: file})
	if err != nil {
		t.Fatal(err)
	}
	t.Setenv("PROMETHEUS_TOKEN", "t0k3n")
	o, err := src.Options("web", "zone=a")
	if err != nil || !slices.Equal(hostNames(o.Hosts), []string{"web1"}) || o.Inventory != src.Inventory || o.Querier == nil {
		t.Errorf("got %v %+v", err, o)
	}
	if _, err := src.Options("web", "zone=c"); err == nil || !strings.HasPrefix(err.Error(), file+": no host matches") {
		t.Errorf("none matches: %v", err)
	}
	empty := &Source{Where: "hosts.ini", Inventory: &inventory.Inventory{}} // say, every host left out by SkipNonSSH
	if _, err := empty.Options("", ""); err == nil || !strings.HasPrefix(err.Error(), "hosts.ini: no host matches") {
		t.Errorf("empty source: %v", err)
	}
	if _, err := src.Options("nosuchgroup", ""); err == nil || !strings.HasPrefix(err.Error(), file+": ") {
		t.Errorf("bad limit: %v", err)
	}
	t.Setenv("PROMETHEUS_TOKEN", "")
	if _, err := src.Options("web", ""); err == nil || !strings.HasPrefix(err.Error(), file+": app.analysis.prometheus: ") {
		t.Errorf("token unset: %v", err)
	}
}
