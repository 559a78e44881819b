package agent

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
)

func TestJournalctlLogsArgs(t *testing.T) {
	since := time.Date(2026, 12, 6, 10, 0, 0, 0, time.UTC)
	for _, tc := range []struct {
		name string
		q    LogQuery
		want []string
	}{
		{"lines", LogQuery{Units: []string{"hello.service"}, Lines: 5},
			[]string{"--no-pager", "--output=json", "--lines=5", "--unit=hello.service"}},
		{"since follow slots", LogQuery{Units: []string{"hello@blue.service", "hello@green.service"}, Since: since, Follow: true},
			[]string{"--no-pager", "--output=json", "--since=@1796551200", "--follow", "--unit=hello@blue.service", "--unit=hello@green.service"}},
	} {
		got, err := journalctlLogsArgs(tc.q)
		if err != nil || !slices.Equal(got, tc.want) {
			t.Errorf("%s: %q, %v; want %q", tc.name, got, err, tc.want)
		}
	}
	for _, units := range [][]string{nil, {"-x.service"}, {"a.service", "b; rm -rf /"}} {
		if got, err := journalctlLogsArgs(LogQuery{Units: units}); err == nil {
			t.Errorf("units %q: %q, want an error", units, got)
		}
	}
}

func TestParseJournalEntry(t *testing.T) {
	units := []string{"hello.service"}
	for _, tc := range []struct {
		name string
		line string
		want LogEntry
		ok   bool
	}{
		{"app line", `{"__REALTIME_TIMESTAMP":"1796551200123456","MESSAGE":"GET /x","PRIORITY":"6","_PID":"42","_SYSTEMD_UNIT":"hello.service"}`,
			LogEntry{Time: time.UnixMicro(1796551200123456).UTC(), Unit: "hello.service", Priority: 6, PID: 42, Message: "GET /x"}, true},
		{"systemd about the unit", `{"__REALTIME_TIMESTAMP":"1","MESSAGE":"Started hello.service.","PRIORITY":"6","_PID":"1","_SYSTEMD_UNIT":"init.scope","UNIT":"hello.service"}`,
			LogEntry{Time: time.UnixMicro(1).UTC(), Unit: "hello.service", Priority: 6, PID: 1, Message: "Started hello.service."}, true},
		{"bytes, no priority", `{"__REALTIME_TIMESTAMP":"2","MESSAGE":[104,105,255],"_SYSTEMD_UNIT":"hello.service"}`,
			LogEntry{Time: time.UnixMicro(2).UTC(), Unit: "hello.service", Priority: 6, Message: "hi\xff"}, true},
		{"repeated field", `{"__REALTIME_TIMESTAMP":"3","MESSAGE":["a","b"],"PRIORITY":"3","_SYSTEMD_UNIT":"hello.service"}`,
			LogEntry{Time: time.UnixMicro(3).UTC(), Unit: "hello.service", Priority: 3, Message: "a"}, true},
		{"no entries", `-- No entries --`, LogEntry{}, false},
		{"no time", `{"MESSAGE":"x"}`, LogEntry{}, false},
	} {
		got, ok := parseJournalEntry([]byte(tc.line), units)
		if ok != tc.ok || got != tc.want {
			t.Errorf("%s: %+v %v, want %+v %v", tc.name, got, ok, tc.want, tc.ok)
		}
	}
}

// fakeJournalctl writes a journalctl that records its argv, prints two
// entries and then, when follow is set, waits as journalctl -f does.
func fakeJournalctl(t *testing.T, exit int) (Journalctl, string) {
	t.Helper()
	dir := t.TempDir()
	argv := filepath.Join(dir, "argv")
	script := "#!/bin/sh\nprintf '%s\\n' \"$@\" > " + argv + "\n" +
		`echo '{"__REALTIME_TIMESTAMP":"1","MESSAGE":"one","_SYSTEMD_UNIT":"hello.service"}'` + "\n" +
		`echo '-- No entries --'` + "\n" +
		`echo '{"__REALTIME_TIMESTAMP":"2","MESSAGE":"two","_SYSTEMD_UNIT":"hello.service"}'` + "\n" +
		"echo 'journal gone' >&2\n" +
		"case \"$*\" in *--follow*) exec sleep 60;; esac\nexit " + string(rune('0'+exit)) + "\n"
	path := filepath.Join(dir, "journalctl")
	if err := os.WriteFile(path, []byte(script), 0o755); err != nil {
		t.Fatal(err)
	}
	return Journalctl{Path: path}, argv
}

// The real reader runs its argv (no shell between), passes the entries
// it parsed, ends with journalctl, and stops a following journalctl when
// ctx ends or emit fails.
func TestJournalctl_Logs(t *testing.T) {
	q := LogQuery{Units: []string{"hello.service"}, Lines: 10}
	j, argv := fakeJournalctl(t, 0)
	var got []string
	err := j.Logs(context.Background(), q, func(e LogEntry) error { got = append(got, e.Message); return nil })
	if err != nil || !slices.Equal(got, []string{"one", "two"}) {
		t.Fatalf("Logs: %q, %v", got, err)
	}
	if b, _ := os.ReadFile(argv); string(b) != "--no-pager\n--output=json\n--lines=10\n--unit=hello.service\n" {
		t.Errorf("argv %q", b)
	}

	failing, _ := fakeJournalctl(t, 1)
	if err := failing.Logs(context.Background(), q, func(LogEntry) error { return nil }); err == nil || !strings.Contains(err.Error(), "journal gone") {
		t.Errorf("failing journalctl: %v, want its stderr", err)
	}

	q.Follow = true
	ctx, cancel := context.WithCancel(context.Background())
	start := time.Now()
	err = j.Logs(ctx, q, func(e LogEntry) error {
		if e.Message == "two" {
			cancel()
		}
		return nil
	})
	if !errors.Is(err, context.Canceled) || time.Since(start) > 5*time.Second {
		t.Errorf("follow cancelled: %v after %s", err, time.Since(start))
	}
	stop := errors.New("controller gone")
	if err := j.Logs(context.Background(), q, func(LogEntry) error { return stop }); !errors.Is(err, stop) {
		t.Errorf("follow with a failing emit: %v, want its error", err)
	}
}
