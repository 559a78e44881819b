package render

import (
	"fmt"
	"io"
	"strings"
	"text/tabwriter"
	"time"
	"unicode"

	"github.com/fleetdeploy/fleet/history"
	"github.com/fleetdeploy/fleet/provenance"
)

// History is fleet history for people: a row per rollout, oldest first,
// or a sentence when the journals hold none. The last column is the
// change note on one line: cut to NoteWidth characters on a terminal,
// whole elsewhere (and whole in `fleet history -o json`).
func History(w io.Writer, rs []history.Rollout) {
	noteMax := 0
	if _, ok := terminal(w); ok {
		noteMax = NoteWidth
	}
	historyTable(w, rs, noteMax)
}

// NoteWidth is how many characters of a change note fleet history shows
// on a terminal.
const NoteWidth = 40

// historyTable is History with notes cut to noteMax characters (0: whole).
func historyTable(w io.Writer, rs []history.Rollout, noteMax int) {
	if len(rs) == 0 {
		fmt.Fprintln(w, "No rollouts in the hosts' journals.")
		return
	}
	tw := tabwriter.NewWriter(w, 2, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "STARTED\tROLLOUT\tCOMMAND\tWHO\tVERSIONS\tHOSTS\tRESULT\tDURATION\tNOTE")
	for _, r := range rs {
		changed := 0
		for _, h := range r.Hosts {
			if h.Result != history.HostUnchanged {
				changed++
			}
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s@%s\t%s\t%d/%d\t%s\t%s\t%s\n", r.Started.Local().Format("2006-01-02 15:04:05"),
			r.ID, orWord(r.Command, "?"), r.User, r.Machine, versionMove(r),
			changed, len(r.Hosts), r.Result, (time.Duration(r.DurationMS) * time.Millisecond).Round(time.Second),
			noteText(r.ChangeNote, noteMax))
	}
	_ = tw.Flush()
	for _, r := range rs {
		if r.Why != "" {
			fmt.Fprintf(w, "%s: %s\n", r.ID, r.Why)
		}
	}
}

// versionMove is "v1 → v2"; a run that moved no host (every host already
// there, or refused before any switch) has no versions in the journals
// (they hold its lock only), so it says that instead of "(none) → (none)".
func versionMove(r history.Rollout) string {
	if len(r.From) == 0 && len(r.To) == 0 {
		return "(no host moved)"
	}
	return versionList(r.From) + " → " + versionList(r.To) + revisionText(r.Revision, r.Dirty)
}

// revisionText is " @<short revision>", with " (dirty)" for a dirty
// build; "" when the revision is unknown.
func revisionText(rev string, dirty bool) string {
	if rev == "" {
		return ""
	}
	s := " @" + shortRevision(rev)
	if dirty {
		s += " (dirty)"
	}
	return s
}

// shortRevision is the first provenance.ShortRevision characters of rev,
// on one line.
func shortRevision(rev string) string {
	rev = noteText(rev, 0)
	if r := []rune(rev); len(r) > provenance.ShortRevision {
		return string(r[:provenance.ShortRevision])
	}
	return rev
}

func versionList(vs []string) string {
	if len(vs) == 0 {
		return "(none)"
	}
	return strings.Join(vs, ",")
}

// noteText is a change note on one line (control characters, tabs and
// newlines among them, become spaces; bidirectional controls are
// dropped), cut to limit characters with "…" when limit > 0; "-" when empty.
func noteText(note string, limit int) string {
	note = strings.TrimSpace(strings.Map(func(r rune) rune {
		switch {
		case unicode.IsControl(r):
			return ' '
		case unicode.Is(unicode.Bidi_Control, r):
			return -1
		}
		return r
	}, strings.ToValidUTF8(note, "\uFFFD")))
	if note == "" {
		return "-"
	}
	if r := []rune(note); limit > 0 && len(r) > limit {
		return string(r[:limit-1]) + "…"
	}
	return note
}
