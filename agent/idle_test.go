package agent_test

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/fleetdeploy/fleet/agent"
	"github.com/fleetdeploy/fleet/appspec"
)

// A controller that stops sending anything — no request, no heartbeat —
// without closing its input (a laptop asleep, a stopped process) loses
// its session after the idle timeout, and the lock with it.
func TestServe_SilentControllerEndsTheSessionAndFreesTheLock(t *testing.T) {
	h := newHost(t)
	inR, inW := io.Pipe()
	outR, outW := io.Pipe()
	defer inW.Close()
	done := make(chan error, 1)
	go func() {
		done <- agent.Serve(context.Background(), inR, outW, h.deps())
		_ = outW.Close()
	}()
	out := bufio.NewScanner(outR)
	last := make(chan string, 1)
	go func() { // read what the agent writes, like a live SSH session would
		var line string
		for out.Scan() {
			line = out.Text()
		}
		last <- line
	}()
	hello := h.hello()
	hello.Protocol = agent.ProtocolVersion
	hello.IdleTimeout = appspec.Duration(time.Second)
	args, _ := json.Marshal(hello)
	fmt.Fprintf(inW, "{\"id\":1,\"op\":\"hello\",\"args\":%s}\n{\"id\":2,\"op\":\"lock\"}\n", args)
	start := time.Now()

	var err error
	select {
	case err = <-done:
	case <-time.After(15 * time.Second):
		t.Fatal("Serve still running 15 s after its controller went silent")
	}
	var silent *agent.SilentError
	if !errors.As(err, &silent) || silent.After != time.Second {
		t.Fatalf("Serve = %v, want a SilentError after 1s", err)
	}
	if waited := time.Since(start); waited < time.Second {
		t.Errorf("ended after %s, before the 1s idle timeout", waited)
	}
	var bye agent.Response
	if line := <-last; json.Unmarshal([]byte(line), &bye) != nil || bye.ID != 0 || bye.Error == nil ||
		bye.Error.Code != agent.CodeSessionExpired || !strings.Contains(bye.Error.Message, "silent for 1s") {
		t.Errorf("last line %q, want a session_expired error for id 0", line)
	}
	next := h.start(t)
	if _, err := next.c.Hello(context.Background(), h.hello()); err != nil {
		t.Fatalf("Hello: %v", err)
	}
	if e := lastJournal(t, next.c); e.Op != agent.OpLock || e.Result != "expired" || !strings.Contains(e.Error, "silent for 1s") {
		t.Errorf("journal %+v, want the lock given up for silence", e)
	}
	if _, err := next.c.Lock(context.Background()); err != nil {
		t.Errorf("a new session's lock: %v", err)
	}
}

// Heartbeats keep a session alive while a call is in flight (the serve
// loop is busy) and while the controller has nothing to ask.
func TestClient_HeartbeatsKeepTheSessionAlive(t *testing.T) {
	h := newHost(t)
	h.withConsul()
	h.registry.Add(reg("app"), false)
	s := h.start(t)
	ctx := context.Background()
	hello := h.hello()
	hello.IdleTimeout = appspec.Duration(time.Second)
	if _, err := s.c.Hello(ctx, hello); err != nil {
		t.Fatalf("Hello: %v", err)
	}
	if _, err := s.c.Lock(ctx); err != nil {
		t.Fatalf("Lock: %v", err)
	}
	drained := async(func() error { _, err := s.c.Drain(ctx, agent.DrainArgs{}); return err })
	waitFor(t, "drain's timer", func() bool { return h.clock.Timers() == 1 })
	time.Sleep(2500 * time.Millisecond) // a call in flight for 2.5 idle timeouts
	h.clock.Tick(drainTime)
	if err := <-drained; err != nil {
		t.Fatalf("Drain after 2.5 s in flight: %v", err)
	}
	time.Sleep(2500 * time.Millisecond) // no call at all
	if _, err := s.c.Status(ctx); err != nil {
		t.Fatalf("Status after 2.5 s without a call: %v", err)
	}
	select {
	case err := <-s.done:
		t.Fatalf("Serve ended: %v", err)
	default:
	}
}
