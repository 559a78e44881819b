package main

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"sync"
	"text/tabwriter"

	"github.com/urfave/cli/v2"

	"github.com/fleetdeploy/fleet/agent"
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

// hostStatus is one row of `fleet status`.
type hostStatus struct {
	Host   string              `json:"host"`
	Status *agent.StatusResult `json:"status,omitempty"`
	Error  string              `json:"error,omitempty"`
	// Majority is the version most of the answering hosts run (absent on
	// a tie); Drift marks a host that runs another one.
	Majority string `json:"majority,omitempty"`
	Drift    bool   `json:"drift,omitempty"`
}

// collectStatus asks every host, without taking any lock: status must work
// while a rollout runs.
func (t *target) collectStatus(ctx context.Context, probe bool) ([]hostStatus, error) {
	fc, err := t.connect(ctx, "", false)
	defer fc.Close()
	rows := make([]hostStatus, len(t.hosts))
	var mu sync.Mutex
	idx := make(map[string]int, len(t.hosts))
	for i, h := range t.hosts {
		rows[i].Host = h.Name
		idx[h.Name] = i
	}
	var live []string
	for _, h := range t.hosts {
		if fc.get(h.Name) != nil {
			live = append(live, h.Name)
		}
	}
	serr := fc.eachHost(ctx, live, t.inv.Strategy.Parallel, "status", func(ctx context.Context, s *hostSession) error {
		read := s.agent.Status
		if probe {
			read = s.agent.Probe
		}
		st, err := read(ctx)
		if err != nil {
			return err
		}
		mu.Lock()
		rows[idx[s.host.Name]].Status = &st
		mu.Unlock()
		return nil
	})
	markErrors(rows, idx, err)
	markErrors(rows, idx, serr)
	if err != nil || serr != nil {
		return rows, withExit(exitCannotStart, fmt.Errorf("some hosts did not answer"))
	}
	return rows, nil
}

func runStatus(c *cli.Context) error {
	t, err := loadTarget(c)
	if err != nil {
		return withExit(exitCannotStart, err)
	}
	rows, err := t.collectStatus(c.Context, true)
	note := markDrift(rows)
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
			unitsText(s.Units), healthText(s.Checks), lockText(s.Lock))
	}
	_ = tw.Flush()
	if note != "" {
		fmt.Fprintln(c.App.Writer, "\n"+note)
	}
	if p := findPaused(answered(rows)); p != nil {
		fmt.Fprintf(c.App.Writer, "\npaused: %s; continue with `fleet promote`, undo with `fleet rollback`\n", p)
	}
	return err
}

// answered is what each host that answered said.
func answered(rows []hostStatus) map[string]agent.StatusResult {
	seen := make(map[string]agent.StatusResult, len(rows))
	for _, r := range rows {
		if r.Status != nil {
			seen[r.Host] = *r.Status
		}
	}
	return seen
}

func runReleases(c *cli.Context) error {
	t, err := loadTarget(c)
	if err != nil {
		return withExit(exitCannotStart, err)
	}
	rows, err := t.collectStatus(c.Context, false)
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

// healthText summarises one probe round: "ok", or the first failing check.
func healthText(checks []agent.CheckResult) string {
	if len(checks) == 0 {
		return "-"
	}
	for _, c := range checks {
		if !c.OK {
			return "failing: " + c.Check + ": " + firstLine(c.Reason)
		}
	}
	return "ok"
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

// markErrors puts each host's error on its row.
func markErrors(rows []hostStatus, idx map[string]int, err error) {
	for _, he := range hostErrors(err) {
		if i, ok := idx[he.Host]; ok {
			rows[i].Error = he.Err.Error()
		}
	}
}
