package ansible

import (
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/fleetdeploy/fleet/inventory"
)

func readTestdata(t *testing.T, name string) *Inventory {
	t.Helper()
	inv, err := ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatalf("ReadFile(%s): %v", name, err)
	}
	return inv
}

func hostNames(hosts []Host) []string {
	out := make([]string, len(hosts))
	for i, h := range hosts {
		out[i] = h.Name
	}
	return out
}

func warningLines(ws []Warning) []string {
	out := make([]string, len(ws))
	for i, w := range ws {
		out[i] = w.String()
	}
	return out
}

// A host reached with ansible_connection=local would be dialled over
// SSH at its name: it is refused, named, at the line that sets it.
func TestSelect_LocalConnectionRefused(t *testing.T) {
	inv := readTestdata(t, "kubespray.ini")
	_, err := inv.Select("kube_control_plane", Options{})
	var he *HostError
	if !errors.Is(err, ErrNotSSH) || !errors.As(err, &he) {
		t.Fatalf("Select error = %v, want a HostError with ErrNotSSH", err)
	}
	want := `testdata/kubespray.ini:4: ansible_connection (host node1): connection "local" is not SSH`
	if !strings.HasPrefix(err.Error(), want) {
		t.Errorf("error = %q, want it to start with %q", err, want)
	}
	var fe *inventory.FieldError
	if !errors.As(err, &fe) || fe.Line != 4 || fe.Field != "ansible_connection" {
		t.Errorf("errors.As FieldError = %+v, want line 4, field ansible_connection", fe)
	}
	// Hosts the selection leaves out are no reason to refuse it.
	sel, err := inv.Select("kube_node", Options{})
	if err != nil {
		t.Fatal(err)
	}
	if got := hostNames(sel.Hosts); !reflect.DeepEqual(got, []string{"node3", "node4"}) {
		t.Errorf("kube_node = %v", got)
	}
}

