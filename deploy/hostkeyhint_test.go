package deploy

import (
	"errors"
	"fmt"
	"io/fs"
	"strings"
	"testing"

	"github.com/fleetdeploy/fleet/transport"
)

func TestHostKeyHint(t *testing.T) {
	wrap := func(sentinel error) error {
		return fmt.Errorf("dial lab1: %w", &transport.HostKeyError{Err: sentinel, Host: "10.0.0.1"})
	}
	missing := func(host string, port int) error {
		pathErr := &fs.PathError{Op: "stat", Path: "/home/me/.ssh/known_hosts", Err: fs.ErrNotExist}
		return fmt.Errorf("dial lab1: %w", &transport.KnownHostsError{File: "/home/me/.ssh/known_hosts", Host: host, Port: port, Err: pathErr})
	}
	unreadable := fmt.Errorf("dial lab1: %w", &transport.KnownHostsError{File: "/etc/fleet/known_hosts", Host: "10.0.0.1", Port: 22, Err: fs.ErrPermission})
	tests := []struct {
		name string
		err  error
		want string // "" means no hint
	}{
		{"unknown key", wrap(transport.ErrHostKeyUnknown), "host_key_check: accept-new"},
		{"changed key", wrap(transport.ErrHostKeyMismatch), "replace its line"},
		{"missing known_hosts", missing("10.0.0.1", 22), "ssh-keyscan -H 10.0.0.1 >> /home/me/.ssh/known_hosts;"},
		{"missing known_hosts, other port", missing("10.0.0.1", 2222), "ssh-keyscan -H -p 2222 10.0.0.1 >> /home/me/.ssh/known_hosts;"},
		{"missing known_hosts names the setting", missing("web1", 22), "set ssh.known_hosts to the file that has them"},
		{"unreadable known_hosts", unreadable, ""},
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

// A known_hosts path with a space is one shell word in the suggested
// command, so that it can be pasted as it is.
func TestHostKeyHint_QuotesPaths(t *testing.T) {
	err := &transport.KnownHostsError{File: "/home/me/my hosts", Host: "10.0.0.1", Port: 22, Err: fs.ErrNotExist}
	if got, want := hostKeyHint(err), ">> '/home/me/my hosts';"; !strings.Contains(got, want) {
		t.Errorf("hint %q, want it to contain %q", got, want)
	}
}
