package inventory

import (
	"errors"
	"os"
	"testing"
)

// FuzzParse: no input may panic, and the result is either an inventory
// that upholds what Parse promises or Errors with positions and messages.
// Seeds live in testdata/fuzz/FuzzParse.
func FuzzParse(f *testing.F) {
	example, err := os.ReadFile("testdata/fleet.yaml")
	if err != nil {
		f.Fatal(err)
	}
	f.Add(example)
	f.Fuzz(func(t *testing.T, data []byte) {
		inv, err := Parse("fleet.yaml", data)
		if err != nil {
			checkErrors(t, err)
			return
		}
		checkInventory(t, inv)
	})
}

func checkErrors(t *testing.T, err error) {
	var errs Errors
	if !errors.As(err, &errs) || len(errs) == 0 {
		t.Fatalf("error is %T %v, want non-empty Errors", err, err)
	}
	for _, e := range errs {
		if e == nil || e.File != "fleet.yaml" || e.Msg == "" || e.Line < 0 || e.Column < 0 {
			t.Fatalf("malformed FieldError %+v", e)
		}
	}
	_ = err.Error()
}

func checkInventory(t *testing.T, inv *Inventory) {
	if err := ValidName(inv.App.Name); err != nil {
		t.Fatalf("accepted app name %q: %v", inv.App.Name, err)
	}
	if err := validRoot(inv.App.Root); err != nil {
		t.Fatalf("accepted root %q: %v", inv.App.Root, err)
	}
	if inv.App.Keep < minKeep || len(inv.App.Units) == 0 {
		t.Fatalf("accepted app %+v", inv.App)
	}
	if h := inv.App.Health; h.MinHealthyTime >= h.HealthyDeadline || h.Interval <= 0 {
		t.Fatalf("accepted health %+v", h)
	}
	for _, c := range inv.App.Health.Checks {
		n := 0
		for _, set := range []bool{c.HTTP != nil, c.TCP != nil, c.Command != nil, c.Systemd != nil} {
			if set {
				n++
			}
		}
		if n != 1 {
			t.Fatalf("accepted check with %d kinds: %+v", n, c)
		}
	}
	if len(inv.Hosts) == 0 {
		t.Fatal("accepted an inventory without hosts")
	}
	seen := map[string]bool{}
	for _, h := range inv.Hosts {
		if ValidName(h.Name) != nil || validAddress(h.Address) != nil || seen[h.Name] {
			t.Fatalf("accepted host %+v", h)
		}
		seen[h.Name] = true
	}
	if hosts, err := inv.Select("", ""); err != nil || len(hosts) != len(inv.Hosts) {
		t.Fatalf("Select all = %d hosts, %v; want %d", len(hosts), err, len(inv.Hosts))
	}
}
