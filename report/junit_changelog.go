package report

import (
	"fmt"
	"strings"
)

// shortHash is how many characters of a commit hash the JUnit file shows,
// as fleet's changelog does on a terminal.
const shortHash = 12

// changeCase is one Change as a test case: its name the two revisions,
// its output a line on the change, then one line per commit ("<hash>
// <author>: <subject>"), which Jenkins shows as the case's standard
// output. A Change without a list is skipped, with the reason: nothing
// failed, but there is nothing to show either.
func changeCase(class string, ch Change) junitCase {
	c := junitCase{Classname: class, Name: rev(ch.From, ch.FromCommit) + " → " + rev(ch.To, ch.ToCommit), Time: "0"}
	if ch.Reason != "" {
		c.Skipped = &junitSkipped{Message: "no changelog: " + firstLine(ch.Reason)}
		return c
	}
	total, hosts := len(ch.Commits)+ch.More, plural(ch.Hosts, "host")
	head := fmt.Sprintf("%s: %s", hosts, plural(total, "new commit"))
	switch ch.Direction {
	case "reverse":
		head = fmt.Sprintf("%s: rollback, removes %s", hosts, plural(total, "commit"))
	case "diverged":
		head = fmt.Sprintf("%s: diverged, %s; %s of the running revision go", hosts, plural(total, "new commit"), plural(ch.Removed, "commit"))
	case "same":
		head = hosts + ": no change"
	}
	lines := []string{head}
	for _, cm := range ch.Commits {
		lines = append(lines, fmt.Sprintf("%s %s: %s", rev(cm.Hash, ""), cm.Author, cm.Subject))
	}
	if ch.More > 0 {
		lines = append(lines, fmt.Sprintf("… and %d more", ch.More))
	}
	c.SystemOut = strings.Join(lines, "\n")
	return c
}

// rev is a revision for people: the resolved hash when known, else the
// revision as recorded (a hash cut to shortHash characters, a tag or
// branch whole), else "(unknown)".
func rev(given, hash string) string {
	if hash == "" {
		hash = given
	}
	isHash := !strings.ContainsFunc(hash, func(r rune) bool { return !('0' <= r && r <= '9' || 'a' <= r && r <= 'f') })
	switch {
	case hash == "":
		return "(unknown)"
	case isHash && len(hash) > shortHash:
		return hash[:shortHash]
	}
	return hash
}

func plural(n int, what string) string {
	if n == 1 {
		return "1 " + what
	}
	return fmt.Sprintf("%d %ss", n, what)
}
