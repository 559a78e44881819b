package ansible

import (
	"bytes"
	"encoding/json"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/fleetdeploy/fleet/inventory"
)

// listHosts is what `ansible all --limit PATTERN --list-hosts` runs:
// InventoryManager.subset(PATTERN), then get_hosts("all"). One Python
// process answers every pattern of an inventory; the test checks one
// pattern per inventory against the ansible command itself too.
const listHosts = `
import json, sys
from ansible.parsing.dataloader import DataLoader
from ansible.inventory.manager import InventoryManager
inv = InventoryManager(loader=DataLoader(), sources=[sys.argv[1]])
out = {}
for p in json.load(sys.stdin):
    inv.subset(p)
    try:
        out[p] = [h.name for h in inv.get_hosts("all")]
    except Exception:  # web[30]: "No hosts matched the subscripted pattern"
        out[p] = []
print(json.dumps(out))
`

// comparePatterns are the patterns compared, per inventory. Where
// Ansible selects no host (nothing, web[30]) fleet must refuse the
// pattern; otherwise every term matches something, since fleet refuses a
// term that matches nothing where Ansible only warns.
var comparePatterns = map[string][]string{
	"prod.ini": {"web", "web:db", "web,db", "db*", "web0[1-3].example.com,batch", "eu_west:!api", "eu_west:&frontend", "frontend:!web0*",
		"~web0[1-3]", "~web-", "web[0:2]", "web[5]", "web[-1]", "web[18:]", "db[0:1]:api[1]", "canary:batch[1:2]",
		"all:!ungrouped", "ungrouped", "*.example.com:!web*", "api-?.example.com", "&db:!db2.example.com", "eu_west[1:3]", "nothing", "web[30]", "web[25:30]", "web:&db"},
	"prod.yml":      {"web", "eu_west:&frontend", "web[0:2]", "web[-1]", "~api", "frontend:!web0*"},
	"kubespray.ini": {"kube_control_plane", "k8s_cluster[0:2]", "kube_control_plane[0]", "etcd:&kube_node", "all:!node1", "etcd[-1]:kube_node[0]", "node*:!k8s_cluster"},
	"kolla.ini":     {"compute", "compute[1]", "localhost", "control:network", "all:!compute01"},
	"templated.yml": {"web", "web:!web02", "canary:db[1]", "~web0[13]", "all[1:3]"},
}

func TestSelect_SameHostsAsAnsible(t *testing.T) {
	ansible, err := exec.LookPath("ansible")
	if err != nil {
		t.Skip("ansible is not installed (Debian: apt-get install ansible-core), so fleet's selections are not compared with Ansible's")
	}
	python := ansiblePython(t, ansible)
	env := append(os.Environ(), "HOME="+t.TempDir(), "PYTHONHASHSEED=0", "ANSIBLE_HOST_PATTERN_MISMATCH=ignore", "ANSIBLE_NOCOLOR=1")
	for file, patterns := range comparePatterns {
		t.Run(file, func(t *testing.T) {
			path := filepath.Join("testdata", file)
			inv := readTestdata(t, file)
			want := ansibleSelections(t, python, env, path, patterns)
			for _, p := range patterns {
				got, err := inv.set.Select(p, inventory.AnsiblePatterns)
				switch {
				case len(want[p]) == 0 && !errors.Is(err, inventory.ErrNoMatch):
					t.Errorf("%s: Ansible selects no host, fleet %v, %v", p, got, err)
				case len(want[p]) > 0 && err != nil:
					t.Errorf("%s: Ansible selects %v, fleet: %v", p, want[p], err)
				case len(want[p]) > 0 && !sameSet(got, want[p]):
					t.Errorf("%s: Ansible selects %v, fleet %v", p, want[p], got)
				}
			}
			// The Python above stands for the command: check one pattern.
			cmd := exec.Command(ansible, "all", "-i", path, "--list-hosts", "--limit", patterns[0])
			cmd.Env = env
			out, err := cmd.Output()
			if err != nil {
				t.Fatalf("ansible --list-hosts: %v", err)
			}
			if cli := listedHosts(out); !sameSet(cli, want[patterns[0]]) {
				t.Errorf("ansible --list-hosts --limit %s = %v, the API said %v", patterns[0], cli, want[patterns[0]])
			}
		})
	}
}

// ansiblePython is the interpreter of the ansible script, which can
// import the ansible package.
func ansiblePython(t *testing.T, ansible string) string {
	data, err := os.ReadFile(ansible)
	if err != nil {
		t.Fatal(err)
	}
	line, _, _ := strings.Cut(string(data), "\n")
	fields := strings.Fields(strings.TrimPrefix(line, "#!"))
	if !strings.HasPrefix(line, "#!") || len(fields) == 0 {
		t.Skipf("%s has no #! line to find its Python by", ansible)
	}
	if filepath.Base(fields[0]) == "env" && len(fields) > 1 {
		return fields[1]
	}
	return fields[0]
}

func ansibleSelections(t *testing.T, python string, env []string, path string, patterns []string) map[string][]string {
	in, err := json.Marshal(patterns)
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(python, "-c", listHosts, path)
	cmd.Env, cmd.Stdin = env, bytes.NewReader(in)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("ansible's InventoryManager on %s: %v\n%s", path, err, stderr.String())
	}
	var got map[string][]string
	if err := json.Unmarshal(out, &got); err != nil {
		t.Fatalf("ansible's InventoryManager: %v in %s", err, out)
	}
	return got
}

// listedHosts reads `ansible --list-hosts`: "  hosts (2):" then a name
// a line.
func listedHosts(out []byte) []string {
	var hosts []string
	for _, line := range strings.Split(string(out), "\n")[1:] {
		if line = strings.TrimSpace(line); line != "" {
			hosts = append(hosts, line)
		}
	}
	return hosts
}

func sameSet(a, b []string) bool {
	return slices.Equal(slices.Sorted(slices.Values(a)), slices.Sorted(slices.Values(b)))
}
