package deploy

import (
	"bytes"
	"encoding/json"
	"os"
	"testing"

	"github.com/fleetdeploy/fleet/inventory"
)

// TestAppSpec_WireFormat: the JSON hello carries for the richest
// inventory (every check kind, Consul, slots) is byte for byte what it was
// when agent and inventory had a type each (testdata/appspec_wire.json was
// written by that code), so an old agent and a new controller, or the
// reverse, read each other.
func TestAppSpec_WireFormat(t *testing.T) {
	inv, err := inventory.Load("../inventory/testdata/fleet.yaml")
	if err != nil {
		t.Fatal(err)
	}
	spec, err := appSpec(inv.App)
	if err != nil {
		t.Fatal(err)
	}
	got, err := json.MarshalIndent(spec, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	want, err := os.ReadFile("testdata/appspec_wire.json")
	if err != nil {
		t.Fatal(err)
	}
	if got = append(got, '\n'); !bytes.Equal(got, want) {
		t.Errorf("hello's app spec changed on the wire:\n got %s\nwant %s", got, want)
	}
}
