package changelog

import (
	"fmt"
	"strings"
)

// ShortHash is how many characters of a hash Lines shows.
const ShortHash = 12

// Lines renders l for a terminal, one string per line, without newlines:
// a header, then one indented line per commit ("<hash> <author>: <subject>")
// and "… and N more" when commits were left out. For example
//
//	1a2b3c4d5e6f → 9f8e7d6c5b4a (2 hosts): 3 new commits
//	  9f8e7d6c5b4a Ada Lovelace: fix the retry storm
//	  …
//
// It is pure, and cleans every field again, so a Log decoded from JSON
// someone else wrote prints as safely as one Between made.
func (l Log) Lines() []string {
	head := rev(l.From, l.FromCommit) + " → " + rev(l.To, l.ToCommit)
	if l.Hosts > 0 {
		head += fmt.Sprintf(" (%s)", plural(l.Hosts, "host", "hosts"))
	}
	switch {
	case l.Reason != "":
		return []string{head + ": no changelog: " + clean(l.Reason, 400)}
	case l.Direction == Same:
		return []string{head + ": no change"}
	case l.Direction == Reverse:
		head += fmt.Sprintf(": rollback, removes %s", plural(l.Total(), "commit", "commits"))
	case l.Direction == Diverged:
		head += fmt.Sprintf(": diverged, %s; %s of the running revision go",
			plural(l.Total(), "new commit", "new commits"), plural(l.Removed, "commit", "commits"))
	default:
		head += ": " + plural(l.Total(), "new commit", "new commits")
	}
	lines := []string{head}
	for _, c := range l.Commits {
		lines = append(lines, fmt.Sprintf("  %s %s: %s",
			clean(short(c.Hash), ShortHash), clean(c.Author, MaxAuthor), clean(c.Subject, MaxSubject)))
	}
	if l.More > 0 {
		lines = append(lines, fmt.Sprintf("  … and %d more", l.More))
	}
	return lines
}

// rev is a revision for a header: the short resolved hash when known, else
// the revision as given, else "(unknown)".
func rev(given, hash string) string {
	switch {
	case hash != "":
		return short(hash)
	case given != "":
		return clean(short(given), 80)
	}
	return "(unknown)"
}

// short cuts a hash to ShortHash characters; a longer name (a branch or
// tag) is kept whole.
func short(s string) string {
	if len(s) > ShortHash && !strings.ContainsFunc(s, func(r rune) bool { return !('0' <= r && r <= '9' || 'a' <= r && r <= 'f') }) {
		return s[:ShortHash]
	}
	return s
}

func plural(n int, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return fmt.Sprintf("%d %s", n, many)
}
