package history

import (
	"errors"
	"fmt"
	"slices"
	"strings"
)

// Why RollbackTarget found no single version.
var (
	ErrNoRollout        = errors.New("the hosts' journals hold no rollout that changed them")
	ErrTargetsDisagree  = errors.New("the hosts do not agree on one version to return to")
	ErrNothingToRestore = errors.New("the last rollout installed the first release: there is nothing before it")
)

// Candidate is one host's side of a rollback without --to: what it runs
// and what the last change says it ran before.
type Candidate struct {
	Host    string `json:"host"`
	Current string `json:"current"`
	Target  string `json:"target"`
}

// RollbackTarget is the one version a rollback without --to returns the
// selected hosts to: what they ran before the most recent rollout or
// promote that left any of them on another version (LastChange). A host
// that run did not move but that runs what it rolled out (a canary host
// before a promote, a host finished by an earlier, interrupted run of the
// same rollout) returns to what it ran before its own last move there;
// any other host keeps what it runs, so a host that drifted elsewhere
// makes the candidates disagree. Rollbacks never count: run again, a
// rollback finds the same target, which makes it idempotent and lets an
// interrupted one finish.
//
// current maps each selected host to the version it runs now. The
// candidates come back in host order, whatever the error, so a refusal can
// show each host.
func RollbackTarget(rs []Rollout, current map[string]string) (Rollout, []Candidate, string, error) {
	last, ok := LastChange(rs)
	if !ok {
		return Rollout{}, nil, "", ErrNoRollout
	}
	hosts := make([]string, 0, len(current))
	for h := range current {
		hosts = append(hosts, h)
	}
	slices.Sort(hosts)
	cands := make([]Candidate, 0, len(hosts))
	targets := map[string]bool{}
	for _, h := range hosts {
		c := Candidate{Host: h, Current: current[h], Target: current[h]}
		if from, ok := movedFrom(last, h); ok {
			c.Target = from
		} else if slices.Contains(last.To, c.Current) {
			if from, ok := lastMoveTo(rs, h, c.Current); ok {
				c.Target = from
			}
		}
		cands = append(cands, c)
		targets[c.Target] = true
	}
	if len(targets) != 1 {
		return last, cands, "", ErrTargetsDisagree
	}
	if cands[0].Target == "" {
		return last, cands, "", ErrNothingToRestore
	}
	return last, cands, cands[0].Target, nil
}

// movedFrom is what host ran before r, when r moved it.
func movedFrom(r Rollout, host string) (string, bool) {
	for _, h := range r.Hosts {
		if h.Host == host && moved(h) {
			return h.From, true
		}
	}
	return "", false
}

// lastMoveTo is what host ran before the latest rollout or promote that
// moved it to version.
func lastMoveTo(rs []Rollout, host, version string) (string, bool) {
	for i := len(rs) - 1; i >= 0; i-- {
		if !forward(rs[i]) {
			continue
		}
		for _, h := range rs[i].Hosts {
			if h.Host == host && moved(h) && h.Final == version {
				return h.From, true
			}
		}
	}
	return "", false
}

// LastChange is the most recent rollout or promote that moved a host for
// good: a run undone by its own automatic rollback left every host where
// it was, and is passed over.
func LastChange(rs []Rollout) (Rollout, bool) {
	for i := len(rs) - 1; i >= 0; i-- {
		if forward(rs[i]) && slices.ContainsFunc(rs[i].Hosts, moved) {
			return rs[i], true
		}
	}
	return Rollout{}, false
}

// forward: a run that rolls a release out, which a rollback undoes.
func forward(r Rollout) bool { return r.Command == "rollout" || r.Command == "promote" }

// moved: the run left the host on another version than it found.
func moved(h Host) bool { return h.Final != "" && h.Final != h.From }

// DescribeCandidates is one line per host for a refusal: what it runs and
// what it would return to.
func DescribeCandidates(cands []Candidate) string {
	var b strings.Builder
	for _, c := range cands {
		fmt.Fprintf(&b, "\n  %s: runs %s, would return to %s", c.Host, orNone(c.Current), orNone(c.Target))
	}
	return b.String()
}

func orNone(v string) string {
	if v == "" {
		return "(none)"
	}
	return v
}
