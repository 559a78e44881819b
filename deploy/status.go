package deploy

import (
	"context"
	"errors"
	"strings"
	"sync"

	"github.com/fleetdeploy/fleet/agent"
)

// HostStatus is what one host said when asked (fleet status and
// releases, one row each; its JSON is their -o json).
type HostStatus struct {
	Host   string              `json:"host"`
	Status *agent.StatusResult `json:"status,omitempty"`
	Error  string              `json:"error,omitempty"`
	// Majority is the version most of the answering hosts run (absent on
	// a tie); Drift marks a host that runs another one.
	Majority string `json:"majority,omitempty"`
	Drift    bool   `json:"drift,omitempty"`
}

// StatusReport is the fleet's status: every selected host's row, with
// drift marked.
type StatusReport struct {
	Hosts []HostStatus
	// Drift is a sentence about the hosts off the majority version; ""
	// when none is.
	Drift string
	// Paused is the rollout the hosts recorded as paused after its
	// canary; nil when there is none.
	Paused *Paused
}

// errNotAnswered: some host could not be asked; its row says why.
var errNotAnswered = errors.New("some hosts did not answer")

// Status asks every selected host what it runs, with one health round on
// its serving instance, and takes no lock: status works while a rollout
// runs. The report has a row for every host; the error says some did not
// answer.
func Status(ctx context.Context, o Options) (StatusReport, error) {
	rows, err := newTarget(o).collectStatus(ctx, true)
	rep := StatusReport{Hosts: rows, Drift: markDrift(rows)}
	rep.Paused = findPaused(answered(rows))
	return rep, err
}

// Releases asks every selected host which releases it holds, without any
// lock; as Status, without the health round and the drift.
func Releases(ctx context.Context, o Options) ([]HostStatus, error) {
	return newTarget(o).collectStatus(ctx, false)
}

// collectStatus asks every host, without taking any lock: status must work
// while a rollout runs.
func (t *target) collectStatus(ctx context.Context, probe bool) ([]HostStatus, error) {
	fc, err := t.connect(ctx, "", false)
	defer fc.Close()
	rows := make([]HostStatus, len(t.hosts))
	var mu sync.Mutex
	idx := make(map[string]int, len(t.hosts))
	for i, h := range t.hosts {
		rows[i].Host = h.Name
		idx[h.Name] = i
	}
	serr := fc.eachHost(ctx, fc.live(t.hostNames()), t.inv.Strategy.Parallel, "status", func(ctx context.Context, s *hostSession) error {
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
		return rows, errNotAnswered
	}
	return rows, nil
}

// answered is what each host that answered said.
func answered(rows []HostStatus) map[string]agent.StatusResult {
	seen := make(map[string]agent.StatusResult, len(rows))
	for _, r := range rows {
		if r.Status != nil {
			seen[r.Host] = *r.Status
		}
	}
	return seen
}

// markErrors puts each host's error on its row.
func markErrors(rows []HostStatus, idx map[string]int, err error) {
	for _, he := range hostErrors(err) {
		if i, ok := idx[he.Host]; ok {
			rows[i].Error = he.Err.Error()
		}
	}
}

// HealthText summarises one probe round: "ok", or the first failing check.
func HealthText(checks []agent.CheckResult) string {
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

func firstLine(s string) string {
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		return s[:i]
	}
	return s
}
