package render

import (
	"fmt"
	"io"

	"github.com/fleetdeploy/fleet/deploy"
)

// Check is fleet check for people: per host a line saying how it was
// reached and as whom the agent ran, then one line per problem with its
// fix; last, the count.
func Check(w io.Writer, rep deploy.CheckReport) {
	bad := 0
	for _, h := range rep.Hosts {
		state := "ok"
		if len(h.Problems) > 0 {
			state = fmt.Sprintf("%d problems", len(h.Problems))
			bad++
		}
		fmt.Fprintf(w, "%s: %s%s\n", h.Host, state, checkFacts(h))
		for _, p := range h.Problems {
			fmt.Fprintln(w, "  "+p.String())
		}
	}
	fmt.Fprintf(w, "%d of %d hosts ready, %d problems\n", len(rep.Hosts)-bad, len(rep.Hosts), len(rep.Problems()))
}

// checkFacts is how the host was reached: key, machine, agent user.
func checkFacts(h deploy.HostCheck) string {
	s := ""
	if h.Identity != "" {
		s += "; login with " + h.Identity
	}
	if h.Machine != "" {
		s += "; " + h.Machine
	}
	if h.Facts != nil {
		s += "; agent as " + h.Facts.User
	}
	return s
}
