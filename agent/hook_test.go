package agent_test

import (
	"context"
	"errors"
	"io"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/fleetdeploy/fleet/agent"
	"github.com/fleetdeploy/fleet/appspec"
)

// fakeHooks records what the agent asks to run and plays a script.
type fakeHooks struct {
	mu     sync.Mutex
	ran    []agent.HookCommand
	output string
	err    error
}

func (f *fakeHooks) RunHook(_ context.Context, c agent.HookCommand, out io.Writer) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.ran = append(f.ran, c)
	_, _ = io.WriteString(out, f.output)
	return f.err
}

func hookHost(t *testing.T) (*host, *fakeHooks) {
	h := newHost(t)
	f := &fakeHooks{output: "migrated to 3\n"}
	h.hookRunner = f
	h.hooks = &appspec.Hooks{
		Before:     &appspec.Hook{Argv: []string{"app", "migrate"}, User: "app", Timeout: appspec.Duration(time.Minute)},
		AfterStart: &appspec.Hook{Argv: []string{"/bin/warm", "--fast"}},
	}
	return h, f
}

func TestHook_RunsTheSpecsCommandInTheRelease(t *testing.T) {
	h, f := hookHost(t)
	s := h.open(t)
	ctx := context.Background()
	stage(t, s.c, "v2", "binary v2")
	res, err := s.c.Hook(ctx, agent.HookArgs{Hook: "before", Version: "v2", Previous: "v1", Host: "web1"})
	if err != nil {
		t.Fatal(err)
	}
	if res.Hook != "before" || res.Output != "migrated to 3\n" {
		t.Errorf("result = %+v", res)
	}
	dir := filepath.Join(h.root, "releases", "v2")
	c := f.ran[0]
	if !slices.Equal(c.Argv, []string{filepath.Join(dir, "app"), "migrate"}) || c.Dir != dir || c.User != "app" || c.Timeout != time.Minute {
		t.Errorf("ran %+v", c)
	}
	want := []string{"PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin", "FLEET_HOOK=before",
		"FLEET_VERSION=v2", "FLEET_PREVIOUS=v1", "FLEET_RELEASE_DIR=" + dir, "FLEET_ROLLOUT_ID=r1", "FLEET_HOST=web1", "FLEET_SLOT="}
	if !slices.Equal(c.Env, want) {
		t.Errorf("env = %q\nwant %q", c.Env, want)
	}
	e := lastJournal(t, s.c)
	if e.Op != agent.OpHook || e.Hook != "before" || e.Version != "v2" || e.From != "v1" || e.Result != "ok" || e.Output != "migrated to 3\n" {
		t.Errorf("journal = %+v", e)
	}
}

func TestHook_DefaultsAndFailure(t *testing.T) {
	h, f := hookHost(t)
	f.output, f.err = "warming\nconnection refused\n", errors.New("exit status 1")
	s := h.open(t)
	stage(t, s.c, "v2", "binary v2")
	_, err := s.c.Hook(context.Background(), agent.HookArgs{Hook: "after_start", Version: "v2"})
	e := wantCode(t, err, agent.CodeHookFailed)
	for _, want := range []string{"hook after_start: /bin/warm (as root): exit status 1", "connection refused"} {
		if !strings.Contains(e.Message, want) {
			t.Errorf("message %q lacks %q", e.Message, want)
		}
	}
	if c := f.ran[0]; c.Timeout != appspec.DefaultHookTimeout || c.User != "root" {
		t.Errorf("defaults: %+v", c)
	}
	if j := lastJournal(t, s.c); j.Result != "error" || !strings.Contains(j.Error, "exit status 1") || !strings.Contains(j.Output, "connection refused") {
		t.Errorf("journal = %+v", j)
	}
}

func TestHook_Refusals(t *testing.T) {
	h, f := hookHost(t)
	s := h.open(t)
	ctx := context.Background()
	stage(t, s.c, "v2", "binary v2")
	for _, a := range []agent.HookArgs{
		{Hook: "during", Version: "v2"},
		{Hook: "after", Version: "v2"}, // not in the spec
		{Hook: "before", Version: "../v2"},
		{Hook: "before", Version: "v2", Host: "a b"},
		{Hook: "before", Version: "v2", Slot: "blue"}, // no slots
	} {
		_, err := s.c.Hook(ctx, a)
		wantCode(t, err, agent.CodeBadRequest)
	}
	_, err := s.c.Hook(ctx, agent.HookArgs{Hook: "before", Version: "v9"})
	wantCode(t, err, agent.CodeNotFound)
	if len(f.ran) != 0 {
		t.Errorf("ran %+v", f.ran)
	}
}

func TestHook_NeedsTheLock(t *testing.T) {
	h, _ := hookHost(t)
	s := h.start(t)
	if _, err := s.c.Hello(context.Background(), h.hello()); err != nil {
		t.Fatal(err)
	}
	_, err := s.c.Hook(context.Background(), agent.HookArgs{Hook: "before", Version: "v2"})
	wantCode(t, err, agent.CodeBadRequest)
}

func TestHook_OutputKeepsTheTail(t *testing.T) {
	h, f := hookHost(t)
	f.output = strings.Repeat("x", 3*agent.HookOutputMax) + "the end"
	s := h.open(t)
	stage(t, s.c, "v2", "binary v2")
	res, err := s.c.Hook(context.Background(), agent.HookArgs{Hook: "before", Version: "v2"})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Output) != agent.HookOutputMax || !strings.HasSuffix(res.Output, "the end") {
		t.Errorf("output: %d bytes, ends %q", len(res.Output), res.Output[len(res.Output)-10:])
	}
}
