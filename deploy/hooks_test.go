package deploy_test

import (
	"errors"
	"fmt"
	"os"
	"os/user"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/fleetdeploy/fleet/deploy"
	"github.com/fleetdeploy/fleet/hostsim"
	"github.com/fleetdeploy/fleet/plan"
)

// hooksApp is app.hooks whose every hook appends a line to log: the hook,
// the host, FLEET_VERSION, FLEET_PREVIOUS and where the host's current
// pointed while it ran (read from the release directory, its cwd).
// after_start fails for release v3.
func hooksApp(t *testing.T, log string) string {
	u, err := user.Current()
	if err != nil {
		t.Skip(err)
	}
	line := fmt.Sprintf(`echo "$FLEET_HOOK $FLEET_HOST $FLEET_VERSION $FLEET_PREVIOUS $(readlink ../../current) $FLEET_ROLLOUT_ID" >> %s`, log)
	hook := func(extra string) string {
		return fmt.Sprintf("{argv: [/bin/sh, -c, '%s%s'], user: %s, timeout: 10s}", line, extra, u.Username)
	}
	return "  hooks:\n" +
		"    before: " + hook("") + "\n" +
		"    after: " + hook("") + "\n" +
		"    before_stop: " + hook("") + "\n" +
		"    after_start: " + hook(`; [ "$FLEET_VERSION" != v3 ] || { echo cannot warm v3 >&2; exit 1; }`) + "\n"
}

func hookLines(t *testing.T, log string) []string {
	b, err := os.ReadFile(log)
	if err != nil {
		t.Fatal(err)
	}
	return strings.Split(strings.TrimSpace(string(b)), "\n")
}

