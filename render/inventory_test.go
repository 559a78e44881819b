package render

import (
	"bytes"
	"strings"
	"testing"

	"github.com/fleetdeploy/fleet/deploy"
	"github.com/fleetdeploy/fleet/inventory"
)

// TestInventory_Header: a fleet.yaml is named by its file alone; another
// source by its kind and where, then the file the settings came from.
func TestInventory_Header(t *testing.T) {
	inv := &inventory.Inventory{File: "app.yaml", Hosts: []inventory.Host{{Name: "web1"}, {Name: "web2"}}}
	for _, tc := range []struct {
		src  deploy.Source
		want string
	}{
		{deploy.Source{Kind: deploy.SourceFleet, Where: "fleet.yaml", Total: 2}, "1 of 2 hosts from fleet.yaml\n"},
		{deploy.Source{Kind: deploy.SourceAnsible, Where: "hosts.ini", Total: 7}, "1 of 7 hosts from ansible hosts.ini; app, ssh and strategy from app.yaml\n"},
	} {
		var b bytes.Buffer
		rows := InventoryRows(&tc.src, inv.Hosts[:1])
		Inventory(&b, &tc.src, inv, rows)
		if first, _, _ := strings.Cut(b.String(), "HOST"); first != tc.want {
			t.Errorf("header %q, want %q", first, tc.want)
		}
	}
}
