package history

import (
	"cmp"
	"slices"
	"strings"
	"time"
)

// Entry is one line of one host's journal.
type Entry struct {
	Host      string
	Time      time.Time
	User      string
	Machine   string
	Command   string // the controller's command line
	RolloutID string
	Op        string // lock, stage_commit, switch, restart, health, serve, pending, …
	From      string
	To        string
	Version   string
	Slot      string
	Reason    string
	Result    string // ok, error, healthy, unhealthy
	Error     string
	// ChangeNote is the run's change note (fleet -m), on every entry of
	// a run that had one.
	ChangeNote string
	// Revision and Dirty: on stage_commit and switch, the commit the
	// release was built from and whether its tree was dirty, when known.
	Revision string
	Dirty    bool
}

// Rollout is one controller run, as the hosts' journals tell it.
type Rollout struct {
	ID          string    `json:"rollout_id"`
	Command     string    `json:"command,omitempty"` // rollout, rollback or promote; "" when the command line names none
	User        string    `json:"user"`
	Machine     string    `json:"machine"`
	CommandLine string    `json:"command_line"`
	Started     time.Time `json:"started"`
	Finished    time.Time `json:"finished"`
	DurationMS  int64     `json:"duration_ms"`
	From        []string  `json:"from"` // the versions the changed hosts left, sorted
	To          []string  `json:"to"`   // the versions they were moved to, sorted
	Result      string    `json:"result"`
	// ChangeNote is why the run happened (fleet -m/--message, or the CI
	// build), whole; "" when it had none.
	ChangeNote string `json:"change_note,omitempty"`
	// Revision is the commit the release the run moved hosts to was built
	// from (the first successful switch that knows it), Dirty whether
	// from a dirty tree; "" when no switch says.
	Revision string `json:"revision,omitempty"`
	Dirty    bool   `json:"dirty,omitempty"`
	// Why is the controller's verdict that stopped the run, when it
	// journalled one: "failed: analysis step 2: error_rate 0.052 ≥ 0.01
	// …" (a gray release's or canary_analysis' metrics).
	Why   string `json:"why,omitempty"`
	Hosts []Host `json:"hosts"` // by name
}

// Host is what one rollout did to one host.
type Host struct {
	Host   string `json:"host"`
	From   string `json:"from,omitempty"`  // what it ran before
	To     string `json:"to,omitempty"`    // what the rollout moved it to first
	Final  string `json:"final,omitempty"` // what it ran at the end
	Result string `json:"result"`
	Error  string `json:"error,omitempty"` // the first failure
}

// Host results.
const (
	HostChanged    = "changed"     // moved, and its last health verdict passed
	HostUnchanged  = "unchanged"   // not moved (locked, staged, skipped)
	HostFailed     = "failed"      // an action on it failed (Final says where it ended)
	HostRolledBack = "rolled-back" // moved, then back where it was, with no failure of its own
	HostIncomplete = "incomplete"  // switched with no health verdict since: interrupted, killed or still running
)

// Rollout results.
const (
	Succeeded  = "succeeded"   // hosts changed, nothing failed
	NoChange   = "no-change"   // no host moved and nothing failed
	Refused    = "refused"     // something failed before any host switched
	RolledBack = "rolled-back" // something failed and every host is back where it was
	Failed     = "failed"      // something failed and hosts are left on other versions
	Paused     = "paused"      // stopped after the canary, waiting for promote or rollback
	Incomplete = "incomplete"  // a host has no verdict: interrupted, killed or still running
)

// Merge groups entries by rollout id (entries without one are ignored)
// and returns the rollouts oldest first. Entries may come in any order.
func Merge(entries []Entry) []Rollout {
	byID := map[string][]Entry{}
	for _, e := range entries {
		if e.RolloutID != "" {
			byID[e.RolloutID] = append(byID[e.RolloutID], e)
		}
	}
	out := make([]Rollout, 0, len(byID))
	for id, es := range byID {
		out = append(out, rollout(id, es))
	}
	slices.SortFunc(out, func(a, b Rollout) int {
		return cmp.Or(a.Started.Compare(b.Started), strings.Compare(a.ID, b.ID))
	})
	return out
}

func rollout(id string, es []Entry) Rollout {
	slices.SortStableFunc(es, func(a, b Entry) int {
		return cmp.Or(a.Time.Compare(b.Time), strings.Compare(a.Host, b.Host))
	})
	first, last := es[0], es[len(es)-1]
	r := Rollout{ID: id, User: first.User, Machine: first.Machine, CommandLine: first.Command,
		Command: commandOf(first.Command), Started: first.Time, Finished: last.Time}
	r.DurationMS = r.Finished.Sub(r.Started).Milliseconds()
	byHost := map[string][]Entry{}
	for _, e := range es {
		byHost[e.Host] = append(byHost[e.Host], e)
	}
	paused, switched := false, false
	for name, hes := range byHost {
		r.Hosts = append(r.Hosts, host(name, hes))
		paused = paused || slices.ContainsFunc(hes, isPause)
		switched = switched || slices.ContainsFunc(hes, func(e Entry) bool { return e.Op == "switch" && e.Result == "ok" })
	}
	slices.SortFunc(r.Hosts, func(a, b Host) int { return strings.Compare(a.Host, b.Host) })
	for _, h := range r.Hosts {
		r.From = addUnique(r.From, h.From)
		r.To = addUnique(r.To, h.To)
	}
	r.Result = verdict(r.Hosts, switched, paused)
	r.Why = why(es)
	if i := slices.IndexFunc(es, func(e Entry) bool { return e.ChangeNote != "" }); i >= 0 {
		r.ChangeNote = es[i].ChangeNote
	}
	if i := slices.IndexFunc(es, func(e Entry) bool { return e.Op == "switch" && e.Result == "ok" && e.Revision != "" }); i >= 0 {
		r.Revision, r.Dirty = es[i].Revision, es[i].Dirty
	}
	return r
}

// why is the first verdict a controller journalled against the release
// (op verdict, result failed or inconclusive), "" when none.
func why(es []Entry) string {
	for _, e := range es {
		if e.Op == "verdict" && (e.Result == "failed" || e.Result == "inconclusive") {
			return e.Result + ": " + e.Reason
		}
	}
	return ""
}

// commandOf finds the fleet subcommand in a command line.
func commandOf(line string) string {
	for _, f := range strings.Fields(line) {
		switch f {
		case "rollout", "rollback", "promote":
			return f
		}
	}
	return ""
}

func isPause(e Entry) bool {
	return e.Op == "pending" && e.Result == "ok" && strings.HasPrefix(e.Reason, "paused")
}

func verdict(hosts []Host, switched, paused bool) string {
	count := map[string]int{}
	back := true // every host runs what it ran before
	for _, h := range hosts {
		count[h.Result]++
		if h.Final != "" && h.Final != h.From {
			back = false
		}
	}
	switch {
	case count[HostIncomplete] > 0:
		return Incomplete
	case count[HostFailed]+count[HostRolledBack] == 0 && paused:
		return Paused
	case count[HostFailed]+count[HostRolledBack] == 0 && count[HostChanged] > 0:
		return Succeeded
	case count[HostFailed]+count[HostRolledBack] == 0:
		return NoChange
	case !back:
		return Failed
	case !switched:
		return Refused
	}
	return RolledBack
}

func addUnique(list []string, v string) []string {
	if v == "" || slices.Contains(list, v) {
		return list
	}
	list = append(list, v)
	slices.Sort(list)
	return list
}
