package inventory

import (
	"errors"
	"reflect"
	"strings"
	"testing"
)

const settingsYAML = `app:
  name: hello
  units: [hello.service]
  health:
    checks:
      - http: {url: "http://127.0.0.1:8080/healthz"}
ssh:
  user: deploy
  port: 2200
  identity_files: [/etc/fleet/key]
  known_hosts: /etc/fleet/known_hosts
strategy:
  max_unavailable: 25%
  confirm_above: "3"
`

func TestParseSettings_NoGroups(t *testing.T) {
	inv, err := ParseSettings("app.yaml", []byte(settingsYAML))
	if err != nil {
		t.Fatalf("ParseSettings: %v", err)
	}
	if len(inv.Hosts) != 0 || inv.App.Name != "hello" || inv.SSH.User != "deploy" ||
		inv.Strategy.MaxUnavailable != "25%" || inv.Strategy.ConfirmAbove != "3" {
		t.Errorf("settings %+v", inv)
	}
}

func TestParseSettings_RefusesGroups(t *testing.T) {
	_, err := ParseSettings("app.yaml", []byte(settingsYAML+"groups:\n  - {name: web, hosts: [web1]}\n"))
	var fe *FieldError
	if !errors.As(err, &fe) || fe.Field != "groups" || fe.Line != 16 || !strings.Contains(fe.Msg, "another source") {
		t.Fatalf("err = %v, want a groups error at line 16", err)
	}
}

func TestAddHosts(t *testing.T) {
	inv, err := ParseSettings("app.yaml", []byte(settingsYAML))
	if err != nil {
		t.Fatal(err)
	}
	err = inv.AddHosts([]ExternalHost{
		{Name: "web1", Address: "10.0.0.1", Group: "web", Labels: map[string]string{"zone": "a"}, Line: 3, Origin: "hosts.ini:3"},
		{Name: "web2", Group: "web", User: "ops", Port: 22, Origin: "hosts.ini:4"},
	})
	if err != nil {
		t.Fatalf("AddHosts: %v", err)
	}
	base := inv.SSH
	ops := base
	ops.User, ops.Port = "ops", 22
	want := []Host{
		{Name: "web1", Address: "10.0.0.1", Group: "web", Labels: map[string]string{"zone": "a"}, SSH: base, Line: 3},
		{Name: "web2", Address: "web2", Group: "web", Labels: map[string]string{}, SSH: ops},
	}
	if !reflect.DeepEqual(inv.Hosts, want) {
		t.Errorf("hosts\n got %+v\nwant %+v", inv.Hosts, want)
	}
	if !reflect.DeepEqual(inv.Groups, []string{"web"}) {
		t.Errorf("groups %v", inv.Groups)
	}
	if hs, err := inv.Select("web2", ""); err != nil || len(hs) != 1 || hs[0].SSH.User != "ops" {
		t.Errorf("Select = %+v, %v", hs, err)
	}
}

func TestAddHosts_RefusesAllOrNothing(t *testing.T) {
	inv, err := ParseSettings("app.yaml", []byte(settingsYAML))
	if err != nil {
		t.Fatal(err)
	}
	err = inv.AddHosts([]ExternalHost{
		{Name: "ok1", Origin: "a:1"},
		{Name: "bad name", Origin: "a:2"},
		{Name: "h3", Address: "10.0.0.3:22", Origin: "a:3"},
		{Name: "h4", Port: 70000, Origin: "a:4"},
		{Name: "h5", Labels: map[string]string{"k": "a b"}, Origin: "a:5"},
		{Name: "ok1", Origin: "a:6"},
	})
	if err == nil {
		t.Fatal("AddHosts accepted bad hosts")
	}
	for _, want := range []string{"a:2: host bad name: name", "a:3: host h3: address", "a:4: host h4: ssh port",
		"a:5: host h5: label k value", "a:6: host ok1: duplicate host name (first at a:1)"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error does not say %q:\n%v", want, err)
		}
	}
	if len(inv.Hosts) != 0 {
		t.Errorf("hosts added despite errors: %v", inv.Hosts)
	}
}

func TestAddHosts_SlotsFollowTheApp(t *testing.T) {
	yaml := strings.Replace(settingsYAML, "  units: [hello.service]\n",
		"  slots: {unit: hello@.service, instances: [{name: blue, port: 8081}, {name: green, port: 8082}]}\n", 1)
	inv, err := ParseSettings("app.yaml", []byte(yaml))
	if err != nil {
		t.Fatal(err)
	}
	if err := inv.AddHosts([]ExternalHost{{Name: "web1", Origin: "x"}}); err != nil {
		t.Fatal(err)
	}
	if !inv.Hosts[0].Slots {
		t.Error("host does not run the app's slots")
	}
}

// TestAddHosts_IdentityFiles: a host's own key files replace the
// settings' for that host only, and the hosts share no slice.
func TestAddHosts_IdentityFiles(t *testing.T) {
	inv, err := ParseSettings("app.yaml", []byte(settingsYAML))
	if err != nil {
		t.Fatal(err)
	}
	own := []string{"/home/ops/.ssh/db_ed25519"}
	err = inv.AddHosts([]ExternalHost{
		{Name: "db1", IdentityFiles: own, Origin: "hosts.ini:9"},
		{Name: "web1", Origin: "hosts.ini:3"},
	})
	if err != nil {
		t.Fatalf("AddHosts: %v", err)
	}
	if got := inv.Hosts[0].SSH.IdentityFiles; !reflect.DeepEqual(got, own) {
		t.Errorf("db1 identity files %v, want %v", got, own)
	}
	if got := inv.Hosts[1].SSH.IdentityFiles; !reflect.DeepEqual(got, []string{"/etc/fleet/key"}) {
		t.Errorf("web1 identity files %v, want the settings'", got)
	}
	own[0] = "changed"
	if inv.Hosts[0].SSH.IdentityFiles[0] == "changed" {
		t.Error("the host shares the caller's slice")
	}
}
