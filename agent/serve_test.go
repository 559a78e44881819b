package agent_test

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"testing"

	"github.com/fleetdeploy/fleet/agent"
)

func TestServe_LockContention(t *testing.T) {
	h := newHost(t)
	first := h.open(t)

	second := h.start(t)
	ctx := context.Background()
	hello := h.hello()
	hello.Controller.User, hello.Controller.RolloutID = "bob", "r2"
	if _, err := second.c.Hello(ctx, hello); err != nil {
		t.Fatal(err)
	}
	_, err := second.c.Lock(ctx)
	e := wantCode(t, err, agent.CodeLockHeld)
	if e.Holder == nil || e.Holder.User != "alice" || e.Holder.RolloutID != "r1" || e.Holder.Command != "fleet deploy app" {
		t.Fatalf("lock_held holder = %+v, want alice's rollout r1", e.Holder)
	}
	// Without the lock, mutating ops are refused, reading ops are not.
	_, err = second.c.Switch(ctx, agent.SwitchArgs{Version: "1"})
	wantCode(t, err, agent.CodeBadRequest)
	st, err := second.c.Status(ctx)
	if err != nil {
		t.Fatalf("Status without the lock: %v", err)
	}
	if st.Lock == nil || st.Lock.User != "alice" || st.Lock.PID != 4242 {
		t.Errorf("Status lock = %+v, want alice's", st.Lock)
	}

	// The first controller's session ends: its input closes.
	first.stop()
	if err := first.wait(t); err != nil {
		t.Fatalf("first Serve: %v", err)
	}
	if st, err := second.c.Status(ctx); err != nil || st.Lock != nil {
		t.Fatalf("Status after the holder left: lock %+v, %v; want free", st.Lock, err)
	}
	lock, err := second.c.Lock(ctx)
	if err != nil {
		t.Fatalf("Lock after the holder's session ended: %v", err)
	}
	if lock.Holder.User != "bob" {
		t.Errorf("holder = %+v, want bob", lock.Holder)
	}
}

func TestServe_EOFCancelsHealth(t *testing.T) {
	h := newHost(t)
	h.units.SetState(testUnit, "failed") // never healthy: the gate would run to its deadline
	s := h.open(t)
	stage(t, s.c, "1", "one")
	if _, err := s.c.Switch(context.Background(), agent.SwitchArgs{Version: "1"}); err != nil {
		t.Fatal(err)
	}

	errc := make(chan error, 1)
	firstRound := make(chan struct{})
	go func() {
		var once bool
		_, err := s.c.Health(context.Background(), agent.HealthArgs{}, func(agent.Event) {
			if !once {
				once = true
				close(firstRound)
			}
		})
		errc <- err
	}()
	<-firstRound
	s.stop() // the SSH session dies mid-gate
	if err := s.wait(t); err != nil {
		t.Fatalf("Serve: %v", err)
	}
	<-errc // the client call ends too; its error does not matter

	// A cancelled gate is no verdict (the release stays "switched", not
	// judged), and the lock is free again.
	s2 := h.open(t)
	st, err := s2.c.Status(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if st.Releases[0].LastResult != "switched" {
		t.Errorf("cancelled gate recorded %q", st.Releases[0].LastResult)
	}
}

// rawSession talks the wire protocol directly.
type rawSession struct {
	w   *io.PipeWriter
	out *bufio.Scanner
}

func startRaw(t *testing.T, h *host) *rawSession {
	t.Helper()
	inR, inW := io.Pipe()
	outR, outW := io.Pipe()
	done := make(chan error, 1)
	go func() {
		done <- agent.Serve(context.Background(), inR, outW, h.deps())
		_ = outW.Close()
	}()
	t.Cleanup(func() {
		_ = inW.Close()
		_ = outR.Close()
		if err := <-done; err != nil {
			t.Errorf("Serve: %v", err)
		}
	})
	return &rawSession{w: inW, out: bufio.NewScanner(outR)}
}

func (r *rawSession) roundTrip(t *testing.T, line string) agent.Response {
	t.Helper()
	if _, err := io.WriteString(r.w, line+"\n"); err != nil {
		t.Fatal(err)
	}
	if !r.out.Scan() {
		t.Fatalf("no response to %s: %v", line, r.out.Err())
	}
	var resp agent.Response
	if err := json.Unmarshal(r.out.Bytes(), &resp); err != nil {
		t.Fatalf("response %s: %v", r.out.Text(), err)
	}
	return resp
}

func TestServe_RejectsBadRequests(t *testing.T) {
	h := newHost(t)
	r := startRaw(t, h)
	helloArgs, _ := json.Marshal(h.hello())
	tests := []struct {
		name, line string
		wantID     uint64
	}{
		{"not json", `{nope`, 0},
		{"unknown op", `{"id":1,"op":"rm_rf","args":{}}`, 1},
		{"unknown envelope field", `{"id":2,"op":"status","sudo":true}`, 2},
		{"id zero", `{"id":0,"op":"status"}`, 0},
		{"before hello", `{"id":3,"op":"status"}`, 3},
		{"unknown args field", `{"id":4,"op":"hello","args":` + strings.Replace(string(helloArgs), `"protocol":0`, fmt.Sprintf(`"protocol":%d,"extra":1`, agent.ProtocolVersion), 1) + `}`, 4},
		{"line too long", `{"id":5,"op":"status","args":"` + strings.Repeat("x", agent.MaxRequestLine) + `"}`, 0},
	}
	for _, tt := range tests {
		resp := r.roundTrip(t, tt.line)
		if resp.OK || resp.Error == nil || resp.Error.Code != agent.CodeBadRequest || resp.ID != tt.wantID {
			t.Errorf("%s: response %+v (error %+v), want bad_request for id %d", tt.name, resp, resp.Error, tt.wantID)
		}
	}
	// After all that the session still works.
	ok := r.roundTrip(t, `{"id":9,"op":"hello","args":`+strings.Replace(string(helloArgs), `"protocol":0`, fmt.Sprintf(`"protocol":%d`, agent.ProtocolVersion), 1)+`}`)
	if !ok.OK || ok.ID != 9 {
		t.Fatalf("hello after bad requests: %+v %+v", ok, ok.Error)
	}
}