// TestRollout_Hooks: before runs once, on the first host, with the
// release staged but no host switched; each host runs before_stop after
// its drain and before its switch, after_start after its restart and
// before its registration and gate; after runs once at the end. Then an
// after_start that fails fails the host's step, and the automatic
// rollback returns it (running its hooks for the old release) while
// before and after do not run again.
func TestRollout_Hooks(t *testing.T) {
	log := filepath.Join(t.TempDir(), "hooks.log")
	f := hostsim.New(t, 2, hostsim.Options{Consul: true, AppExtra: hooksApp(t, log)})
	var evs events
	o := simOptions(t, f, "", &evs)
	o.Artifact = artifact(t, "v1")
	if rec, err := deploy.Rollout(t.Context(), o); err != nil || rec.Result.Err() != nil {
		t.Fatalf("rollout v1: %v %+v", err, rec.Result)
	}
	if err := os.Remove(log); err != nil {
		t.Fatal(err)
	}
	evs = events{}
	o.Artifact = artifact(t, "v2")
	rec, err := deploy.Rollout(t.Context(), o)
	if err != nil || rec.Result.Err() != nil || rec.HookErr != nil {
		t.Fatalf("rollout v2: %v %+v %v", err, rec.Result, rec.HookErr)
	}
	h0, h1 := f.Hosts()[0].Name(), f.Hosts()[1].Name()
	id := rec.ID
	want := []string{
		"before " + h0 + " v2 v1 releases/v1 " + id,
		"before_stop " + h0 + " v2 v1 releases/v1 " + id,
		"after_start " + h0 + " v2 v1 releases/v2 " + id,
		"before_stop " + h1 + " v2 v1 releases/v1 " + id,
		"after_start " + h1 + " v2 v1 releases/v2 " + id,
		"after " + h0 + " v2 v1 releases/v2 " + id,
	}
	if got := hookLines(t, log); !slices.Equal(got, want) {
		t.Errorf("hooks ran:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	wantSteps := []string{"drain", "before_stop", "switch", "restart", "after_start", "register", "gate", "enable"}
	for h, want := range map[string][]string{h0: append(append([]string{"before"}, wantSteps...), "after"), h1: wantSteps} {
		if got := stepsOf(evs.evs, h); !slices.Equal(got, want) {
			t.Errorf("%s steps %q, want %q", h, got, want)
		}
	}
	if n := countHookEvents(evs.evs, "ok"); n != 6 {
		t.Errorf("%d hook events ok, want 6", n)
	}

	// v3's after_start fails on the first host: its step fails, the
	// automatic rollback returns it to v2, nothing else changes.
	if err := os.Remove(log); err != nil {
		t.Fatal(err)
	}
	evs = events{}
	o.Artifact = artifact(t, "v3")
	rec, err = deploy.Rollout(t.Context(), o)
	if err != nil || rec.Result == nil || rec.Result.Err() == nil || rec.Result.Rollback == nil || rec.Result.Rollback.Err() != nil {
		t.Fatalf("rollout v3: %v %+v", err, rec.Result)
	}
	if e := rec.Result.Err().Error(); !strings.Contains(e, "hook after_start") || !strings.Contains(e, "cannot warm v3") {
		t.Errorf("error %q: want the hook and its output", e)
	}
	for _, h := range f.Hosts() {
		if h.Current() != "v2" {
			t.Errorf("%s on %s, want v2", h.Name(), h.Current())
		}
	}
	id = rec.ID
	want = []string{
		"before " + h0 + " v3 v2 releases/v2 " + id,
		"before_stop " + h0 + " v3 v2 releases/v2 " + id,
		"after_start " + h0 + " v3 v2 releases/v3 " + id,
		"before_stop " + h0 + " v2 v3 releases/v3 " + id, // the revert
		"after_start " + h0 + " v2 v3 releases/v2 " + id,
	}
	if got := hookLines(t, log); !slices.Equal(got, want) {
		t.Errorf("hooks ran:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	if n := countHookEvents(evs.evs, "error"); n != 1 {
		t.Errorf("%d failed hook events, want 1", n)
	}
}

// TestRollout_BeforeHookFailsNothingSwitches: a before that fails stops
// the rollout before the first wave.
func TestRollout_BeforeHookFailsNothingSwitches(t *testing.T) {
	f := hostsim.New(t, 2, hostsim.Options{AppExtra: "  hooks:\n    before: {argv: [/bin/sh, -c, 'echo migration broke; exit 4'], user: " + me(t) + "}\n    on: sim\n"})
	var evs events
	o := simOptions(t, f, "", &evs)
	o.Artifact = artifact(t, "v1")
	rec, err := deploy.Rollout(t.Context(), o)
	if !errors.Is(err, deploy.ErrHookFailed) || !strings.Contains(err.Error(), "nothing switched") || !strings.Contains(err.Error(), "migration broke") {
		t.Fatalf("rollout: %v", err)
	}
	if rec.Result != nil {
		t.Errorf("the plan ran: %+v", rec.Result)
	}
	for _, h := range f.Hosts() {
		if h.Current() != "" || h.Restarts() != 0 {
			t.Errorf("%s: current %q, %d restarts", h.Name(), h.Current(), h.Restarts())
		}
	}
}

// TestRollout_AfterHookFailure: the fleet stays on the version and the
// record says the after hook failed.
func TestRollout_AfterHookFailure(t *testing.T) {
	f := hostsim.New(t, 1, hostsim.Options{AppExtra: "  hooks:\n    after: {argv: [/bin/false], user: " + me(t) + "}\n"})
	var evs events
	o := simOptions(t, f, "", &evs)
	o.Artifact = artifact(t, "v1")
	rec, err := deploy.Rollout(t.Context(), o)
	if err != nil || rec.Result.Err() != nil {
		t.Fatalf("rollout: %v %+v", err, rec.Result)
	}
	if !errors.Is(rec.HookErr, deploy.ErrHookFailed) || !strings.Contains(rec.HookErr.Error(), "hook after") {
		t.Errorf("HookErr = %v", rec.HookErr)
	}
	if h := f.Hosts()[0]; h.Current() != "v1" {
		t.Errorf("current %q", h.Current())
	}
}

// TestPlan_ListsHooks: fleet plan says what runs where.
func TestPlan_ListsHooks(t *testing.T) {
	f := hostsim.New(t, 2, hostsim.Options{AppExtra: "  hooks:\n    before: {argv: [hello, migrate, '--to', 3], timeout: 1m}\n    after_start: {argv: [/bin/true], user: nobody}\n"})
	var evs events
	o := simOptions(t, f, "", &evs)
	o.Artifact = artifact(t, "v1")
	o.Strategy.Canary = plan.IntOrPercent{Value: 1}
	rep, err := deploy.Plan(t.Context(), o)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, e := range rep.Events() {
		if e.Kind == deploy.KindPlanHook {
			got = append(got, e.Message)
		}
	}
	want := []string{
		"before on " + f.Hosts()[0].Name() + ": hello migrate --to 3 (as root, timeout 1m0s)",
		"after_start on each changing host (2): /bin/true (as nobody, timeout 5m0s)",
	}
	if !slices.Equal(got, want) {
		t.Errorf("plan_hook messages %q, want %q", got, want)
	}
}

func me(t *testing.T) string {
	u, err := user.Current()
	if err != nil {
		t.Skip(err)
	}
	return u.Username
}

// stepsOf is the host_step steps of host, in order, repeats folded.
func stepsOf(evs []deploy.Event, host string) []string {
	var out []string
	for _, e := range evs {
		if e.Kind == deploy.KindHostStep && e.Host == host && e.Step != "upload" && e.Step != "stage" &&
			(len(out) == 0 || out[len(out)-1] != e.Step) {
			out = append(out, e.Step)
		}
	}
	return out
}

func countHookEvents(evs []deploy.Event, result string) int {
	n := 0
	for _, e := range evs {
		if e.Kind == deploy.KindHook && e.Result == result {
			n++
		}
	}
	return n
}

// TestRollback_Hooks: fleet rollback runs before_stop and after_start for
// the release it returns to; before and after only with on_rollback.
func TestRollback_Hooks(t *testing.T) {
	for _, onRollback := range []bool{false, true} {
		log := filepath.Join(t.TempDir(), "hooks.log")
		extra := hooksApp(t, log)
		if onRollback {
			extra += "    on_rollback: true\n"
		}
		f := hostsim.New(t, 1, hostsim.Options{AppExtra: extra})
		var evs events
		o := simOptions(t, f, "", &evs)
		for _, v := range []string{"v1", "v2"} {
			o.Artifact = artifact(t, v)
			if rec, err := deploy.Rollout(t.Context(), o); err != nil || rec.Result.Err() != nil {
				t.Fatalf("rollout %s: %v %+v", v, err, rec.Result)
			}
		}
		if err := os.Remove(log); err != nil {
			t.Fatal(err)
		}
		o.To = "v1"
		rec, err := deploy.Rollback(t.Context(), o)
		if err != nil || rec.Result.Err() != nil || rec.HookErr != nil {
			t.Fatalf("rollback: %v %+v %v", err, rec.Result, rec.HookErr)
		}
		h := f.Hosts()[0].Name()
		want := []string{
			"before_stop " + h + " v1 v2 releases/v2 " + rec.ID,
			"after_start " + h + " v1 v2 releases/v1 " + rec.ID,
		}
		if onRollback {
			want = append([]string{"before " + h + " v1 v2 releases/v2 " + rec.ID}, want...)
			want = append(want, "after "+h+" v1 v2 releases/v1 "+rec.ID)
		}
		if got := hookLines(t, log); !slices.Equal(got, want) {
			t.Errorf("on_rollback %v: hooks ran:\n%s\nwant:\n%s", onRollback, strings.Join(got, "\n"), strings.Join(want, "\n"))
		}
	}
}
