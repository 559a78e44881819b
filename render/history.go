package render

import (
	"fmt"
	"io"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/fleetdeploy/fleet/history"
)

// History is fleet history for people: a row per rollout, oldest first,
// or a sentence when the journals hold none.
func History(w io.Writer, rs []history.Rollout) {
	if len(rs) == 0 {
		fmt.Fprintln(w, "No rollouts in the hosts' journals.")
		return
	}
	tw := tabwriter.NewWriter(w, 2, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "STARTED\tROLLOUT\tCOMMAND\tWHO\tVERSIONS\tHOSTS\tRESULT\tDURATION")
	for _, r := range rs {
		changed := 0
		for _, h := range r.Hosts {
			if h.Result != history.HostUnchanged {
				changed++
			}
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s@%s\t%s\t%d/%d\t%s\t%s\n", r.Started.Local().Format("2006-01-02 15:04:05"),
			r.ID, orWord(r.Command, "?"), r.User, r.Machine, versionMove(r),
			changed, len(r.Hosts), r.Result, (time.Duration(r.DurationMS) * time.Millisecond).Round(time.Second))
	}
	_ = tw.Flush()
	for _, r := range rs {
		if r.Why != "" {
			fmt.Fprintf(w, "%s: %s\n", r.ID, r.Why)
		}
	}
}

// versionMove is "v1 → v2"; a run that moved no host (every host already
// there, or refused before any switch) has no versions in the journals
// (they hold its lock only), so it says that instead of "(none) → (none)".
func versionMove(r history.Rollout) string {
	if len(r.From) == 0 && len(r.To) == 0 {
		return "(no host moved)"
	}
	return versionList(r.From) + " → " + versionList(r.To)
}

func versionList(vs []string) string {
	if len(vs) == 0 {
		return "(none)"
	}
	return strings.Join(vs, ",")
}
