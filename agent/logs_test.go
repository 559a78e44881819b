package agent_test

import (
	"context"
	"errors"
	"io"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/fleetdeploy/fleet/agent"
)

// logsSession is Serve with deps over pipes, greeted, without the lock.
type logsSession struct {
	c    *agent.Client
	done chan error
	stop func()
}

func startLogs(t *testing.T, h *host, deps agent.Deps) *logsSession {
	t.Helper()
	inR, inW := io.Pipe()
	outR, outW := io.Pipe()
	done := make(chan error, 1)
	go func() {
		done <- agent.Serve(context.Background(), inR, outW, deps)
		_ = outW.Close()
	}()
	s := &logsSession{c: agent.NewClient(inW, outR), done: done}
	s.stop = func() { _ = s.c.Close(); _ = outR.Close() }
	t.Cleanup(s.stop)
	if _, err := s.c.Hello(context.Background(), h.hello()); err != nil {
		t.Fatalf("Hello: %v", err)
	}
	return s
}

// The backlog comes as log events, the last Lines of the app's units,
// then the answer; nothing takes the lock or writes the deploy journal.
// A rollout holding the lock does not stand in the way.
func TestLogs_BacklogWithoutLock(t *testing.T) {
	h := newHost(t)
	h.journal.Log(testUnit, "one", "two", "three")
	h.journal.Log("other.service", "not ours")
	deps := h.deps()
	deps.Logs = h.journal
	s := startLogs(t, h, deps)

	var got []agent.LogEntry
	res, err := s.c.Logs(context.Background(), agent.LogsArgs{Lines: 2}, func(e agent.LogEntry) { got = append(got, e) })
	if err != nil {
		t.Fatalf("Logs: %v", err)
	}
	if res.Entries != 2 || len(got) != 2 || got[0].Message != "two" || got[1].Message != "three" || got[1].Unit != testUnit {
		t.Errorf("Logs = %+v, entries %+v; want two and three of %s", res, got, testUnit)
	}
	for _, f := range []string{"lock", "journal.jsonl"} {
		if _, err := os.Stat(filepath.Join(h.root, ".fleet", f)); !errors.Is(err, os.ErrNotExist) {
			t.Errorf(".fleet/%s exists after logs (%v): logs must take no lock and journal nothing", f, err)
		}
	}
	if _, err := s.c.Logs(context.Background(), agent.LogsArgs{Lines: -1}, nil); !errors.Is(err, agent.CodeBadRequest) {
		t.Errorf("lines -1: %v, want bad_request", err)
	}

	h.open(t) // a rollout's session, holding the lock
	beside := startLogs(t, h, deps)
	if res, err := beside.c.Logs(context.Background(), agent.LogsArgs{Lines: 1}, func(agent.LogEntry) {}); err != nil || res.Entries != 1 {
		t.Errorf("Logs beside a held lock: %+v, %v", res, err)
	}
}

// Follow sends what the units log as they log it, slot instances
// included, until the session ends; the agent then answers nothing and
// Serve returns cleanly.
func TestLogs_FollowUntilSessionEnds(t *testing.T) {
	h := newHost(t)
	h.withSlots()
	deps := h.deps()
	deps.Logs = h.journal
	s := startLogs(t, h, deps)

	entries := make(chan agent.LogEntry, 10)
	callErr := make(chan error, 1)
	go func() {
		_, err := s.c.Logs(context.Background(), agent.LogsArgs{Follow: true}, func(e agent.LogEntry) { entries <- e })
		callErr <- err
	}()
	for _, u := range []string{testUnit, "app@blue.service", "app@green.service"} {
		h.journal.Log(u, "hello from "+u)
		select {
		case e := <-entries:
			if e.Unit != u || e.Message != "hello from "+u {
				t.Errorf("entry %+v, want %s's line", e, u)
			}
		case <-time.After(5 * time.Second):
			t.Fatalf("no entry for %s", u)
		}
	}
	s.stop()
	select {
	case err := <-s.done:
		if err != nil {
			t.Errorf("Serve: %v", err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("Serve still following after its input closed")
	}
	if err := <-callErr; err == nil {
		t.Error("a following Logs call returned no error when its session closed")
	}
}

// An agent built without a journal reader refuses logs, and only logs.
func TestLogs_NoReader(t *testing.T) {
	h := newHost(t)
	s := startLogs(t, h, h.deps())
	if _, err := s.c.Logs(context.Background(), agent.LogsArgs{}, func(agent.LogEntry) {}); !errors.Is(err, agent.CodeInternal) {
		t.Errorf("Logs without a reader: %v, want internal", err)
	}
	if _, err := s.c.Status(context.Background()); err != nil {
		t.Errorf("Status after a refused logs: %v", err)
	}
}
