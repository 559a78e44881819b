package main

import (
	"encoding/json"
	"fmt"
	"maps"
	"net/http"
	"net/http/httptest"
	neturl "net/url"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/fleetdeploy/fleet/deploy"
	"github.com/fleetdeploy/fleet/hostsim"
	"github.com/fleetdeploy/fleet/transport/transporttest"
)

// settingsOf writes the app, ssh and strategy of the simulated fleet's
// inventory, without its groups: what --app takes.
func (s *sim) settingsOf(extra string) string {
	s.t.Helper()
	data, err := os.ReadFile(s.inv)
	if err != nil {
		s.t.Fatal(err)
	}
	settings, _, ok := strings.Cut(string(data), "groups:\n")
	if !ok {
		s.t.Fatal("the simulated inventory has no groups")
	}
	path := filepath.Join(s.t.TempDir(), "app.yaml")
	if err := os.WriteFile(path, []byte(settings+extra), 0o600); err != nil {
		s.t.Fatal(err)
	}
	return path
}

func (s *sim) port(host string) int { return s.fleet.ByName(host).Server().Port() }

func writeFile(t *testing.T, name, content string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

func inventoryRows(t *testing.T, r result) []inventoryRow {
	t.Helper()
	r.wantCode(t, exitOK)
	var rows []inventoryRow
	if err := json.Unmarshal([]byte(r.stdout), &rows); err != nil {
		t.Fatalf("inventory -o json: %v\n%s", err, r.stdout)
	}
	return rows
}

func rowNames(rows []inventoryRow) []string {
	var names []string
	for _, r := range rows {
		names = append(names, r.Host)
	}
	return names
}

// prodSettings is an --app file for the real-world-shaped Ansible
// inventories of inventory/ansible/testdata.
const prodSettings = `app:
  name: payments
  units: [payments.service]
  health:
    checks:
      - http: {url: "http://127.0.0.1:8080/healthz"}
ssh:
  user: deploy
  known_hosts: /etc/fleet/known_hosts
strategy:
  max_unavailable: 10%
`

// TestInventory_Ansible reads the payments team's inventory, INI and YAML:
// the same hosts, with Ansible's variable precedence, group limits as in
// ansible --limit, and variables as labels.
func TestInventory_Ansible(t *testing.T) {
	app := writeFile(t, "app.yaml", prodSettings)
	var byFormat [][]inventoryRow
	for _, file := range []string{"prod.ini", "prod.yml"} {
		path := filepath.Join("..", "..", "inventory", "ansible", "testdata", file)
		rows := inventoryRows(t, runArgs(t.Context(), []string{"fleet", "inventory", "-i", path, "--app", app, "-o", "json"}))
		if len(rows) != 33 {
			t.Fatalf("%s: %d hosts, want 33", file, len(rows))
		}
		byName := map[string]inventoryRow{}
		for _, r := range rows {
			byName[r.Host] = r
			if r.Source != deploy.SourceAnsible || !strings.HasPrefix(r.Origin, path+":") {
				t.Errorf("%s: %s from %s %s", file, r.Host, r.Source, r.Origin)
			}
		}
		// A host's group is the groups it is listed in, not eu_west or
		// frontend above them.
		for name, want := range map[string]string{
			"bastion.example.com":    "bastion.example.com ops 0 ungrouped",
			"web07.example.com":      "web07.example.com deploy 0 web tier=web,zone=a",
			"web-canary.example.com": "10.0.1.50 deploy 2222 web,canary tier=web,zone=a",
			"api-d.example.com":      "api-d.example.com deploy 2200 api zone=b", // the host's zone beats eu_west's
			"db1.example.com":        "10.0.2.11 postgres 5022 db tier=db",
		} {
			r := byName[name]
			got := fmt.Sprintf("%s %s %d %s", r.Address, r.User, r.Port, r.Group)
			if l := labelPairs(r.Labels, "tier", "zone"); l != "" {
				got += " " + l
			}
			if got != want {
				t.Errorf("%s: %s: %q, want %q", file, name, got, want)
			}
		}
		if g := byName["web-canary.example.com"].Groups; !slices.Equal(g, []string{"all", "canary", "eu_west", "frontend", "web"}) {
			t.Errorf("%s: web-canary groups %v", file, g)
		}
		for i := range rows {
			rows[i].Origin = "" // lines differ between INI and YAML
		}
		byFormat = append(byFormat, rows)
	}
	if !slices.EqualFunc(byFormat[0], byFormat[1], func(a, b inventoryRow) bool { return fmt.Sprint(a) == fmt.Sprint(b) }) {
		t.Errorf("INI and YAML resolve differently:\n%v\n%v", byFormat[0], byFormat[1])
	}

	ini := filepath.Join("..", "..", "inventory", "ansible", "testdata", "prod.ini")
	for _, tc := range []struct {
		limit, selector string
		want            int
	}{
		{"eu_west", "", 25}, {"@web", "", 21}, {"canary", "", 1}, {"db*", "", 2}, {"web0[1-3].example.com,batch", "", 8},
		{"", "role=replica", 1}, {"frontend", "canary=true", 1},
	} {
		r := runArgs(t.Context(), []string{"fleet", "inventory", "-i", ini, "--app", app, "-o", "json", "-l", tc.limit, "-s", tc.selector})
		if rows := inventoryRows(t, r); len(rows) != tc.want {
			t.Errorf("--limit %q --selector %q: %d hosts %v, want %d", tc.limit, tc.selector, len(rows), rowNames(rows), tc.want)
		}
	}
	r := runArgs(t.Context(), []string{"fleet", "inventory", "-i", ini, "--app", app, "-l", "eu_west"})
	r.wantCode(t, exitOK)
	if !strings.HasPrefix(r.stdout, "25 of 33 hosts from ansible "+ini+"; app, ssh and strategy from "+app) ||
		!strings.Contains(r.stdout, "ORIGIN") {
		t.Errorf("text:\n%s", r.stdout)
	}
	// GROUP is the most specific: web-canary is listed in web and canary.
	if !regexp.MustCompile(`(?m)^web-canary\.example\.com +10\.0\.1\.50 +deploy +2222 +web,canary +`).MatchString(r.stdout) ||
		!regexp.MustCompile(`(?m)^web07\.example\.com +web07\.example\.com +deploy +- +web +`).MatchString(r.stdout) {
		t.Errorf("GROUP column:\n%s", r.stdout)
	}
}

func labelPairs(m map[string]string, keys ...string) string {
	var parts []string
	for _, k := range keys {
		if v, ok := m[k]; ok {
			parts = append(parts, k+"="+v)
		}
	}
	return strings.Join(parts, ",")
}

func TestInventory_AnsibleErrors(t *testing.T) {
	app := writeFile(t, "app.yaml", prodSettings)
	hosts := writeFile(t, "hosts", "[web]\nweb1 ansible_port=99999\n")
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"-i", hosts}, "is an Ansible inventory: name the app, ssh and strategy settings with --app FILE"},
		{[]string{"-i", hosts, "--app", app}, "ansible_port"},
		{[]string{"-i", writeFile(t, "hosts", "[web]\nweb1\n"), "--app", writeFile(t, "both.yaml", prodSettings+"groups:\n  - {name: g, hosts: [h]}\n")},
			"groups: must not be set: the hosts come from another source"},
		{[]string{"-i", writeFile(t, "hosts", "[web]\nbad_name!\n"), "--app", app}, "host bad_name!: name must not contain"},
		{[]string{"-i", writeFile(t, "hosts", "[web]\nweb1\n"), "--app", app, "-l", "nosuch"}, `limit term "nosuch" matches no host or group`},
	} {
		r := runArgs(t.Context(), append([]string{"fleet", "inventory"}, tc.args...))
		r.wantCode(t, exitCannotStart)
		if !strings.Contains(r.stderr, tc.want) {
			t.Errorf("%v: stderr does not say %q:\n%s", tc.args, tc.want, r.stderr)
		}
	}
	// A fleet.yaml with --app is a mistake, not a merge.
	s := newSim(t, 1, hostsim.Options{}, "")
	r := runArgs(t.Context(), []string{"fleet", "inventory", "-i", s.inv, "--app", app})
	r.wantCode(t, exitCannotStart)
	if !strings.Contains(r.stderr, "is a fleet inventory with its own app settings") {
		t.Errorf("stderr:\n%s", r.stderr)
	}
}

