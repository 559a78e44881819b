package deploy_test

import (
	"strings"
	"testing"
	"time"

	"github.com/fleetdeploy/fleet/deploy"
)

func TestLogsFlags_Options(t *testing.T) {
	now := time.Date(2026, 12, 6, 12, 0, 0, 0, time.UTC)
	for _, tc := range []struct {
		name  string
		f     deploy.LogsFlags
		since time.Time
		lines int
	}{
		{"defaults", deploy.LogsFlags{}, time.Time{}, 100},
		{"follow", deploy.LogsFlags{Follow: true}, time.Time{}, 10},
		{"since: every line", deploy.LogsFlags{Since: "10m"}, now.Add(-10 * time.Minute), 0},
		{"since and lines", deploy.LogsFlags{Since: "2026-12-06T10:00:00Z", Lines: 5, LinesSet: true}, now.Add(-2 * time.Hour), 5},
		{"since now: only new lines", deploy.LogsFlags{Since: "0s", Follow: true}, now, 0},
		{"local time", deploy.LogsFlags{Since: "2026-12-06 11:30"}, now.Add(-30 * time.Minute), 0},
	} {
		o, err := tc.f.Options(now)
		if err != nil || !o.Since.Equal(tc.since) || o.Lines != tc.lines || o.Follow != tc.f.Follow {
			t.Errorf("%s: %+v, %v; want since %s, %d lines", tc.name, o, err, tc.since, tc.lines)
		}
	}
	for _, tc := range []struct {
		f    deploy.LogsFlags
		want string
	}{
		{deploy.LogsFlags{Lines: 0, LinesSet: true}, "--lines 0: want 1 to 100000"},
		{deploy.LogsFlags{Lines: 100001, LinesSet: true}, "--lines 100001"},
		{deploy.LogsFlags{Since: "yesterday"}, `--since "yesterday": want a duration`},
		{deploy.LogsFlags{Since: "-5m"}, `--since "-5m"`},
	} {
		if _, err := tc.f.Options(now); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%+v: %v, want %q", tc.f, err, tc.want)
		}
	}
}
