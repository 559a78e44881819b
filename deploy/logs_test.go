package deploy_test

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/fleetdeploy/fleet/deploy"
	"github.com/fleetdeploy/fleet/hostsim"
	"github.com/fleetdeploy/fleet/transport"
)

// lineStream collects LogLines from Logs running in the background.
type lineStream struct {
	lines chan deploy.LogLine
	seen  []deploy.LogLine // received, not yet taken by next
	done  chan error
}

func startLogs(ctx context.Context, o deploy.Options, lo deploy.LogsOptions) *lineStream {
	s := &lineStream{lines: make(chan deploy.LogLine, 100), done: make(chan error, 1)}
	lo.Line = func(l deploy.LogLine) { s.lines <- l }
	go func() { s.done <- deploy.Logs(ctx, o, lo) }()
	return s
}

// next waits for the next line that pred accepts.
func (s *lineStream) next(t *testing.T, what string, pred func(deploy.LogLine) bool) deploy.LogLine {
	t.Helper()
	deadline := time.After(10 * time.Second)
	for {
		for i, l := range s.seen {
			if pred(l) {
				s.seen = append(s.seen[:i], s.seen[i+1:]...)
				return l
			}
		}
		select {
		case l := <-s.lines:
			s.seen = append(s.seen, l)
		case <-deadline:
			t.Fatalf("no line: %s", what)
		}
	}
}

func message(host, msg string) func(deploy.LogLine) bool {
	return func(l deploy.LogLine) bool { return l.Host == host && l.Err == nil && l.Entry.Message == msg }
}

// fleet logs -f: every host's backlog (its last lines), then each new
// line as its host logs it, through each host's own session, with no
// lock taken and nothing journalled; Ctrl-C (ctx) ends it with no error.
func TestLogs_FollowsEveryHostWithoutLock(t *testing.T) {
	f := hostsim.New(t, 2, hostsim.Options{})
	o := simOptions(t, f, "", &events{})
	for _, h := range f.Hosts() {
		h.Journal().Log("hello.service", "old "+h.Name(), "recent "+h.Name())
	}
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	s := startLogs(ctx, o, deploy.LogsOptions{Lines: 1, Follow: true})
	for _, h := range f.Hosts() {
		l := s.next(t, "backlog of "+h.Name(), message(h.Name(), "recent "+h.Name()))
		if l.Entry.Unit != "hello.service" {
			t.Errorf("%s: unit %q", h.Name(), l.Entry.Unit)
		}
	}
	for _, h := range f.Hosts() {
		h.Journal().Log("hello.service", "GET /marker "+h.Name())
		s.next(t, "new line of "+h.Name(), message(h.Name(), "GET /marker "+h.Name()))
		if lock, err := os.ReadFile(filepath.Join(h.AppRoot(), ".fleet", "lock")); err == nil && len(lock) > 0 {
			t.Errorf("%s: lock held while following logs: %s", h.Name(), lock)
		}
		if j := h.JournalEntries(t); len(j) != 0 {
			t.Errorf("%s: logs journalled %+v", h.Name(), j)
		}
	}
	cancel()
	select {
	case err := <-s.done:
		if err != nil {
			t.Errorf("Logs after Ctrl-C: %v, want nil", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("Logs still following after its ctx ended")
	}
	for _, l := range append(s.seen, drain(s.lines)...) {
		if l.Entry.Message == "old "+l.Host {
			t.Errorf("%s: a line before the last 1 came: %+v", l.Host, l)
		}
	}
}

func drain(c chan deploy.LogLine) []deploy.LogLine {
	var out []deploy.LogLine
	for {
		select {
		case l := <-c:
			out = append(out, l)
		default:
			return out
		}
	}
}

// Without -f, Logs ends once every host's backlog has; a host that
// cannot be reached (here, its key is not in known_hosts: strict host
// keys hold for logs too) is one line naming it, and the others go on.
func TestLogs_EndsAndReportsAFailedHost(t *testing.T) {
	f := hostsim.New(t, 2, hostsim.Options{})
	o := simOptions(t, f, "", &events{})
	ghost := o.Hosts[1]
	ghost.Name = "ghost"
	ghost.SSH.KnownHosts = filepath.Join(t.TempDir(), "empty_known_hosts")
	if err := os.WriteFile(ghost.SSH.KnownHosts, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	o.Hosts = append(o.Hosts, ghost)
	for _, h := range f.Hosts() {
		h.Journal().Log("hello.service", "a", "b", "c")
	}
	var got []deploy.LogLine
	err := deploy.Logs(t.Context(), o, deploy.LogsOptions{Lines: 2, Line: func(l deploy.LogLine) { got = append(got, l) }})
	if err == nil || !strings.Contains(err.Error(), "did not answer") {
		t.Errorf("Logs with an unreachable host: %v, want some hosts did not answer", err)
	}
	perHost := map[string][]string{}
	var failures []deploy.LogLine
	for _, l := range got {
		if l.Err != nil {
			failures = append(failures, l)
			continue
		}
		perHost[l.Host] = append(perHost[l.Host], l.Entry.Message)
	}
	for _, h := range f.Hosts() {
		if strings.Join(perHost[h.Name()], ",") != "b,c" {
			t.Errorf("%s: lines %q, want b,c", h.Name(), perHost[h.Name()])
		}
	}
	if len(failures) != 1 || failures[0].Host != "ghost" || failures[0].Err.Op != "connect" {
		t.Fatalf("failures %+v, want ghost's connect", failures)
	}
	if !errors.Is(failures[0].Err, transport.ErrHostKeyUnknown) {
		t.Errorf("ghost's failure %v, want the unknown host key", failures[0].Err)
	}
}
