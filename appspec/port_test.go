package appspec

import (
	"slices"
	"testing"
)

func TestWithPort(t *testing.T) {
	if got := WithPort("http://127.0.0.1:{port}/healthz?p={port}", 8081); got != "http://127.0.0.1:8081/healthz?p=8081" {
		t.Errorf("WithPort = %q", got)
	}
	if got := WithPort("127.0.0.1:8080", 1); got != "127.0.0.1:8080" {
		t.Errorf("WithPort without the placeholder = %q", got)
	}
	if !UsesPort("h:{port}") || UsesPort("h:80") || UsesPort("{por}") {
		t.Error("UsesPort is wrong")
	}
	for p, ok := range map[int]bool{1: true, 8080: true, 65535: true, 0: false, -1: false, 65536: false} {
		if err := Port(p); (err == nil) != ok {
			t.Errorf("Port(%d) = %v", p, err)
		}
	}
}

func TestHealth_ForPort(t *testing.T) {
	h := Health{Checks: []Check{
		{HTTP: &HTTPCheck{URL: "http://127.0.0.1:{port}/healthz", Status: 200}},
		{TCP: &TCPCheck{Address: "127.0.0.1:{port}"}},
		{Command: &CommandCheck{Argv: []string{"/bin/true", "{port}"}}},
		{Systemd: &SystemdCheck{Unit: "hello.service"}},
	}}
	got := h.ForPort(8081)
	if got.Checks[0].HTTP.URL != "http://127.0.0.1:8081/healthz" || got.Checks[0].HTTP.Status != 200 {
		t.Errorf("http = %+v", got.Checks[0].HTTP)
	}
	if got.Checks[1].TCP.Address != "127.0.0.1:8081" {
		t.Errorf("tcp = %+v", got.Checks[1].TCP)
	}
	// Only URLs and addresses are templated: argv is passed as written.
	if !slices.Equal(got.Checks[2].Command.Argv, []string{"/bin/true", "{port}"}) {
		t.Errorf("command = %+v", got.Checks[2].Command)
	}
	// The result shares nothing with h.
	got.Checks[2].Command.Argv[0] = "changed"
	got.Checks[3].Systemd.Unit = "changed"
	if h.Checks[0].HTTP.URL != "http://127.0.0.1:{port}/healthz" || h.Checks[1].TCP.Address != "127.0.0.1:{port}" ||
		h.Checks[2].Command.Argv[0] != "/bin/true" || h.Checks[3].Systemd.Unit != "hello.service" {
		t.Errorf("ForPort changed or shares its receiver: %+v", h.Checks)
	}
	if !h.UsesPort() || (Health{Checks: h.Checks[2:]}).UsesPort() {
		t.Errorf("UsesPort: want true with the http and tcp checks, false without")
	}
}
