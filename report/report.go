package report

import (
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"time"
)

// Schema versions the JSON form; bump it on an incompatible change.
const Schema = 1

// Results of a whole run, as in the rollout_done event (docs/events.md).
const (
	Succeeded   = "succeeded"   // exit 0
	RolledBack  = "rolled-back" // exit 1: failed, every changed host rolled back
	Mixed       = "mixed"       // exit 2: failed, hosts left on mixed versions
	NotStarted  = "not-started" // exit 3: refused before any change
	Paused      = "paused"      // exit 4: paused after the canary
	Interrupted = "interrupted" // exit 130
)

// Results of one host.
const (
	HostChanged    = "changed"         // its step passed: it runs To, healthy
	HostUnchanged  = "unchanged"       // already on To: nothing was done
	HostFailed     = "failed"          // its step failed (it may since have been rolled back)
	HostRolledBack = "rolled-back"     // its step passed, then the run's auto-rollback undid it
	HostStranded   = "rollback-failed" // the undo failed: it is on neither version for sure
	HostNotStarted = "not-started"     // the run stopped before its turn
	HostUnfinished = "unfinished"      // interrupted between two phases (blue/green prepared or switched)
)

// Report is the summary of one run.
type Report struct {
	Schema    int    `json:"schema"`
	Command   string `json:"command"` // rollout, rollback or promote
	RolloutID string `json:"rollout_id,omitempty"`
	Version   string `json:"version,omitempty"` // the version rolled out; "" for a rollback to each host's previous
	Result    string `json:"result"`
	ExitCode  int    `json:"exit_code"`
	Error     string `json:"error,omitempty"`
	User      string `json:"user,omitempty"`
	Machine   string `json:"machine,omitempty"`
	// ChangeNote is why the run happened (fleet -m/--message, or the CI
	// build), whole; "" when none was given.
	ChangeNote string `json:"change_note,omitempty"`
	// Revision is the git commit the rolled-out artifact was built from
	// (its Go build info, or --revision), Dirty whether its tree had
	// uncommitted changes, Build the artifact's provenance on one line
	// ("github.com/acme/app@v1.4.2 rev 1a2b3c4d5e6f 2026-12-01T10:00:00Z
	// go1.26.8"); empty when the run uploaded nothing or nothing is known.
	Revision string    `json:"revision,omitempty"`
	Dirty    bool      `json:"dirty,omitempty"`
	Build    string    `json:"build,omitempty"`
	Started  time.Time `json:"started"`
	Finished time.Time `json:"finished"`
	Duration Millis    `json:"duration_ms"`
	Hosts    []Host    `json:"hosts"`
	Waves    []Wave    `json:"waves"`
	Bake     *Gate     `json:"bake,omitempty"` // the canary bake, when one ran
	// Analyses are the metric analyses that ran (a gray release's steps,
	// canary_analysis), in order: Result passed, failed or inconclusive,
	// Error the verdict's reason.
	Analyses []Gate `json:"analyses,omitempty"`
	// Changelog is what the run changes, commit by commit: one entry per
	// revision the changing hosts ran (fleet run in the service's git
	// repository); absent when none was read.
	Changelog []Change `json:"changelog,omitempty"`
}

// Change is the commits between the revision some hosts ran and the one
// the run moves them to.
type Change struct {
	From       string `json:"from"`                  // the running revision, as recorded
	To         string `json:"to"`                    // the new revision
	FromCommit string `json:"from_commit,omitempty"` // resolved to a full hash
	ToCommit   string `json:"to_commit,omitempty"`
	// Direction is forward, reverse (a rollback: Commits are the ones it
	// removes), diverged or same; empty when Reason is set.
	Direction string   `json:"direction,omitempty"`
	Hosts     int      `json:"hosts"`             // hosts that ran From
	Commits   []Commit `json:"commits"`           // newest first, at most 50
	More      int      `json:"more,omitempty"`    // commits left out of Commits
	Removed   int      `json:"removed,omitempty"` // diverged: commits of From not in To
	Reason    string   `json:"reason,omitempty"`  // why there is no list
}

// Commit is one commit of a Change.
type Commit struct {
	Hash    string    `json:"hash"`
	Author  string    `json:"author"`
	Time    time.Time `json:"time"`
	Subject string    `json:"subject"`
}

// Host is one host's line.
type Host struct {
	Name     string    `json:"host"`
	From     string    `json:"from,omitempty"`
	To       string    `json:"to,omitempty"`
	Mode     string    `json:"mode,omitempty"` // in-place or surge
	Wave     int       `json:"wave,omitempty"`
	State    string    `json:"state"` // plan's final state: done, failed, rolled-back, …
	Result   string    `json:"result"`
	Started  time.Time `json:"started,omitzero"`
	Finished time.Time `json:"finished,omitzero"`
	Duration Millis    `json:"duration_ms"`
	Error    string    `json:"error,omitempty"`
}

// Wave is one wave of the plan and how its hosts' gates went.
type Wave struct {
	Number   int       `json:"wave"`
	Canary   bool      `json:"canary,omitempty"`
	Hosts    []string  `json:"hosts"`
	Result   string    `json:"result"` // passed, failed or not-run
	Started  time.Time `json:"started,omitzero"`
	Finished time.Time `json:"finished,omitzero"`
	Duration Millis    `json:"duration_ms"`
	Failed   []string  `json:"failed,omitempty"`
}

// Gate is a check that is neither a host nor a wave: the canary bake.
type Gate struct {
	Name     string `json:"name"`
	Result   string `json:"result"` // passed or failed
	Duration Millis `json:"duration_ms"`
	Error    string `json:"error,omitempty"`
}

// Wave results.
const (
	WavePassed = "passed"
	WaveFailed = "failed"
	// GateInconclusive is an analysis that could not judge (the run paused).
	GateInconclusive = "inconclusive"
	WaveNotRun       = "not-run"
)

// Millis is a duration written as whole milliseconds.
type Millis int64

// Of converts a duration.
func Of(d time.Duration) Millis { return Millis(d.Milliseconds()) }

// Seconds is the duration in seconds, for JUnit's time attributes.
func (m Millis) Seconds() float64 { return float64(m) / 1000 }

// WriteJSON writes r as one indented JSON document.
func (r Report) WriteJSON(w io.Writer) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	if err := enc.Encode(r); err != nil {
		return fmt.Errorf("write report: %w", err)
	}
	return nil
}

// WriteFile writes a file through a temporary file in the same directory
// and a rename, so a reader (a CI step collecting it) never sees half of
// one.
func WriteFile(path string, write func(io.Writer) error) error {
	dir, base := filepath.Split(path)
	if dir == "" {
		dir = "."
	}
	f, err := os.CreateTemp(dir, "."+base+".tmp-*")
	if err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	tmp := f.Name()
	err = write(f)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Chmod(tmp, 0o644)
	}
	if err == nil {
		err = os.Rename(tmp, path)
	}
	if err != nil {
		_ = os.Remove(tmp)
		return fmt.Errorf("write %s: %w", path, err)
	}
	return nil
}
