package main

import (
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/fleetdeploy/fleet/transport"
)

func TestHostKeyHint(t *testing.T) {
	wrap := func(sentinel error) error {
		return fmt.Errorf("dial lab1: %w", &transport.HostKeyError{Err: sentinel, Host: "10.0.0.1"})
	}
	tests := []struct {
		name string
		err  error
		want string // "" means no hint
	}{
		{"unknown key", wrap(transport.ErrHostKeyUnknown), "host_key_check: accept-new"},
		{"changed key", wrap(transport.ErrHostKeyMismatch), "replace its line"},
		{"anything else", errors.New("connection refused"), ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := hostKeyHint(tt.err)
			if (tt.want == "") != (got == "") || !strings.Contains(got, tt.want) {
				t.Errorf("hint %q, want one containing %q", got, tt.want)
			}
		})
	}
}
