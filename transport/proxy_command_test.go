//go:build unix

package transport_test

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/fleetdeploy/fleet/transport"
	"github.com/fleetdeploy/fleet/transport/transporttest"
)

// helperProxy returns a ProxyCommand running this test binary in mode
// (see proxy_helper_test.go) towards addr, with args after it, and the
// file where each run records its pid and arguments.
func helperProxy(t *testing.T, mode, addr string, args ...string) (command, record string) {
	t.Helper()
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	record = filepath.Join(t.TempDir(), "proxy-runs")
	words := append([]string{transport.Quote(exe), proxyHelperArg, mode, transport.Quote(record), addr}, args...)
	return strings.Join(words, " "), record
}

// proxyRuns reads what the helper recorded; none if it never ran.
func proxyRuns(t *testing.T, record string) []proxyRun {
	t.Helper()
	f, err := os.Open(record)
	if errors.Is(err, os.ErrNotExist) {
		return nil
	}
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var runs []proxyRun
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		var r proxyRun
		if err := json.Unmarshal(sc.Bytes(), &r); err != nil {
			t.Fatalf("%s: %v", record, err)
		}
		runs = append(runs, r)
	}
	return runs
}

// assertReaped fails unless every recorded proxy process is gone: not
// running, and not a zombie either (a zombie still takes signal 0).
func assertReaped(t *testing.T, runs []proxyRun) {
	t.Helper()
	for _, r := range runs {
		p, err := os.FindProcess(r.Pid)
		if err != nil {
			continue
		}
		if err := p.Signal(syscall.Signal(0)); !errors.Is(err, os.ErrProcessDone) && !errors.Is(err, syscall.ESRCH) {
			t.Errorf("proxy command pid %d still exists (signal 0: %v): not killed or not reaped", r.Pid, err)
		}
	}
}

// TestDial_ProxyCommand: the SSH connection runs over the command's stdin
// and stdout; %h is HostName (here a name that cannot resolve, so a direct
// dial could not have worked), %n the alias, %p the port, %r the user.
// The dial's ctx ending does not end the connection; Close ends the
// command and reaps it.
func TestDial_ProxyCommand(t *testing.T) {
	srv, cfg := newServer(t, transporttest.ServerOptions{User: "deploy"})
	const backend = "backend.invalid"
	cfg.KnownHostsFile = transporttest.WriteKnownHosts(t,
		transporttest.KnownHostsLine(fmt.Sprintf("%s:%d", backend, srv.Port()), srv.HostKeys()[0]))
	proxy, record := helperProxy(t, "pipe", srv.Addr, "%h", "%p", "%r", "%n", "100%%")
	cfg.SSHConfigFile = writeSSHConfig(t, "Host app1\n  HostName %s\n  Port %d\n  User deploy\n  ProxyCommand %s\n",
		backend, srv.Port(), proxy)

	ctx, cancel := context.WithCancel(testContext(t))
	c, err := transport.Dial(ctx, "app1", cfg)
	cancel()
	if err != nil {
		t.Fatalf("Dial(app1): %v", err)
	}
	if got := runOut(t, c, "echo through the proxy"); got != "through the proxy\n" {
		t.Errorf("stdout = %q", got)
	}
	runs := proxyRuns(t, record)
	if len(runs) != 1 {
		t.Fatalf("proxy ran %d times, want 1", len(runs))
	}
	if want := []string{backend, strconv.Itoa(srv.Port()), "deploy", "app1", "100%"}; !slices.Equal(runs[0].Args, want) {
		t.Errorf("proxy args = %q, want %q", runs[0].Args, want)
	}
	if srv.Handshakes() != 1 {
		t.Errorf("handshakes = %d, want 1", srv.Handshakes())
	}
	if err := c.Close(); err != nil {
		t.Fatalf("Close: %v", err)
	}
	assertReaped(t, runs)
	waitFor(t, "the server to see the connection close", func() bool { return srv.OpenConns() == 0 })
}

