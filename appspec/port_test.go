package appspec

import "testing"

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
