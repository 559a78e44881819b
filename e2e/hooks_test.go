//go:build e2e

package e2e

import (
	"fmt"
	"strings"
	"testing"
	"time"
)

// hookLine is what every test hook appends to /var/tmp/fleet-hooks/log on
// its host: the hook, FLEET_HOST, FLEET_VERSION, FLEET_PREVIOUS, where
// current pointed while it ran, the user it ran as, FLEET_ROLLOUT_ID.
const hookLine = `echo "$FLEET_HOOK $FLEET_HOST $FLEET_VERSION ${FLEET_PREVIOUS:-none} $(readlink /opt/hello/current) $(id -un) $FLEET_ROLLOUT_ID" >> /var/tmp/fleet-hooks/log`

// Hooks on real hosts (issue 17, parts 3 and 4), on one set-up: before is
// hello's own migration (`hello migrate`, run from the staged release,
// writing into the shared directory through the release's link), the
// others append to a log file; before_stop and after_start run as nobody.
// Rolling out v2: before ran once, on lab1, before any host switched;
// each host ran before_stop then after_start once, current moving between
// them; after ran once, on lab1. Rolling out v3, whose after_start fails:
// lab1 is rolled back (symlink, unit, /healthz on v2, new MainPID), the
// other hosts untouched, exit 1, and after does not run.
func TestHooks_OrderOnTheHostsAndFailure(t *testing.T) {
	l := theLab
	l.resetHosts(t)
	for _, h := range l.names {
		l.ssh(t, h, "rm -rf /var/tmp/fleet-hooks && mkdir -m 1777 /var/tmp/fleet-hooks")
	}
	as := func(user, extra string) string {
		return fmt.Sprintf("{argv: [/bin/sh, -c, '%s%s'], user: %s, timeout: 20s}", hookLine, extra, user)
	}
	inv := l.writeInventory(t, inventoryOptions{
		minHealthyTime: "1s",
		appExtra: "  shared: [var/]\n  hooks:\n" +
			"    before: {argv: [hello, migrate, -file, var/schema], timeout: 30s}\n" +
			"    before_stop: " + as("nobody", "") + "\n" +
			"    after_start: " + as("nobody", `; [ "$FLEET_VERSION" != v3 ] || { echo cannot warm v3; exit 1; }`) + "\n" +
			"    after: " + as("root", "") + "\n",
	})
	l.rolloutOK(t, inv, l.hello["v1"], "v1")
	if r := l.fleet(t, "plan", "-i", inv, "-o", "json", "--artifact", l.hello["v2"], "--version", "v2"); len(r.eventsOf("plan_hook", "")) != 4 {
		t.Errorf("fleet plan: %d plan_hook events, want 4\n%s", len(r.eventsOf("plan_hook", "")), r.stdout)
	}

	r := l.fleet(t, "rollout", "-i", inv, "-o", "json", "--artifact", l.hello["v2"], "--version", "v2")
	if r.code != 0 {
		t.Fatalf("rollout v2: exit %d\n%s", r.code, r.stdout)
	}
	l.assertAllOn(t, "v2")
	id := rolloutID(t, r)
	first := l.names[0]
	migrated := l.migrations(t, id)
	if len(migrated) != 1 || migrated[0].host != first || !strings.Contains(migrated[0].line, "schema=v2 version=v2 host="+first) {
		t.Fatalf("migrations of %s: %+v, want one on %s", id, migrated, first)
	}
	for _, h := range l.names {
		sw := l.switchTime(t, h, "v2")
		if !migrated[0].at.Before(sw) {
			t.Errorf("%s switched to v2 at %s, before the migration ran (%s)", h, sw, migrated[0].at)
		}
		want := []string{
			fmt.Sprintf("before_stop %s v2 v1 releases/v1 nobody %s", h, id),
			fmt.Sprintf("after_start %s v2 v1 releases/v2 nobody %s", h, id),
		}
		if h == first {
			want = append(want, fmt.Sprintf("after %s v2 v1 releases/v2 root %s", h, id))
		}
		if got := l.hookLog(t, h, id); strings.Join(got, "\n") != strings.Join(want, "\n") {
			t.Errorf("%s ran:\n%s\nwant:\n%s", h, strings.Join(got, "\n"), strings.Join(want, "\n"))
		}
	}

	pids := l.pids(t)
	r = l.fleet(t, "rollout", "-i", inv, "-o", "json", "--artifact", l.hello["v3"], "--version", "v3")
	if r.code != 1 {
		t.Errorf("rollout v3: exit %d, want 1 (rolled back)\n%s", r.code, r.stderr)
	}
	l.assertAllOn(t, "v2")
	now := l.pids(t)
	if now[0] == pids[0] || now[1] != pids[1] || now[2] != pids[2] {
		t.Errorf("MainPIDs %v → %v: want lab1 restarted (v3, then back to v2), the others untouched", pids, now)
	}
	id = rolloutID(t, r)
	if m := l.migrations(t, id); len(m) != 1 || m[0].host != first {
		t.Errorf("migrations of %s: %+v, want one on %s", id, m, first)
	}
	want := []string{
		fmt.Sprintf("before_stop %s v3 v2 releases/v2 nobody %s", first, id),
		fmt.Sprintf("after_start %s v3 v2 releases/v3 nobody %s", first, id),
		fmt.Sprintf("before_stop %s v2 v3 releases/v3 nobody %s", first, id), // the revert
		fmt.Sprintf("after_start %s v2 v3 releases/v2 nobody %s", first, id),
	}
	if got := l.hookLog(t, first, id); strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("%s ran:\n%s\nwant:\n%s", first, strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	for _, h := range l.names[1:] {
		if got := l.hookLog(t, h, id); len(got) != 0 {
			t.Errorf("%s ran hooks in the failed rollout: %q", h, got)
		}
	}
	var failed map[string]any
	for _, e := range l.journal(t, first) {
		if e["op"] == "hook" && e["result"] == "error" && e["rollout_id"] == id {
			failed = e
		}
	}
	if failed["hook"] != "after_start" || !strings.Contains(fmt.Sprint(failed["output"]), "cannot warm v3") {
		t.Errorf("journal on %s: failed hook entry %v, want after_start with its output", first, failed)
	}
}

func rolloutID(t *testing.T, r run) string {
	t.Helper()
	for _, e := range r.events {
		if id, ok := e["rollout_id"].(string); ok && id != "" {
			return id
		}
	}
	t.Fatal("no rollout_id in the events")
	return ""
}

// migration is one line hello migrate wrote on a host.
type migration struct {
	host, line string
	at         time.Time
}

// migrations are the lines of rollout id in every host's shared schema file.
func (l *lab) migrations(t *testing.T, id string) []migration {
	t.Helper()
	var out []migration
	for _, h := range l.names {
		text, _ := l.trySSH(h, "cat /opt/hello/shared/var/schema 2>/dev/null")
		for _, line := range strings.Split(strings.TrimSpace(text), "\n") {
			if !strings.Contains(line, "rollout="+id+" ") {
				continue
			}
			m := migration{host: h, line: line}
			if i := strings.Index(line, " at="); i >= 0 {
				m.at, _ = time.Parse(time.RFC3339Nano, line[i+4:])
			}
			out = append(out, m)
		}
	}
	return out
}

// hookLog is host's hook log lines of rollout id.
func (l *lab) hookLog(t *testing.T, host, id string) []string {
	t.Helper()
	var out []string
	for _, line := range strings.Split(l.ssh(t, host, "cat /var/tmp/fleet-hooks/log 2>/dev/null; true"), "\n") {
		if strings.HasSuffix(line, " "+id) {
			out = append(out, line)
		}
	}
	return out
}

// switchTime is when host's journal last recorded a switch to version.
func (l *lab) switchTime(t *testing.T, host, version string) time.Time {
	t.Helper()
	var at time.Time
	for _, e := range l.journal(t, host) {
		if e["op"] == "switch" && e["to"] == version && e["result"] == "ok" {
			at, _ = time.Parse(time.RFC3339Nano, fmt.Sprint(e["time"]))
		}
	}
	if at.IsZero() {
		t.Fatalf("%s: no switch to %s in the journal", host, version)
	}
	return at
}
