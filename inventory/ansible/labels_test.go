package ansible_test

import (
	"fmt"
	"maps"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/fleetdeploy/fleet/inventory"
	"github.com/fleetdeploy/fleet/inventory/ansible"
)

func TestHost_Labels(t *testing.T) {
	h := ansible.Host{Name: "web1", Vars: map[string]string{
		"ansible_host": "10.0.0.1", "ansible_port": "22", // connection settings, not labels
		"zone": "a", "tier": "web", "version": "1.2.3+build.4", "team/owner": "pay-ments", "empty": "",
		"motd":    "hello world", // space in the value
		"_hidden": "x",           // name starts with '_'
		"list":    "[1, 2]",      // brackets
		"url":     "http://x/y",  // ':' and '/' are fine in values
		"long":    strings.Repeat("x", 129),
	}}
	want := map[string]string{"zone": "a", "tier": "web", "version": "1.2.3+build.4", "team/owner": "pay-ments",
		"empty": "", "url": "http://x/y"}
	if got := h.Labels(); !reflect.DeepEqual(got, want) {
		t.Errorf("Labels() = %v, want %v", got, want)
	}
	if got := (ansible.Host{}).Labels(); got == nil || len(got) != 0 {
		t.Errorf("Labels() of no vars = %#v, want an empty map", got)
	}
}

// TestLabels_AcceptedByInventory: every label Labels returns for the prod
// inventory and for edge cases must pass inventory.Parse, whose label
// rules Labels applies.
func TestLabels_AcceptedByInventory(t *testing.T) {
	hosts, err := ansible.Load("testdata/prod.ini")
	if err != nil {
		t.Fatal(err)
	}
	edge := ansible.Host{Name: "edge", Vars: map[string]string{
		"a": "", "b.c_d-e/f": "x", "Z9": "A.b_c/d:e+f-g", strings.Repeat("k", 128): strings.Repeat("v", 128),
	}}
	hosts = append(hosts, edge)
	for _, h := range hosts {
		labels := h.Labels()
		if len(labels) == 0 {
			continue
		}
		var b strings.Builder
		for _, k := range slices.Sorted(maps.Keys(labels)) {
			fmt.Fprintf(&b, "%q: %q, ", k, labels[k])
		}
		src := fmt.Sprintf("app: {name: hello, health: {checks: [{http: {url: 'http://127.0.0.1:8080/healthz'}}]}}\ngroups:\n  - name: g\n    hosts:\n      - {name: h, labels: {%s}}\n", b.String())
		inv, err := inventory.Parse("fleet.yaml", []byte(src))
		if err != nil {
			t.Errorf("%s: inventory refuses labels %v: %v", h.Name, labels, err)
			continue
		}
		if got := inv.Hosts[0].Labels; !reflect.DeepEqual(got, labels) {
			t.Errorf("%s: inventory read labels %v, want %v", h.Name, got, labels)
		}
	}
}