// TestRollout_AnsibleInventory rolls out to the hosts of an Ansible INI
// inventory, with the settings from --app and a group limit.
func TestRollout_AnsibleInventory(t *testing.T) {
	s := newSim(t, 3, hostsim.Options{}, "")
	ini := writeFile(t, "hosts.ini", fmt.Sprintf(`# the team's inventory
[web]
sim1 ansible_host=127.0.0.1 ansible_port=%d
sim2 ansible_host=127.0.0.1 ansible_port=%d

[batch]
sim3 ansible_host=127.0.0.1 ansible_port=%d

[prod:children]
web
batch

[prod:vars]
tier=prod
`, s.port("sim1"), s.port("sim2"), s.port("sim3")))
	app := s.settingsOf("")
	r := runArgs(t.Context(), []string{"fleet", "rollout", "-i", ini, "--app", app, "--agent-binary", s.agentBin, "-o", "json",
		"-l", "web", "-s", "tier=prod", "-a", s.artifact("v1"), "--version", "v1"})
	r.wantCode(t, exitOK)
	for _, h := range s.fleet.Hosts() {
		want := "v1"
		if h.Name() == "sim3" {
			want = ""
		}
		if h.Current() != want {
			t.Errorf("%s: current %q, want %q", h.Name(), h.Current(), want)
		}
	}
	// The same source serves every command.
	st := runArgs(t.Context(), []string{"fleet", "status", "-i", ini, "--app", app, "--agent-binary", s.agentBin, "-o", "json"})
	st.wantCode(t, exitOK)
	if rows := decodeRows(t, st.stdout); len(rows) != 3 || !rows[2].Drift || rows[2].Majority != "v1" {
		t.Errorf("status %+v", rows)
	}
}

