package history

import "slices"

// failing are the ops whose failure fails the host; a failed prune or an
// unreadable journal does not change what the host runs.
var failing = map[string]bool{
	"stage_commit": true, "fetch": true, "switch": true, "restart": true, "health": true, "drain": true,
	"register": true, "enable": true, "stop": true, "serve": true,
}

// trail is what one host's entries of one rollout say, read in time order.
type trail struct {
	h        Host
	slots    bool // the host runs slots: its version moves with serve, not switch
	moves    int  // version changes
	switched bool // a switch succeeded
	settled  bool // a health verdict or a failure came after the last switch
	failed   bool
	expired  string // the agent ended the session: its controller went silent
}

// host decides what one rollout did to one host from its entries, in time
// order. Without slots the host's version moves with switch; with slots a
// switch only points the idle slot at a version, and the host's version
// moves with serve.
func host(name string, es []Entry) Host {
	tr := trail{h: Host{Host: name}, slots: slices.ContainsFunc(es, func(e Entry) bool { return e.Slot != "" })}
	for _, e := range es {
		tr.read(e)
	}
	return tr.verdict()
}

func (t *trail) read(e Entry) {
	if e.Op == "lock" && e.Result == "expired" {
		t.expired = firstNonEmpty(e.Error, "controller silent")
	}
	if failing[e.Op] && (e.Result == "error" || e.Result == "unhealthy") {
		t.fail(e)
	}
	if e.Op == "health" {
		t.settled = true
	}
	if e.Op == "switch" && e.Result == "ok" {
		t.switched, t.settled = true, false
		if t.h.To == "" {
			t.h.To = e.To
		}
	}
	moveOp := "switch"
	if t.slots {
		moveOp = "serve"
	}
	if e.Op != moveOp || e.Result != "ok" {
		return
	}
	if t.moves == 0 {
		t.h.From = e.From
	}
	t.moves++
	t.h.Final = e.To
}

// fail notes a failed action; the first one is the host's error.
func (t *trail) fail(e Entry) {
	t.settled = true
	if !t.failed {
		t.failed = true
		t.h.Error = e.Op + ": " + firstNonEmpty(e.Error, e.Result)
	}
}

func (t *trail) verdict() Host {
	h := t.h
	switch {
	case t.switched && !t.settled:
		h.Result = HostIncomplete
	case t.failed:
		h.Result = HostFailed
	case t.moves == 0:
		h.Result = HostUnchanged
	case h.Final == h.From:
		h.Result = HostRolledBack
	default:
		h.Result = HostChanged
	}
	if h.Error == "" && t.expired != "" {
		h.Error = "session expired: " + t.expired
	}
	return h
}

func firstNonEmpty(a, b string) string {
	if a != "" {
		return a
	}
	return b
}