// TestDial_ProxyCommandFailure: a command that exits 1 is in the error
// with its status and the end of its stderr (bounded), and is retried like
// a refused connection: a bounded number of times, not forever.
func TestDial_ProxyCommandFailure(t *testing.T) {
	_, cfg := newServer(t, transporttest.ServerOptions{})
	proxy, record := helperProxy(t, "fail", "-")
	cfg.SSHConfigFile = writeSSHConfig(t, "Host app1\n  HostName 127.0.0.1\n  ProxyCommand %s\n", proxy)

	d := &transport.Dialer{Attempts: 3, Backoff: time.Millisecond}
	_, err := d.Dial(testContext(t), "app1", cfg)
	var pErr *transport.ProxyCommandError
	if !errors.As(err, &pErr) {
		t.Fatalf("err = %v, want a *ProxyCommandError", err)
	}
	if pErr.ExitCode != 1 || !strings.HasSuffix(pErr.Stderr, helperFailLine+"\n") || len(pErr.Stderr) > 4096 {
		t.Errorf("exit %d, stderr %d bytes ending %q; want exit 1 and the last 4 KiB ending in %q",
			pErr.ExitCode, len(pErr.Stderr), pErr.Stderr[max(0, len(pErr.Stderr)-40):], helperFailLine)
	}
	for _, want := range []string{"exited with status 1", helperFailLine, "3 attempts"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q does not say %q", err, want)
		}
	}
	if errors.Is(err, transport.ErrNonRetryable) {
		t.Errorf("err = %v is non-retryable; a proxy failing may be transient", err)
	}
	runs := proxyRuns(t, record)
	if len(runs) != 3 {
		t.Errorf("proxy ran %d times, want 3 (Attempts)", len(runs))
	}
	assertReaped(t, runs)
}

// TestDial_ProxyCommandNotFound: a command the shell cannot find is a
// configuration error, tried once.
func TestDial_ProxyCommandNotFound(t *testing.T) {
	_, cfg := newServer(t, transporttest.ServerOptions{})
	cfg.SSHConfigFile = writeSSHConfig(t, "Host app1\n  HostName 127.0.0.1\n  ProxyCommand /nonexistent/fleet-proxy %%h %%p\n")
	_, err := transport.Dial(testContext(t), "app1", cfg)
	var pErr *transport.ProxyCommandError
	if !errors.As(err, &pErr) || pErr.ExitCode != 127 || !errors.Is(err, transport.ErrNonRetryable) {
		t.Fatalf("err = %v, want a non-retryable *ProxyCommandError with exit status 127", err)
	}
	if !strings.Contains(err.Error(), "/nonexistent/fleet-proxy") {
		t.Errorf("error %q does not show the shell's complaint", err)
	}

	proxy, record := helperProxy(t, "notfound", "-")
	cfg.SSHConfigFile = writeSSHConfig(t, "Host app1\n  HostName 127.0.0.1\n  ProxyCommand %s\n", proxy)
	d := &transport.Dialer{Attempts: 3, Backoff: time.Millisecond}
	if _, err := d.Dial(testContext(t), "app1", cfg); !errors.Is(err, transport.ErrNonRetryable) {
		t.Fatalf("exit 127: err = %v, want ErrNonRetryable", err)
	}
	if runs := proxyRuns(t, record); len(runs) != 1 {
		t.Errorf("proxy ran %d times, want 1", len(runs))
	}
}

// TestDial_ProxyCommandTimeout: a proxy that never connects is bounded by
// the connect timeout, then killed (it ignores EOF and SIGHUP) and reaped
// before Dial returns; what it said is in the error.
func TestDial_ProxyCommandTimeout(t *testing.T) {
	_, cfg := newServer(t, transporttest.ServerOptions{})
	proxy, record := helperProxy(t, "hang", "-")
	cfg.SSHConfigFile = writeSSHConfig(t, "Host app1\n  HostName 127.0.0.1\n  ProxyCommand %s\n", proxy)
	cfg.ConnectTimeout = 300 * time.Millisecond

	start := time.Now()
	_, err := transport.Dial(testContext(t), "app1", cfg)
	if !errors.Is(err, context.DeadlineExceeded) || !strings.Contains(err.Error(), "connect timeout") {
		t.Fatalf("err = %v, want a connect timeout", err)
	}
	if elapsed := time.Since(start); elapsed > 5*time.Second {
		t.Errorf("Dial took %s", elapsed)
	}
	var pErr *transport.ProxyCommandError
	if !errors.As(err, &pErr) || pErr.ExitCode != -1 || !strings.Contains(err.Error(), helperHangLine) {
		t.Errorf("err = %v, want a *ProxyCommandError (exit -1) with the proxy's stderr", err)
	}
	runs := proxyRuns(t, record)
	if len(runs) != 1 {
		t.Fatalf("proxy ran %d times, want 1", len(runs))
	}
	assertReaped(t, runs)
}