// fakeConsul is the Consul catalog API, enough of it for fleet: services
// with tags and node metadata, nodes with metadata.
type fakeConsul struct {
	nodes   []fakeNode
	mu      sync.Mutex
	tokens  []string
	queries []string
}

type fakeNode struct {
	name, addr string
	meta       map[string]string
	service    string
	tags       []string
}

func (f *fakeConsul) serve(w http.ResponseWriter, r *http.Request) {
	f.mu.Lock()
	f.tokens = append(f.tokens, r.Header.Get("X-Consul-Token"))
	f.queries = append(f.queries, r.URL.String())
	f.mu.Unlock()
	q := r.URL.Query()
	match := func(n fakeNode) bool {
		for _, kv := range q["node-meta"] {
			k, v, _ := strings.Cut(kv, ":")
			if n.meta[k] != v {
				return false
			}
		}
		return true
	}
	var out []map[string]any
	switch {
	case strings.HasPrefix(r.URL.Path, "/v1/catalog/service/"):
		name := strings.TrimPrefix(r.URL.Path, "/v1/catalog/service/")
		for _, n := range f.nodes {
			if n.service == name && match(n) && (q.Get("tag") == "" || slices.Contains(n.tags, q.Get("tag"))) {
				for i := range 2 { // two instances per node: fleet wants the node once
					out = append(out, map[string]any{"Node": n.name, "Address": n.addr, "NodeMeta": n.meta,
						"ServiceID": fmt.Sprintf("%s-%d", name, i), "ServiceName": name, "ServiceTags": n.tags, "ServicePort": 8080 + i})
				}
			}
		}
	case r.URL.Path == "/v1/catalog/nodes":
		for _, n := range f.nodes {
			if match(n) {
				out = append(out, map[string]any{"Node": n.name, "Address": n.addr, "Meta": n.meta})
			}
		}
	default:
		http.NotFound(w, r)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("X-Consul-Index", "7")
	_ = json.NewEncoder(w).Encode(out)
}

func newFakeConsul(t *testing.T, s *sim) (*fakeConsul, string) {
	f := &fakeConsul{}
	for i, h := range s.fleet.Hosts() {
		tags := []string{"web"}
		if i == 2 {
			tags = []string{"batch"}
		}
		f.nodes = append(f.nodes, fakeNode{name: h.Name(), addr: "127.0.0.1", service: "hello", tags: tags,
			meta: map[string]string{"fleet_ssh_port": fmt.Sprint(s.port(h.Name())), "rack": fmt.Sprintf("r%d", i%2+1), "bad key": "x"}})
	}
	f.nodes = append(f.nodes, fakeNode{name: "db1", addr: "10.9.9.9", meta: map[string]string{"rack": "r1", "role": "db"}})
	srv := httptest.NewServer(http.HandlerFunc(f.serve)) // listens on 127.0.0.1
	t.Cleanup(srv.Close)
	return f, srv.URL
}

// TestInventory_ConsulCatalog: the --consul-* flags reach the Consul
// agent's catalog through consul/api (inventory/consulcatalog tests the
// query and how a node becomes a host), and the catalog's hosts serve
// every command, a rollout included.
func TestInventory_ConsulCatalog(t *testing.T) {
	s := newSim(t, 3, hostsim.Options{}, "")
	f, url := newFakeConsul(t, s)
	app := s.settingsOf("")
	tokenFile := writeFile(t, "token", "s3cret\n")
	rows := inventoryRows(t, runArgs(t.Context(), []string{"fleet", "inventory", "--consul-catalog", url, "--app", app,
		"--consul-token-file", tokenFile, "--consul-service", "hello", "--consul-tag", "web", "--consul-node-meta", "rack=r1",
		"--consul-datacenter", "dc2", "-o", "json"}))
	if len(rows) != 1 {
		t.Fatalf("hosts %v, want sim1 (tag web, rack r1)", rowNames(rows))
	}
	if r := rows[0]; r.Host != "sim1" || r.Address != "127.0.0.1" || r.Port != s.port("sim1") || r.Group != "hello" ||
		r.Source != deploy.SourceConsul || !maps.Equal(r.Labels, map[string]string{"rack": "r1"}) ||
		r.Origin != "consul "+url+" service hello node sim1" {
		t.Errorf("sim1 row %+v", r)
	}
	f.mu.Lock()
	if len(f.queries) != 1 {
		t.Errorf("queries %q, want one", f.queries)
	} else if u, err := neturl.Parse(f.queries[0]); err != nil || u.Path != "/v1/catalog/service/hello" ||
		u.Query().Get("tag") != "web" || u.Query().Get("node-meta") != "rack:r1" || u.Query().Get("dc") != "dc2" {
		t.Errorf("query %q: want service hello, tag web, node-meta rack:r1, dc dc2", f.queries[0])
	}
	if !slices.Equal(f.tokens, []string{"s3cret"}) {
		t.Errorf("tokens sent %q, want the token file's", f.tokens)
	}
	f.mu.Unlock()

	// A rollout to the catalog's web instances only.
	rr := runArgs(t.Context(), []string{"fleet", "rollout", "--consul-catalog", url, "--consul-service", "hello", "--consul-tag", "web",
		"--app", app, "--agent-binary", s.agentBin, "-o", "json", "-a", s.artifact("v1"), "--version", "v1"})
	rr.wantCode(t, exitOK)
	for _, h := range s.fleet.Hosts() {
		if want := h.Name() != "sim3"; (h.Current() == "v1") != want {
			t.Errorf("%s: current %q", h.Name(), h.Current())
		}
	}
}

func TestInventory_ConsulCatalogErrors(t *testing.T) {
	s := newSim(t, 1, hostsim.Options{}, "")
	_, url := newFakeConsul(t, s)
	app := s.settingsOf("")
	down := httptest.NewServer(http.NotFoundHandler())
	down.Close()
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"--consul-catalog", url, "--consul-service", "hello"}, "--consul-catalog: name the app"},
		{[]string{"--consul-catalog", url, "--app", app}, "--consul-service or --consul-node-meta"},
		{[]string{"--consul-catalog", url, "--app", app, "--consul-node-meta", "rack"}, "want key=value"},
		{[]string{"--consul-catalog", url, "--app", app, "--consul-service", "nosuch"}, "service nosuch: no nodes match"},
		{[]string{"--consul-catalog", down.URL, "--app", app, "--consul-service", "hello"}, "consul " + down.URL + " service hello: "},
	} {
		r := runArgs(t.Context(), append([]string{"fleet", "inventory"}, tc.args...))
		r.wantCode(t, exitCannotStart)
		if !strings.Contains(r.stderr, tc.want) {
			t.Errorf("%v: stderr does not say %q:\n%s", tc.args, tc.want, r.stderr)
		}
	}
}

