package deploy

import (
	"context"
	"errors"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/fleetdeploy/fleet/agent"
	"github.com/fleetdeploy/fleet/inventory"
	"github.com/fleetdeploy/fleet/transport"
	"github.com/fleetdeploy/fleet/transport/transporttest"
)

// healthy is what a host that needs nothing says.
func healthy() agent.HostCheck {
	return agent.HostCheck{User: "root",
		Root:   agent.RootCheck{Path: "/opt/hello", Exists: true, Dir: true, Mode: 0o755, Free: 1 << 30, Need: 20 << 20},
		Units:  []agent.UnitCheck{{Name: "hello.service", LoadState: "loaded", ExecStart: "/opt/hello/current/hello", Want: "/opt/hello/current/hello", Resolves: true}},
		Consul: &agent.ConsulCheck{Address: "127.0.0.1:8500"}}
}

// Each fact wrong on its own gives exactly one line of its kind, naming
// what is wrong and the fix.
func TestJudge_OneLinePerProblem(t *testing.T) {
	h := inventory.Host{Name: "web1"}
	cases := []struct {
		name   string
		break_ func(*agent.HostCheck)
		skew   time.Duration
		kind   CheckKind
		what   string
		fix    string
	}{
		{"unit elsewhere", func(f *agent.HostCheck) {
			f.Units[0].Resolves, f.Units[0].ExecStart = false, "/usr/local/bin/hello"
			f.Units[0].DropIns = []string{"/etc/systemd/system/hello.service.d/x.conf"}
		}, 0, CheckUnit, `runs "/usr/local/bin/hello", not /opt/hello/current/hello (from drop-ins /etc/systemd/system/hello.service.d/x.conf)`, "daemon-reload"},
		{"unit missing", func(f *agent.HostCheck) { f.Units[0].LoadState = "not-found" }, 0, CheckUnit, "does not exist", "ExecStart=/opt/hello/current/hello"},
		{"unit masked", func(f *agent.HostCheck) { f.Units[0].LoadState = "masked" }, 0, CheckUnit, "masked", "systemctl unmask hello.service"},
		{"root owner", func(f *agent.HostCheck) { f.Root.UID = 1000 }, 0, CheckRoot, "uid 1000", "chown root:root /opt/hello"},
		{"root mode", func(f *agent.HostCheck) { f.Root.Mode = 0o777 }, 0, CheckRoot, "mode 0777", "chmod 0755"},
		{"root a file", func(f *agent.HostCheck) { f.Root.Dir = false }, 0, CheckRoot, "not a directory", "app.root"},
		{"space", func(f *agent.HostCheck) { f.Root.Free = 5 << 20 }, 0, CheckSpace, "5 MiB free for /opt/hello, a release needs 20 MiB", "free space"},
		{"consul", func(f *agent.HostCheck) { f.Consul.Error = "connection refused" }, 0, CheckConsul, "connection refused", "systemctl start consul"},
		{"not root", func(f *agent.HostCheck) { f.User = "deploy" }, 0, CheckSudo, "runs as deploy", "ssh.sudo: true"},
		{"clock behind", func(*agent.HostCheck) {}, -10 * time.Second, CheckClock, "10s behind", "timedatectl"},
		{"clock ahead", func(*agent.HostCheck) {}, 4 * time.Second, CheckClock, "4s ahead of", "sync"},
	}
	if ps := judge(h, healthy(), clockTolerance, false); len(ps) != 0 {
		t.Fatalf("healthy host: %v", ps)
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			f := healthy()
			c.break_(&f)
			ps := judge(h, f, c.skew, false)
			if len(ps) != 1 || ps[0].Check != c.kind || !strings.Contains(ps[0].What, c.what) || !strings.Contains(ps[0].Fix, c.fix) {
				t.Fatalf("got %v, want one %s line with %q and fix %q", ps, c.kind, c.what, c.fix)
			}
		})
	}
}

func TestSkew_OutsideTheRoundTripOnly(t *testing.T) {
	t0 := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	t1 := t0.Add(2 * time.Second)
	for _, c := range []struct {
		host time.Time
		want time.Duration
	}{{t0.Add(time.Second), 0}, {t0.Add(-5 * time.Second), -5 * time.Second}, {t1.Add(7 * time.Second), 7 * time.Second}} {
		if got := skew(c.host, t0, t1); got != c.want {
			t.Errorf("skew(%v) = %v, want %v", c.host, got, c.want)
		}
	}
}

// sudo's own answer becomes the problem, and the fix is the documented
// rule for that user and home.
func TestSudoProblem_QuotesSudoAndNamesTheRule(t *testing.T) {
	conn := transporttest.NewConn("web1").On(transporttest.HasPrefix("printf '%s\\n%s\\n'"),
		func(_ context.Context, _ string, _ io.Reader, stdout, _ io.Writer) error {
			_, _ = io.WriteString(stdout, "deploy\n/home/deploy\n")
			return &transport.ExitError{Code: 1, Stderr: "sudo: a password is required\n"}
		})
	p, refused := sudoProblem(context.Background(), conn, remoteAgent{path: ".fleet/bin/fleet-abc"})
	if !refused || p.Check != CheckSudo || !strings.Contains(p.What, "sudo: a password is required") ||
		p.Fix != "install the one rule fleet needs as /etc/sudoers.d/fleet (mode 0440): deploy ALL=(root) NOPASSWD: /home/deploy/.fleet/bin/fleet-* agent serve" {
		t.Errorf("got %+v (refused %v)", p, refused)
	}
}

func TestDialProblem_Kinds(t *testing.T) {
	h := inventory.Host{Name: "web1", SSH: inventory.SSH{User: "deploy"}}
	unknown := &transport.HostKeyError{Err: transport.ErrHostKeyUnknown, Host: "[10.0.0.5]:2222", Fingerprint: "SHA256:x", KnownHosts: "/k"}
	for _, c := range []struct {
		err  error
		kind CheckKind
		fix  string
	}{
		{unknown, CheckHostKey, "ssh-keyscan -H -p 2222 10.0.0.5 >> /k"},
		{&transport.HostKeyError{Err: transport.ErrHostKeyMismatch}, CheckHostKey, "someone may be in the middle"},
		{errors.Join(transport.ErrAuthFailed), CheckSSH, "~deploy/.ssh/authorized_keys"},
		{errors.New("connection refused"), CheckSSH, "sshd runs"},
	} {
		if p := dialProblem(h, c.err); p.Check != c.kind || !strings.Contains(p.Fix, c.fix) {
			t.Errorf("%v: got %+v, want %s with %q", c.err, p, c.kind, c.fix)
		}
	}
}
