package deploy_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/fleetdeploy/fleet/deploy"
	"github.com/fleetdeploy/fleet/hostsim"
)

// fleet check over real SSH against simulated hosts: the login names the
// key file it used, the agent answers check without hello and without a
// lock, and a host whose key known_hosts lacks is one line with the
// ssh-keyscan fix, not the end of the command.
func TestCheck_SimulatedHosts(t *testing.T) {
	f := hostsim.New(t, 2, hostsim.Options{})
	o := simOptions(t, f, "", &events{})
	empty := filepath.Join(t.TempDir(), "known_hosts")
	if err := os.WriteFile(empty, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	o.Hosts[1].SSH.KnownHosts = empty

	rep, err := deploy.Check(context.Background(), o)
	if err != nil {
		t.Fatalf("Check: %v", err)
	}
	if len(rep.Hosts) != 2 {
		t.Fatalf("hosts = %d", len(rep.Hosts))
	}
	ok, bad := rep.Hosts[0], rep.Hosts[1]
	if !strings.Contains(ok.Identity, o.Hosts[0].SSH.IdentityFiles[0]) || ok.Machine != "x86_64" || ok.Facts == nil {
		t.Errorf("%s: identity %q, machine %q, facts %v", ok.Host, ok.Identity, ok.Machine, ok.Facts)
	}
	for _, p := range ok.Problems {
		// hostsim's systemd cannot tell how a unit runs: that one line,
		// and nothing else, is expected.
		if p.Check != deploy.CheckUnit || !strings.Contains(p.What, "cannot read unit files") {
			t.Errorf("unexpected problem: %s", p)
		}
	}
	if len(bad.Problems) != 1 || bad.Problems[0].Check != deploy.CheckHostKey ||
		!strings.Contains(bad.Problems[0].Fix, "ssh-keyscan -H") || !strings.Contains(bad.Problems[0].Fix, empty) {
		t.Errorf("%s: problems %v, want one host_key line with ssh-keyscan into %s", bad.Host, bad.Problems, empty)
	}
	if got := bad.Problems[0].String(); !strings.HasPrefix(got, bad.Host+": host_key: ") {
		t.Errorf("line = %q", got)
	}
	for _, h := range f.Hosts() {
		if len(h.JournalEntries(t)) != 0 || h.Current() != "" {
			t.Errorf("%s: check changed the host (journal, current)", h.Name())
		}
	}
}
