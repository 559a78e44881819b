package render

import (
	"fmt"
	"io"
	"text/tabwriter"

	"github.com/fleetdeploy/fleet/deploy"
)

// planHooks is the app's hooks after the plan's table: each in the order
// the rollout runs it, where, as whom and what. Nothing without.
func planHooks(w io.Writer, hooks []deploy.PlanHook) {
	if len(hooks) == 0 {
		return
	}
	fmt.Fprintln(w, "\nHooks:")
	tw := tabwriter.NewWriter(w, 2, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "HOOK\tWHERE\tUSER\tTIMEOUT\tCOMMAND")
	for _, h := range hooks {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\n", h.Hook, h.Where(), h.User, h.Timeout, h.Command())
	}
	_ = tw.Flush()
}