// checkoutInventory is the checkout team's inventory and --app file in
// deploy/testdata/ansible: web and workers, a local control node, a
// templated legacy address, become and ssh args that turn host key
// checking off.
func checkoutInventory() (hosts, app string) {
	dir := filepath.Join("..", "..", "deploy", "testdata", "ansible")
	return filepath.Join(dir, "hosts.ini"), filepath.Join(dir, "app.yaml")
}

// TestInventory_AnsibleWarnings: the settings fleet does not honour are
// logged once each to stderr, the one that would turn host key checking
// off marked SECURITY; the output itself is untouched.
func TestInventory_AnsibleWarnings(t *testing.T) {
	hosts, app := checkoutInventory()
	r := runArgs(t.Context(), []string{"fleet", "inventory", "-i", hosts, "--app", app, "-l", "checkout:!canary", "-o", "json"})
	if rows := inventoryRows(t, r); !slices.Equal(rowNames(rows), []string{"web1.example.com", "web2.example.com", "worker1.example.com", "worker2.example.com"}) {
		t.Errorf("hosts %v", rowNames(rows))
	}
	lines := strings.Split(strings.TrimSpace(r.stderr), "\n")
	if len(lines) != 2 {
		t.Fatalf("stderr has %d lines, want 2 warnings:\n%s", len(lines), r.stderr)
	}
	if !strings.Contains(lines[0], "level=WARN") || !strings.Contains(lines[0], "hosts.ini:23: ansible_become: not read") ||
		strings.Contains(lines[0], "SECURITY") {
		t.Errorf("become warning: %s", lines[0])
	}
	if !strings.Contains(lines[1], `level=WARN msg="SECURITY: `) || !strings.Contains(lines[1], "hosts.ini:24: ansible_ssh_common_args") ||
		!strings.Contains(lines[1], "would turn host key checking off, which is never honoured") {
		t.Errorf("security warning: %s", lines[1])
	}
	// --log-level error silences them, as it does deploy's warnings.
	r = runArgs(t.Context(), []string{"fleet", "inventory", "-i", hosts, "--app", app, "-l", "web", "--log-level", "error"})
	if r.wantCode(t, exitOK); r.stderr != "" {
		t.Errorf("stderr at --log-level error:\n%s", r.stderr)
	}
}

