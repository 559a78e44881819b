package render

import (
	"fmt"
	"io"
	"strings"
	"text/tabwriter"

	"github.com/fleetdeploy/fleet/agent"
	"github.com/fleetdeploy/fleet/deploy"
)

// Status is fleet status for people: a row per host (current and
// previous version, units, health, lock), then the drift and a paused
// rollout, when there are.
func Status(w io.Writer, rep deploy.StatusReport) {
	tw := tabwriter.NewWriter(w, 2, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "HOST\tCURRENT\tREVISION\tPREVIOUS\tUNITS\tHEALTH\tLOCK")
	for _, r := range rep.Hosts {
		if r.Status == nil {
			fmt.Fprintf(tw, "%s\t-\t-\t-\t-\t-\tunreachable: %s\n", r.Host, firstLine(r.Error))
			continue
		}
		s := r.Status
		current := orNone(s.Current)
		if r.Drift {
			current += " (drift)"
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%s\n", r.Host, current, revisionCell(currentRelease(s)), orNone(s.Previous),
			unitsText(s.Units), deploy.HealthText(s.Checks), lockText(s.Lock))
	}
	_ = tw.Flush()
	if rep.Drift != "" {
		fmt.Fprintln(w, "\n"+rep.Drift)
	}
	if p := rep.Paused; p != nil {
		fmt.Fprintf(w, "\npaused: %s; continue with `fleet promote`, undo with `fleet rollback`\n", p)
	}
}

// Releases is fleet releases for people: a row per release per host,
// marked current, previous and last-good.
func Releases(w io.Writer, rows []deploy.HostStatus) {
	tw := tabwriter.NewWriter(w, 2, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "HOST\tVERSION\tREVISION\tSHA256\tSIZE\tSTAGED\tMARK")
	for _, r := range rows {
		if r.Status == nil {
			fmt.Fprintf(tw, "%s\t-\t-\t-\t-\t-\tunreachable: %s\n", r.Host, firstLine(r.Error))
			continue
		}
		for _, rel := range r.Status.Releases {
			fmt.Fprintf(tw, "%s\t%s\t%s\t%.12s\t%d\t%s\t%s\n", r.Host, rel.Version, revisionCell(&rel), rel.SHA256, rel.Size,
				rel.StagedAt.Format("2006-01-02 15:04:05"), releaseMarks(r.Status, rel))
		}
	}
	_ = tw.Flush()
}

func releaseMarks(s *agent.StatusResult, rel agent.Release) string {
	var m []string
	if rel.Version == s.Current {
		m = append(m, "current")
	}
	if rel.Version == s.Previous {
		m = append(m, "previous")
	}
	if rel.Version == s.LastGood {
		m = append(m, "last-good")
	}
	return strings.Join(m, ",")
}

// currentRelease is the release s runs, nil when none or not listed.
func currentRelease(s *agent.StatusResult) *agent.Release {
	for i := range s.Releases {
		if s.Releases[i].Version == s.Current {
			return &s.Releases[i]
		}
	}
	return nil
}

// revisionCell is a release's short revision, "(dirty)" after it when
// the build was; "-" when unknown (a file that is not a Go binary built
// from git and no --revision, or staged by an older fleet).
func revisionCell(rel *agent.Release) string {
	if rel == nil || rel.Provenance == nil || rel.Provenance.Revision() == "" {
		return "-"
	}
	return strings.TrimPrefix(revisionText(rel.Provenance.Revision(), rel.Provenance.Dirty()), " @")
}

func unitsText(units []agent.UnitStatus) string {
	parts := make([]string, len(units))
	for i, u := range units {
		parts[i] = u.Name + "=" + u.ActiveState
	}
	return strings.Join(parts, " ")
}

func lockText(h *agent.Holder) string {
	if h == nil {
		return "free"
	}
	return fmt.Sprintf("held by %s@%s (pid %d) since %s", h.User, h.Machine, h.PID, h.Since.Format("15:04:05"))
}
