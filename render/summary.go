package render

import (
	"fmt"
	"io"
	"text/tabwriter"

	"github.com/fleetdeploy/fleet/deploy"
)

// writeSummaryTable is the end of a run for people: where each host was
// left, and how long its step took.
func writeSummaryTable(w io.Writer, rows []deploy.Event) {
	tw := tabwriter.NewWriter(w, 2, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "HOST\tFROM\tTO\tRESULT\tDURATION\tNOTE")
	for _, r := range rows {
		d := "-"
		if r.DurationMS > 0 {
			d = millis(r.DurationMS)
		}
		result := r.Result
		switch r.State {
		case "", r.Result, "done", "skipped", "not-started", "failed":
		default:
			result += " (" + r.State + ")" // failed (rolled-back), …
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\n", r.Host, orNone(r.From), orNone(r.To), result, d, clip(firstLine(r.Error), 80))
	}
	_ = tw.Flush()
}

// clip shortens s to at most n runes, marking the cut.
func clip(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	if n <= 1 {
		return string(r[:n])
	}
	return string(r[:n-1]) + "…"
}
