package scaffold

import (
	"os"
	"path/filepath"
	"slices"
	"testing"
)

func TestWithDefaults(t *testing.T) {
	o := Options{Name: "hello", HealthPath: "ready", Hosts: []string{"web1", "web2", "web1", "db1", "web2"}}.WithDefaults()
	want := Options{Name: "hello", Binary: "hello", Root: "/opt/hello", Unit: "hello.service", Port: 8080, HealthPath: "/ready",
		User: "deploy", Hosts: []string{"web1", "web2", "db1"}}
	if !slices.Equal(o.Hosts, want.Hosts) {
		t.Errorf("hosts %q, want %q", o.Hosts, want.Hosts)
	}
	o.Hosts, want.Hosts = nil, nil
	if o.Name != want.Name || o.Binary != want.Binary || o.Root != want.Root || o.Unit != want.Unit || o.Port != want.Port ||
		o.HealthPath != want.HealthPath || o.User != want.User {
		t.Errorf("WithDefaults = %+v, want %+v", o, want)
	}
	if !o.Sudo() || (Options{User: "root"}).Sudo() {
		t.Error("sudo is for every user but root")
	}
}

func TestTilde(t *testing.T) {
	for _, tt := range []struct{ p, home, want string }{
		{"/home/me/.ssh/lab", "/home/me", "~/.ssh/lab"},
		{"/home/me/.ssh/lab", "/home/me/", "~/.ssh/lab"},
		{"/home/meow/x", "/home/me", "/home/meow/x"},
		{"/etc/ssh/ssh_config", "/home/me", "/etc/ssh/ssh_config"},
		{"/x", "/", "/x"},
		{"/x", "", "/x"},
	} {
		if got := Tilde(tt.p, tt.home); got != tt.want {
			t.Errorf("Tilde(%q, %q) = %q, want %q", tt.p, tt.home, got, tt.want)
		}
	}
	t.Chdir(t.TempDir())
	wd, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	if got := Tilde("x/config", "/home/me"); got != filepath.Join(wd, "x", "config") {
		t.Errorf("a relative path: %q, want it made absolute", got)
	}
}
