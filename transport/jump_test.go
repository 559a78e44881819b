package transport_test

import (
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/fleetdeploy/fleet/transport"
	"github.com/fleetdeploy/fleet/transport/transporttest"
	"golang.org/x/crypto/ssh"
)

// jumpPair starts a jump host and a target that both accept the jump's
// client key, and a known_hosts file that trusts both.
func jumpPair(t *testing.T) (jump, target *transporttest.Server, cfg transport.Config) {
	t.Helper()
	return jumpPairWith(t, transporttest.ServerOptions{User: "hop"})
}

// jumpPairWith is jumpPair with the jump host's options.
func jumpPairWith(t *testing.T, jumpOpts transporttest.ServerOptions) (jump, target *transporttest.Server, cfg transport.Config) {
	t.Helper()
	jump, cfg = newServer(t, jumpOpts)
	target = transporttest.NewServer(t, transporttest.ServerOptions{
		Exec:           shell,
		User:           "app",
		AuthorizedKeys: []ssh.PublicKey{jump.ClientSigner.PublicKey()},
	})
	cfg.KnownHostsFile = transporttest.WriteKnownHosts(t, jump.KnownHostsLine(), target.KnownHostsLine())
	cfg.User = "app"
	return jump, target, cfg
}

func TestDial_JumpHost(t *testing.T) {
	jump, target, cfg := jumpPair(t)
	cfg.Jump = "hop@" + jump.Addr

	c, err := transport.Dial(testContext(t), target.Addr, cfg)
	if err != nil {
		t.Fatalf("Dial via jump: %v", err)
	}
	if got := runOut(t, c, "echo through the jump"); got != "through the jump\n" {
		t.Errorf("stdout = %q", got)
	}
	if jump.Handshakes() != 1 || target.Handshakes() != 1 {
		t.Errorf("handshakes: jump %d, target %d; want 1 each", jump.Handshakes(), target.Handshakes())
	}
	if err := c.Close(); err != nil {
		t.Fatalf("Close: %v", err)
	}
	waitFor(t, "jump and target connections closed", func() bool {
		return jump.OpenConns() == 0 && target.OpenConns() == 0
	})
}

func TestDial_JumpHostFromSSHConfig(t *testing.T) {
	jump, target, cfg := jumpPair(t)
	cfg.SSHConfigFile = writeSSHConfig(t, `
Host bastion
    HostName 127.0.0.1
    Port %d
    User hop

Host app1
    HostName 127.0.0.1
    Port %d
    ProxyJump bastion
`, jump.Port(), target.Port())

	c, err := transport.Dial(testContext(t), "app1", cfg)
	if err != nil {
		t.Fatalf("Dial(app1): %v", err)
	}
	defer c.Close()
	runOut(t, c, "echo ok")
	if jump.Handshakes() != 1 {
		t.Errorf("jump handshakes = %d, want 1", jump.Handshakes())
	}

	cfg.Jump = "none" // explicit "none" beats ProxyJump: straight to the target
	direct, err := transport.Dial(testContext(t), "app1", cfg)
	if err != nil {
		t.Fatalf("Dial(app1) with Jump=none: %v", err)
	}
	defer direct.Close()
	if jump.Handshakes() != 1 {
		t.Errorf("Jump=none still used the jump host")
	}
}

func TestDial_JumpHostVerifiedToo(t *testing.T) {
	jump, target, cfg := jumpPair(t)
	cfg.Jump = "hop@" + jump.Addr
	cfg.KnownHostsFile = transporttest.WriteKnownHosts(t, target.KnownHostsLine()) // jump unknown

	_, err := transport.Dial(testContext(t), target.Addr, cfg)
	if !errors.Is(err, transport.ErrHostKeyUnknown) {
		t.Fatalf("err = %v, want ErrHostKeyUnknown for the jump host", err)
	}
	if want := fmt.Sprintf("jump host hop@%s", jump.Addr); !strings.Contains(err.Error(), want) {
		t.Errorf("error %q does not say %q", err, want)
	}
	if target.Connections() != 0 {
		t.Errorf("target saw %d connections, want 0", target.Connections())
	}
}

// waitFor polls cond for up to 10s; for state another goroutine settles.
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.NewTimer(10 * time.Second)
	defer deadline.Stop()
	tick := time.NewTicker(10 * time.Millisecond)
	defer tick.Stop()
	for !cond() {
		select {
		case <-deadline.C:
			t.Fatalf("timed out waiting for %s", what)
		case <-tick.C:
		}
	}
}
