package changelog

import "time"

// Bounds of a Log.
const (
	DefaultMax = 50   // commits listed when the limit is <= 0
	MaxCommits = 1000 // commits listed at most, whatever the limit
	MaxSubject = 256  // bytes of a subject kept; longer ones end with "…"
	MaxAuthor  = 128  // bytes of an author's name kept
)

// Direction is how the target revision relates to the running one.
type Direction string

const (
	// Forward: the target descends from the running revision; Commits
	// are the ones the rollout adds (from..to).
	Forward Direction = "forward"
	// Reverse: the running revision descends from the target, as in a
	// rollback; Commits are the ones it removes (to..from).
	Reverse Direction = "reverse"
	// Diverged: neither descends from the other; Commits are the ones the
	// target has and the running revision lacks (from..to), Removed counts
	// the others.
	Diverged Direction = "diverged"
	// Same: both name the same commit; no Commits.
	Same Direction = "same"
)

// Log is the change from one revision to another.
type Log struct {
	From       string    `json:"from"`                  // the running revision, as given
	To         string    `json:"to"`                    // the target revision, as given
	FromCommit string    `json:"from_commit,omitempty"` // From resolved to a full hash
	ToCommit   string    `json:"to_commit,omitempty"`
	Direction  Direction `json:"direction,omitempty"` // empty when Reason is set
	Commits    []Commit  `json:"commits,omitempty"`   // newest first, at most the limit
	More       int       `json:"more,omitempty"`      // commits of the range not in Commits
	Removed    int       `json:"removed,omitempty"`   // Diverged: commits of From not in To (not listed)
	Hosts      int       `json:"hosts,omitempty"`     // For: how many running hosts are on From
	// Reason says why there is no changelog and what to do about it;
	// empty when the range was read (even if it holds no commits).
	Reason string `json:"reason,omitempty"`
}

// Commit is one commit of a Log, its text cleaned for a terminal.
type Commit struct {
	Hash    string    `json:"hash"`
	Author  string    `json:"author"`
	Time    time.Time `json:"time"` // the author date
	Subject string    `json:"subject"`
}

// Total is the number of commits in the range (listed or not).
func (l Log) Total() int { return len(l.Commits) + l.More }
