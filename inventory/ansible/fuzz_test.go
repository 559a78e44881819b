package ansible

import (
	"errors"
	"os"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/fleetdeploy/fleet/inventory"
)

// FuzzParse: no input may panic, and the result is either hosts that keep
// Parse's promises or inventory.Errors with positions and messages. Seeds
// live in testdata/fuzz/FuzzParse, besides the inventories in testdata.
func FuzzParse(f *testing.F) {
	for _, name := range []string{"prod.ini", "prod.yml", "broken.ini", "broken.yml"} {
		data, err := os.ReadFile("testdata/" + name)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data, strings.HasSuffix(name, ".yml"))
	}
	f.Fuzz(func(t *testing.T, data []byte, yamlName bool) {
		file := "hosts"
		if yamlName {
			file = "hosts.yml"
		}
		hosts, err := Parse(file, data)
		if err != nil {
			checkErrors(t, file, err)
			return
		}
		checkHosts(t, hosts)
		again, err := Parse(file, data)
		if err != nil || !reflect.DeepEqual(hosts, again) {
			t.Fatalf("Parse is not deterministic: %v", err)
		}
	})
}

func checkErrors(t *testing.T, file string, err error) {
	var errs inventory.Errors
	if !errors.As(err, &errs) || len(errs) == 0 {
		t.Fatalf("error is %T %v, want non-empty inventory.Errors", err, err)
	}
	for i, e := range errs {
		if e == nil || e.File != file || e.Msg == "" || e.Line < 0 || e.Column < 0 {
			t.Fatalf("malformed FieldError %+v", e)
		}
		if i > 0 && errs[i-1].Line > e.Line {
			t.Fatalf("errors out of file order: %v", errs)
		}
	}
	_ = err.Error()
}

func checkHosts(t *testing.T, hosts []Host) {
	seen := map[string]bool{}
	for _, h := range hosts {
		if h.Name == "" || validHostName(h.Name) != nil || seen[h.Name] {
			t.Fatalf("bad or duplicate host name %q", h.Name)
		}
		seen[h.Name] = true
		if h.Port < 0 || h.Port > 65535 || h.Address == "" || h.Line < 1 || h.Vars == nil {
			t.Fatalf("accepted host %+v", h)
		}
		if h.Port != 0 && h.Vars["ansible_port"] == "" && h.Vars["ansible_ssh_port"] == "" {
			t.Fatalf("host %s has port %d from nowhere", h.Name, h.Port)
		}
		if !slices.IsSorted(h.Groups) || len(slices.Compact(slices.Clone(h.Groups))) != len(h.Groups) || !slices.Contains(h.Groups, All) {
			t.Fatalf("host %s groups %v: want sorted, unique, with all", h.Name, h.Groups)
		}
		for k, v := range h.Labels() {
			if strings.HasPrefix(k, "ansible_") || inventory.ValidLabel(k, v) != nil || h.Vars[k] != v {
				t.Fatalf("host %s label %q=%q", h.Name, k, v)
			}
		}
	}
}