// TestInventory_AnsibleRefusals: only selected hosts refuse a run, each
// named with the line that sets the value; --skip-non-ssh (or
// FLEET_SKIP_NON_SSH) leaves a local host out with a warning instead.
func TestInventory_AnsibleRefusals(t *testing.T) {
	hosts, app := checkoutInventory()
	inv := func(args ...string) result {
		return runArgs(t.Context(), append([]string{"fleet", "inventory", "-i", hosts, "--app", app, "-o", "json"}, args...))
	}
	r := inv("-l", "all")
	r.wantCode(t, exitCannotStart)
	for _, want := range []string{
		`fleet: ` + hosts + `:28: ansible_connection (host localhost): connection "local" is not SSH`,
		"\n" + hosts + `:31: ansible_host (host legacy1.example.com): Jinja2 is not evaluated: set a literal address`,
		"\n" + hosts + ": to deploy to the other hosts, leave those not reached over SSH out of --limit, or pass --skip-non-ssh to skip them with a warning each\n",
	} {
		if !strings.Contains(r.stderr, want) {
			t.Errorf("-l all: stderr does not say %q:\n%s", want, r.stderr)
		}
	}
	r = inv("-l", "legacy")
	if r.wantCode(t, exitCannotStart); strings.Contains(r.stderr, "localhost") || strings.Contains(r.stderr, "--skip-non-ssh") {
		t.Errorf("-l legacy names more than legacy1:\n%s", r.stderr)
	}
	for _, args := range [][]string{{"--skip-non-ssh", "-l", "web1*:control"}, {"-l", "web1*:control"}} {
		if len(args) == 2 {
			t.Setenv("FLEET_SKIP_NON_SSH", "true")
		}
		r = inv(args...)
		if rows := inventoryRows(t, r); !slices.Equal(rowNames(rows), []string{"web1.example.com"}) {
			t.Errorf("%v: hosts %v", args, rowNames(rows))
		}
		if !strings.Contains(r.stderr, `hosts.ini:28: ansible_connection (host localhost): connection \"local\" is not SSH: host left out`) {
			t.Errorf("%v: stderr:\n%s", args, r.stderr)
		}
	}
}