// TestDial_ProxyCommandOrJump: ProxyJump and ProxyCommand resolve as in
// OpenSSH: the first of the two read wins, "none" of either turns both
// off, and Config.Jump (ssh -J) beats ssh_config.
func TestDial_ProxyCommandOrJump(t *testing.T) {
	jump, target, cfg := jumpPair(t)
	const hosts = "Host bastion\n  HostName 127.0.0.1\n  Port %[1]d\n  User hop\n\n" +
		"Host app1\n  HostName 127.0.0.1\n  Port %[2]d\n"
	tests := []struct {
		name     string
		config   string // after app1's HostName and Port; %[3]s is the proxy command
		jump     string // Config.Jump
		viaProxy bool
		viaJump  bool
	}{
		{"ProxyCommand first", "  ProxyCommand %[3]s\n  ProxyJump bastion\n", "", true, false},
		{"ProxyJump first", "  ProxyJump bastion\n  ProxyCommand %[3]s\n", "", false, true},
		// "!bastion": a jump host takes its own ProxyCommand from Host *.
		{"first Host block first", "  ProxyJump bastion\nHost * !bastion\n  ProxyCommand %[3]s\n", "", false, true},
		{"ProxyCommand none", "  ProxyCommand none\nHost *\n  ProxyCommand %[3]s\n  ProxyJump bastion\n", "", false, false},
		{"ProxyJump none", "  ProxyJump NONE\nHost *\n  ProxyCommand %[3]s\n", "", false, false},
		{"Config.Jump beats ProxyCommand", "  ProxyCommand %[3]s\n", "hop@" + jump.Addr, false, true},
		{"Config.Jump none turns it off", "  ProxyCommand %[3]s\n", "none", false, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			proxy, record := helperProxy(t, "pipe", target.Addr)
			cfg := cfg
			cfg.Jump = tt.jump
			cfg.SSHConfigFile = writeSSHConfig(t, hosts+tt.config, jump.Port(), target.Port(), proxy)
			jumpsBefore := jump.Handshakes()

			c, err := transport.Dial(testContext(t), "app1", cfg)
			if err != nil {
				t.Fatalf("Dial(app1): %v", err)
			}
			runOut(t, c, "echo ok")
			_ = c.Close()
			if got := len(proxyRuns(t, record)) > 0; got != tt.viaProxy {
				t.Errorf("went through the ProxyCommand: %v, want %v", got, tt.viaProxy)
			}
			if got := jump.Handshakes() > jumpsBefore; got != tt.viaJump {
				t.Errorf("went through the jump host: %v, want %v", got, tt.viaJump)
			}
		})
	}
}

// TestDial_ProxyCommandToJumpHost: the first jump host is reached through
// its own ProxyCommand, as ssh does (a bastion behind AWS SSM).
func TestDial_ProxyCommandToJumpHost(t *testing.T) {
	jump, target, cfg := jumpPair(t)
	proxy, record := helperProxy(t, "pipe", jump.Addr, "%h", "%n", "%r")
	cfg.SSHConfigFile = writeSSHConfig(t, `
Host bastion
    HostName 127.0.0.1
    Port %d
    User hop
    ProxyCommand %s

Host app1
    HostName 127.0.0.1
    Port %d
    ProxyJump bastion
`, jump.Port(), proxy, target.Port())

	c, err := transport.Dial(testContext(t), "app1", cfg)
	if err != nil {
		t.Fatalf("Dial(app1): %v", err)
	}
	runOut(t, c, "echo ok")
	runs := proxyRuns(t, record)
	if len(runs) != 1 || !slices.Equal(runs[0].Args, []string{"127.0.0.1", "bastion", "hop"}) {
		t.Fatalf("proxy runs = %+v, want one with args [127.0.0.1 bastion hop]", runs)
	}
	if jump.Handshakes() != 1 || target.Handshakes() != 1 {
		t.Errorf("handshakes: jump %d, target %d; want 1 each", jump.Handshakes(), target.Handshakes())
	}
	_ = c.Close()
	assertReaped(t, runs)
}

