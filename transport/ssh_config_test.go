package transport_test

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/fleetdeploy/fleet/transport"
	"github.com/fleetdeploy/fleet/transport/transporttest"
)

func writeSSHConfig(t *testing.T, format string, args ...any) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "ssh_config")
	if err := os.WriteFile(path, fmt.Appendf(nil, format, args...), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

func TestDial_SSHConfigAlias(t *testing.T) {
	srv, cfg := newServer(t, transporttest.ServerOptions{User: "deploy"})
	cfg.IdentityFiles = nil // from ssh_config
	cfg.SSHConfigFile = writeSSHConfig(t, `
Host web1
    HostName 127.0.0.1
    Port %d
    User deploy
    IdentityFile %s

Host *
    User nobody
`, srv.Port(), srv.ClientKeyFile)

	c, err := transport.Dial(testContext(t), "web1", cfg)
	if err != nil {
		t.Fatalf("Dial(web1): %v", err)
	}
	defer c.Close()
	runOut(t, c, "echo via alias")
	if got, want := c.String(), fmt.Sprintf("deploy@web1:%d", srv.Port()); got != want {
		t.Errorf("String() = %q, want %q", got, want)
	}
	if got := srv.Logins(); !slices.Equal(got, []string{"deploy"}) {
		t.Errorf("logins = %q, want [deploy]", got)
	}
}

func TestDial_ExplicitConfigWinsOverSSHConfig(t *testing.T) {
	srv, cfg := newServer(t, transporttest.ServerOptions{User: "deploy"})
	cfg.SSHConfigFile = writeSSHConfig(t, "Host web1\n  HostName 127.0.0.1\n  Port %d\n  User deploy\n", srv.Port())

	cfg.User = "intruder" // Config.User beats ssh_config's User: the server refuses it
	_, err := transport.Dial(testContext(t), "web1", cfg)
	if !errors.Is(err, transport.ErrAuthFailed) {
		t.Fatalf("Config.User=intruder: err = %v, want ErrAuthFailed", err)
	}
	cfg.User = ""
	c, err := transport.Dial(testContext(t), "admin@web1", cfg) // and the host string beats both
	if err == nil {
		c.Close()
		t.Fatal("admin@web1 logged in; want the inline user to be used and refused")
	}
	if got := srv.Logins(); len(got) != 0 {
		t.Errorf("logins = %q, want none", got)
	}
}

func TestDial_SSHConfigErrors(t *testing.T) {
	_, cfg := newServer(t, transporttest.ServerOptions{})
	cfg.SSHConfigFile = filepath.Join(t.TempDir(), "missing")
	if _, err := transport.Dial(testContext(t), "web1", cfg); !errors.Is(err, os.ErrNotExist) || !errors.Is(err, transport.ErrNonRetryable) {
		t.Errorf("missing explicit ssh_config: err = %v, want non-retryable not-exist", err)
	}
	cfg.SSHConfigFile = writeSSHConfig(t, "Host web1\n  Port banana\n")
	if _, err := transport.Dial(testContext(t), "web1", cfg); !errors.Is(err, transport.ErrNonRetryable) {
		t.Errorf("bad Port: err = %v, want ErrNonRetryable", err)
	}
}