func TestSelect_SkipNonSSH(t *testing.T) {
	inv := readTestdata(t, "kolla.ini")
	sel, err := inv.Select("compute", Options{SkipNonSSH: true})
	if err != nil {
		t.Fatal(err)
	}
	if got := hostNames(sel.Hosts); !reflect.DeepEqual(got, []string{"compute01"}) {
		t.Errorf("hosts = %v, want [compute01]", got)
	}
	want := []string{`testdata/kolla.ini:2: ansible_connection (host localhost): connection "local" is not SSH: host left out`}
	if got := warningLines(sel.Warnings); !reflect.DeepEqual(got, want) {
		t.Errorf("warnings =\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	if _, err := inv.Select("control", Options{SkipNonSSH: true}); !errors.Is(err, ErrNotSSH) {
		t.Errorf("a selection of only local hosts: error %v, want ErrNotSSH", err)
	}
	if _, err := inv.Select("compute", Options{}); !errors.Is(err, ErrNotSSH) {
		t.Errorf("without SkipNonSSH: error %v, want ErrNotSSH", err)
	}
}

func TestSelect_KeyFileIsTheHostsIdentity(t *testing.T) {
	home, err := os.UserHomeDir()
	if err != nil {
		t.Skipf("no home directory to expand ~ in: %v", err)
	}
	inv := readTestdata(t, "kolla.ini")
	sel, err := inv.Select("compute01", Options{})
	if err != nil {
		t.Fatal(err)
	}
	h := sel.Hosts[0]
	if want := []string{filepath.Join(home, ".ssh/kolla")}; !reflect.DeepEqual(h.IdentityFiles, want) {
		t.Errorf("IdentityFiles = %v, want %v", h.IdentityFiles, want)
	}
	if h.User != "kolla" || h.Address != "192.0.2.21" {
		t.Errorf("host = %+v", h)
	}
	if len(sel.Warnings) != 0 {
		t.Errorf("warnings = %v, want none: the key file is read", warningLines(sel.Warnings))
	}
}

// Settings fleet does not honour are listed once, where they are set;
// those that would weaken host key checking say so and are marked.
func TestSelect_WarnsOnceAboutIgnoredSettings(t *testing.T) {
	inv := readTestdata(t, "kubespray.ini")
	sel, err := inv.Select("all:!node1", Options{})
	if err != nil {
		t.Fatal(err)
	}
	if len(sel.Warnings) != 2 {
		t.Fatalf("warnings =\n%s\nwant two", strings.Join(warningLines(sel.Warnings), "\n"))
	}
	args, become := sel.Warnings[0], sel.Warnings[1]
	if args.Line != 30 || args.Setting != "ansible_ssh_common_args" || !args.Security ||
		!strings.Contains(args.Msg, "StrictHostKeyChecking=no and UserKnownHostsFile=/dev/null would turn host key checking off, which is never honoured") ||
		!strings.Contains(args.Msg, "passes no options to ssh") || strings.Contains(args.Msg, "bastion") {
		t.Errorf("ssh args warning = %+v", args)
	}
	if become.Line != 31 || become.Setting != "ansible_become" || become.Security || !strings.Contains(become.Msg, "ssh.sudo") {
		t.Errorf("become warning = %+v", become)
	}
}

// A template is refused at the line that sets it, once, and only for
// the hosts the selection keeps.
func TestSelect_TemplatesRefusedWhereSetForSelectedHosts(t *testing.T) {
	inv := readTestdata(t, "templated.yml")
	_, err := inv.Select("web", Options{})
	want := `testdata/templated.yml:12:23: ansible_host: Jinja2 is not evaluated: set a literal address, got "{{ inventory_hostname }}.int.example.com" (hosts web01, web02)`
	if err == nil || err.Error() != want {
		t.Errorf("Select(web) error =\n%v\nwant\n%s", err, want)
	}
	if !errors.Is(err, ErrTemplate) {
		t.Errorf("error %v is not ErrTemplate", err)
	}
	for _, pattern := range []string{"web03", "db01", "web:!~web0[12]"} {
		sel, err := inv.Select(pattern, Options{})
		if err != nil {
			t.Errorf("Select(%q): %v", pattern, err)
			continue
		}
		if pattern == "web03" && sel.Hosts[0].Address != "192.0.2.13" {
			t.Errorf("web03 address = %q", sel.Hosts[0].Address)
		}
	}
	_, err = inv.Select("db02", Options{})
	if want := `testdata/templated.yml:22:25: ansible_port (host db02): Jinja2 is not evaluated: set a literal port`; err == nil || !strings.HasPrefix(err.Error(), want) {
		t.Errorf("Select(db02) error = %v, want %s…", err, want)
	}
}

func TestSelect_VaultSettingIsWarnedNotPrinted(t *testing.T) {
	inv := readTestdata(t, "templated.yml")
	sel, err := inv.Select("db01", Options{})
	if err != nil {
		t.Fatal(err)
	}
	got := strings.Join(warningLines(sel.Warnings), "\n")
	if !strings.Contains(got, "templated.yml:17:36: ansible_become_password: not read") || strings.Contains(got, "6162") {
		t.Errorf("warnings = %s", got)
	}
}

// Parse selects nothing, so it refuses every host's problem, as the
// whole file is its selection.
func TestParse_RefusesEveryHostsProblem(t *testing.T) {
	errs := parseErrors(t, "hosts", "[a]\nweb1 ansible_connection=docker\nweb2 ansible_host='{{ x }}'\n")
	if len(errs) != 2 || errs[0].Line != 2 || errs[1].Line != 3 || errs[1].Field != "ansible_host" {
		t.Errorf("errors = %v", errs)
	}
}

// Slices count a group's hosts in Ansible's order: the group's own in
// the order they were added, then its children's.
func TestSelect_SlicesInGroupOrder(t *testing.T) {
	inv := readTestdata(t, "kubespray.ini")
	tests := map[string][]string{
		"kube_control_plane[0]":    {"node2"},
		"k8s_cluster[1:2]":         {"node3"}, // node1, second, is left out after the slice
		"etcd[-1]:kube_node[0]":    {"node3"},
		"k8s_cluster[0:1]:&etcd":   {"node2"},
		"~node[34]":                {"node3", "node4"},
		"kube_node,calico_rr:etcd": {"node3", "node4"}, // "calico_rr:etcd" is one term with a comma
	}
	for pattern, want := range tests {
		sel, err := inv.Select(pattern, Options{SkipNonSSH: true})
		if pattern == "kube_node,calico_rr:etcd" {
			if !errors.Is(err, inventory.ErrNoMatch) {
				t.Errorf("Select(%q) error = %v, want ErrNoMatch", pattern, err)
			}
			continue
		}
		if err != nil {
			t.Errorf("Select(%q): %v", pattern, err)
			continue
		}
		if got := hostNames(sel.Hosts); !reflect.DeepEqual(got, want) {
			t.Errorf("Select(%q) = %v, want %v", pattern, got, want)
		}
	}
}

func TestSelect_HostKeyCheckingOffIsNotHonoured(t *testing.T) {
	inv, err := Read("hosts", []byte("[web]\nweb1 ansible_host_key_checking=False\nweb2 ansible_ssh_extra_args='-o ForwardAgent=yes'\n"))
	if err != nil {
		t.Fatal(err)
	}
	sel, err := inv.Select("web", Options{})
	if err != nil {
		t.Fatal(err)
	}
	want := []string{
		"hosts:2: ansible_host_key_checking: ansible_host_key_checking=False would turn host key checking off: not honoured: fleet always checks host keys against known_hosts (ssh.known_hosts and ssh.host_key_check in the --app file)",
		"hosts:3: ansible_ssh_extra_args: not read: fleet passes no options to ssh; set jump hosts and other ssh settings in the --app file's ssh block, or in ssh_config",
	}
	if got := warningLines(sel.Warnings); !reflect.DeepEqual(got, want) {
		t.Errorf("warnings =\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	if !sel.Warnings[0].Security || sel.Warnings[1].Security {
		t.Errorf("Security = %v, %v; want true, false", sel.Warnings[0].Security, sel.Warnings[1].Security)
	}
}

// An inventory without hosts selects nothing, and says so, whatever the
// pattern: no connection is to blame.
func TestSelect_NoHosts(t *testing.T) {
	for file, data := range map[string]string{"empty.yml": "", "hosts.yml": "{}\n", "hosts": "[web]\n"} {
		inv, err := Read(file, []byte(data))
		if err != nil {
			t.Fatalf("Read(%q): %v", data, err)
		}
		for _, pattern := range []string{"", "all"} {
			_, err := inv.Select(pattern, Options{SkipNonSSH: true})
			if err == nil || errors.Is(err, ErrNotSSH) {
				t.Errorf("%q, limit %q: %v", data, pattern, err)
			}
		}
	}
}