// TestDial_ProxyCommandRunsUserShell: the command is run as ssh runs it,
// `$SHELL -c "exec COMMAND"`, with /bin/sh when SHELL is unset.
func TestDial_ProxyCommandRunsUserShell(t *testing.T) {
	srv, cfg := newServer(t, transporttest.ServerOptions{})
	proxy, _ := helperProxy(t, "pipe", srv.Addr, "%h:%p")
	cfg.SSHConfigFile = writeSSHConfig(t, "Host app1\n  HostName 127.0.0.1\n  Port %d\n  ProxyCommand %s\n", srv.Port(), proxy)

	t.Setenv("SHELL", "")
	c, err := transport.Dial(testContext(t), "app1", cfg)
	if err != nil {
		t.Fatalf("Dial with SHELL unset: %v", err)
	}
	_ = c.Close()

	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	shellRecord := filepath.Join(t.TempDir(), "shell-runs")
	t.Setenv("SHELL", exe)
	t.Setenv(fakeShellEnv, shellRecord)
	_, err = transport.Dial(testContext(t), "app1", cfg)
	var pErr *transport.ProxyCommandError
	if !errors.As(err, &pErr) || !strings.Contains(pErr.Stderr, "fake shell ran") {
		t.Fatalf("err = %v, want the fake $SHELL's failure", err)
	}
	runs := proxyRuns(t, shellRecord)
	want := []string{"-c", "exec " + strings.ReplaceAll(proxy, "%h:%p", "127.0.0.1:"+strconv.Itoa(srv.Port()))}
	if len(runs) != 1 || !slices.Equal(runs[0].Args, want) {
		t.Errorf("$SHELL ran with %+v, want args %q", runs, want)
	}
}

// TestDial_ProxyCommandConfigErrors: a token ssh does not know, or a host
// name the shell would interpret, is refused before anything runs.
func TestDial_ProxyCommandConfigErrors(t *testing.T) {
	srv, cfg := newServer(t, transporttest.ServerOptions{})
	for name, config := range map[string]string{
		"unknown token":      "Host app1\n  HostName 127.0.0.1\n  ProxyCommand %s %%d\n",
		"shell in host name": "Host app1\n  HostName 127.0.0.1;touch${IFS}pwned\n  ProxyCommand %s %%h\n",
	} {
		t.Run(name, func(t *testing.T) {
			proxy, record := helperProxy(t, "pipe", srv.Addr)
			cfg.SSHConfigFile = writeSSHConfig(t, config, proxy)
			_, err := transport.Dial(testContext(t), "app1", cfg)
			if !errors.Is(err, transport.ErrNonRetryable) {
				t.Errorf("err = %v, want ErrNonRetryable", err)
			}
			if runs := proxyRuns(t, record); len(runs) != 0 {
				t.Errorf("proxy ran %d times, want 0", len(runs))
			}
		})
	}
	if srv.Connections() != 0 {
		t.Errorf("connections = %d, want 0", srv.Connections())
	}
}

// TestDial_ProxyCommandNotRunWithoutKnownHosts: strict mode's missing
// known_hosts is found before the proxy command is started.
func TestDial_ProxyCommandNotRunWithoutKnownHosts(t *testing.T) {
	srv, cfg := newServer(t, transporttest.ServerOptions{})
	proxy, record := helperProxy(t, "pipe", srv.Addr)
	cfg.SSHConfigFile = writeSSHConfig(t, "Host app1\n  HostName 127.0.0.1\n  ProxyCommand %s\n", proxy)
	cfg.KnownHostsFile = filepath.Join(t.TempDir(), "missing")
	var khErr *transport.KnownHostsError
	if _, err := transport.Dial(testContext(t), "app1", cfg); !errors.As(err, &khErr) {
		t.Fatalf("err = %v, want a *KnownHostsError", err)
	}
	if runs := proxyRuns(t, record); len(runs) != 0 {
		t.Errorf("proxy ran %d times, want 0", len(runs))
	}
}

// TestDialer_LimitsDialsThroughOneProxyCommand: hosts reached through one
// ProxyCommand (as written) usually share one bastion, so they share the
// jump host limit that keeps its sshd below MaxStartups.
func TestDialer_LimitsDialsThroughOneProxyCommand(t *testing.T) {
	srv, cfg := newServer(t, transporttest.ServerOptions{HandshakeDelay: 100 * time.Millisecond})
	proxy, record := helperProxy(t, "pipe", srv.Addr)
	cfg.SSHConfigFile = writeSSHConfig(t, "Host app*\n  HostName 127.0.0.1\n  Port %d\n  ProxyCommand %s\n", srv.Port(), proxy)
	d := &transport.Dialer{Limit: 20, JumpLimit: 3}
	var wg sync.WaitGroup
	for i := range 12 {
		wg.Go(func() {
			c, err := d.Dial(testContext(t), fmt.Sprintf("app%d", i), cfg)
			if err != nil {
				t.Error(err)
				return
			}
			_ = c.Close()
		})
	}
	wg.Wait()
	if got := srv.MaxConcurrentHandshakes(); got > 3 || got < 2 {
		t.Errorf("at most %d handshakes at once through the proxy command, want 2..3", got)
	}
	assertReaped(t, proxyRuns(t, record))
}
