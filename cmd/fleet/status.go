package main

import (
	"encoding/json"
	"fmt"
	"strings"
	"text/tabwriter"

	"github.com/urfave/cli/v2"

	"github.com/fleetdeploy/fleet/agent"
	"github.com/fleetdeploy/fleet/deploy"
)

func statusCommand() *cli.Command {
	return &cli.Command{
		Name:   "status",
		Usage:  "per host: current and previous version, unit state, health, lock holder; hosts off the majority version are marked",
		Flags:  commonFlags(),
		Action: runStatus,
	}
}

func releasesCommand() *cli.Command {
	return &cli.Command{
		Name:   "releases",
		Usage:  "the releases on each host",
		Flags:  commonFlags(),
		Action: runReleases,
	}
}

func runStatus(c *cli.Context) error {
	t, err := loadTarget(c)
	if err != nil {
		return withExit(exitCannotStart, err)
	}
	rep, err := deploy.Status(c.Context, t.opts)
	rows := rep.Hosts
	if t.out.json {
		_ = json.NewEncoder(c.App.Writer).Encode(rows)
		return err
	}
	tw := tabwriter.NewWriter(c.App.Writer, 2, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "HOST\tCURRENT\tPREVIOUS\tUNITS\tHEALTH\tLOCK")
	for _, r := range rows {
		if r.Status == nil {
			fmt.Fprintf(tw, "%s\t-\t-\t-\t-\tunreachable: %s\n", r.Host, firstLine(r.Error))
			continue
		}
		s := r.Status
		current := orNone(s.Current)
		if r.Drift {
			current += " (drift)"
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\n", r.Host, current, orNone(s.Previous),
			unitsText(s.Units), deploy.HealthText(s.Checks), lockText(s.Lock))
	}
	_ = tw.Flush()
	if rep.Drift != "" {
		fmt.Fprintln(c.App.Writer, "\n"+rep.Drift)
	}
	if p := rep.Paused; p != nil {
		fmt.Fprintf(c.App.Writer, "\npaused: %s; continue with `fleet promote`, undo with `fleet rollback`\n", p)
	}
	return err
}

func runReleases(c *cli.Context) error {
	t, err := loadTarget(c)
	if err != nil {
		return withExit(exitCannotStart, err)
	}
	rows, err := deploy.Releases(c.Context, t.opts)
	if t.out.json {
		_ = json.NewEncoder(c.App.Writer).Encode(rows)
		return err
	}
	tw := tabwriter.NewWriter(c.App.Writer, 2, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "HOST\tVERSION\tSHA256\tSIZE\tSTAGED\tMARK")
	for _, r := range rows {
		if r.Status == nil {
			fmt.Fprintf(tw, "%s\t-\t-\t-\t-\tunreachable: %s\n", r.Host, firstLine(r.Error))
			continue
		}
		for _, rel := range r.Status.Releases {
			fmt.Fprintf(tw, "%s\t%s\t%.12s\t%d\t%s\t%s\n", r.Host, rel.Version, rel.SHA256, rel.Size,
				rel.StagedAt.Format("2006-01-02 15:04:05"), releaseMarks(r.Status, rel))
		}
	}
	_ = tw.Flush()
	return err
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

func firstLine(s string) string {
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		return s[:i]
	}
	return s
}