// TestInventory_AnsibleReaderMessages: with --app, a plugin's
// configuration or a misspelt group key gets the Ansible reader's
// message, not fleet.yaml's.
func TestInventory_AnsibleReaderMessages(t *testing.T) {
	hosts, app := checkoutInventory()
	dir := filepath.Dir(hosts)
	for _, tc := range []struct {
		file, want string
	}{
		{filepath.Join(dir, "constructed.yml"), "constructed.yml:3:1: this is the configuration of inventory plugin ansible.builtin.constructed, not an inventory: " +
			"fleet does not run inventory plugins; write the inventory it makes to a file with ansible-inventory -i " +
			filepath.Join(dir, "constructed.yml") + " --list --yaml > hosts.yml (with the other -i sources it reads, if any) and give fleet that file"},
		{filepath.Join(dir, "typo.yml"), `typo.yml:7:7: group web has unknown key "var" (did you mean "vars"?)`},
	} {
		r := runArgs(t.Context(), []string{"fleet", "inventory", "-i", tc.file, "--app", app})
		r.wantCode(t, exitCannotStart)
		if !strings.Contains(r.stderr, tc.want) || strings.Contains(r.stderr, "fleet inventory with its own app settings") {
			t.Errorf("%s: stderr does not say %q:\n%s", tc.file, tc.want, r.stderr)
		}
	}
}

// TestFlags_SkipNonSSHOnEveryInventoryCommand: every command that reads
// an inventory takes --skip-non-ssh (fleet init writes one).
func TestFlags_SkipNonSSHOnEveryInventoryCommand(t *testing.T) {
	n := 0
	for _, c := range newApp().Commands {
		if hasFlag(c, "inventory") && c.Name != "init" {
			n++
			if !hasFlag(c, "skip-non-ssh") {
				t.Errorf("fleet %s has --inventory but not --skip-non-ssh", c.Name)
			}
		}
	}
	if n < 7 {
		t.Errorf("only %d commands read an inventory", n)
	}
}

// TestRollout_AnsibleIdentityFile: a host's ansible_ssh_private_key_file
// is the key its SSH connection uses, in place of the --app file's.
func TestRollout_AnsibleIdentityFile(t *testing.T) {
	t.Setenv("SSH_AUTH_SOCK", "") // only the key files
	s := newSim(t, 2, hostsim.Options{}, "")
	wrong, _ := transporttest.WriteKeyFile(t)
	ini := writeFile(t, "hosts.ini", fmt.Sprintf(`[web]
sim1 ansible_host=127.0.0.1 ansible_port=%d ansible_ssh_private_key_file=%s
sim2 ansible_host=127.0.0.1 ansible_port=%d
`, s.port("sim1"), s.fleet.ClientKeyFile(), s.port("sim2")))
	data, err := os.ReadFile(s.settingsOf(""))
	if err != nil {
		t.Fatal(err)
	}
	settings := regexp.MustCompile(`identity_files: \[.*\]`).ReplaceAllString(string(data), fmt.Sprintf("identity_files: [%q]", wrong))
	app := writeFile(t, "app.yaml", settings)
	r := runArgs(t.Context(), []string{"fleet", "rollout", "-i", ini, "--app", app, "--agent-binary", s.agentBin, "-o", "json",
		"-l", "sim1", "-a", s.artifact("v1"), "--version", "v1"})
	r.wantCode(t, exitOK)
	if got := s.fleet.ByName("sim1").Current(); got != "v1" {
		t.Errorf("sim1 current %q", got)
	}
	// sim2 has no key of its own: the --app file's, which no host accepts.
	st := runArgs(t.Context(), []string{"fleet", "status", "-i", ini, "--app", app, "--agent-binary", s.agentBin, "-o", "json", "-l", "sim2"})
	if st.code == exitOK || !strings.Contains(st.stdout+st.stderr, "authentication failed") {
		t.Errorf("sim2 was reached with the --app file's wrong key, or failed otherwise: exit %d\n%s\n%s", st.code, st.stdout, st.stderr)
	}
}
