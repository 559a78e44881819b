package agent

import (
	"encoding/json"
	"fmt"
	"os"
	"time"
)

// state is <root>/.fleet/state.json. current is mirrored from the symlink
// (the serving slot's, with slots), which stays the truth; previous is
// derived from history on every save.
type state struct {
	Current  string         `json:"current,omitempty"`
	Previous string         `json:"previous,omitempty"`
	LastGood string         `json:"last_good,omitempty"`
	Serving  string         `json:"serving,omitempty"` // the slot that serves; "" without slots
	Pending  *PendingMark   `json:"pending,omitempty"` // a paused canary
	History  []historyEntry `json:"history"`
}

// historyEntry is one health verdict for a version on this host.
type historyEntry struct {
	Version string    `json:"version"`
	At      time.Time `json:"at"`
	Result  string    `json:"result"` // healthy or unhealthy
}

func loadState(path string) (state, error) {
	var st state
	data, err := os.ReadFile(path)
	if os.IsNotExist(err) {
		return st, nil
	}
	if err != nil {
		return st, fmt.Errorf("load state: %w", err)
	}
	if err := json.Unmarshal(data, &st); err != nil {
		return st, fmt.Errorf("load state %s: %w", path, err)
	}
	return st, nil
}

func saveState(path string, st state) error {
	if st.History == nil {
		st.History = []historyEntry{}
	}
	return writeJSONAtomic(path, st, privFileMode)
}

// record appends a health verdict; a healthy one also makes v last_good.
// Of v's older entries only its last healthy one is kept (when the new
// verdict is not healthy), which is all previous and healthy-ever need:
// history stays at two entries per installed release at most.
func (st *state) record(v string, at time.Time, result string) {
	lastHealthy := -1
	for i, h := range st.History {
		if h.Version == v && h.Result == resultHealthy {
			lastHealthy = i
		}
	}
	kept := make([]historyEntry, 0, len(st.History)+1)
	for i, h := range st.History {
		if h.Version != v || (i == lastHealthy && result != resultHealthy) {
			kept = append(kept, h)
		}
	}
	st.History = append(kept, historyEntry{Version: v, At: at, Result: result})
	if result == resultHealthy {
		st.LastGood = v
	}
}

// latest returns each version's most recent verdict.
func (st state) latest() map[string]historyEntry {
	m := make(map[string]historyEntry, len(st.History))
	for _, h := range st.History {
		if prev, ok := m[h.Version]; !ok || !h.At.Before(prev.At) {
			m[h.Version] = h
		}
	}
	return m
}

// previous is the rollback target: among installed versions other than
// current whose latest verdict is healthy, the one judged most recently.
// A release whose latest gate failed is never chosen, even if it passed
// once before.
func (st state) previous(current string, installed func(string) bool) string {
	best, bestAt := "", time.Time{}
	for v, h := range st.latest() {
		if v == current || h.Result != resultHealthy || !installed(v) {
			continue
		}
		if best == "" || h.At.After(bestAt) || (h.At.Equal(bestAt) && v > best) {
			best, bestAt = v, h.At
		}
	}
	return best
}

// failed is the set of versions judged here that never passed a gate: a
// release that failed, or was rolled back from before it proved healthy.
// One that passed and was later rolled back from is not: it was good here,
// and `rollback --to` or a re-run may want it.
func (st state) failed() map[string]bool {
	m := map[string]bool{}
	for v, h := range st.latest() {
		if h.Result != resultHealthy && !st.healthyEver(v) {
			m[v] = true
		}
	}
	return m
}

// healthyEver reports whether v ever passed the gate here.
func (st state) healthyEver(v string) bool {
	for _, h := range st.History {
		if h.Version == v && h.Result == resultHealthy {
			return true
		}
	}
	return false
}

// forget drops the history of removed versions, which keeps state.json
// bounded by the number of installed releases. The journal keeps the full
// record.
func (st *state) forget(removed map[string]bool) {
	kept := st.History[:0]
	for _, h := range st.History {
		if !removed[h.Version] {
			kept = append(kept, h)
		}
	}
	st.History = kept
}
