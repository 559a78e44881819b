package main

import (
	"os"
	"regexp"
	"slices"
	"strconv"
	"testing"

	"github.com/urfave/cli/v2"
)

// fleetCall is `fleet <command> --flag…` as written in a document.
var fleetCall = regexp.MustCompile("(?m)(?:^|[\\s(`])(?:bin/)?fleet ([a-z]+)((?:[^\\n]*\\\\\\n)*[^\\n]*)")

// TestDocs_FlagsExist: every flag the README, the docs and the Jenkins
// example pass to a fleet command exists on that command.
func TestDocs_FlagsExist(t *testing.T) {
	for _, file := range []string{"../../README.md", "../../docs/events.md", "../../docs/reports.md", "../../docs/own-hosts.md", "../../examples/jenkins/Jenkinsfile", "../../examples/jenkins/Jenkinsfile.gray"} {
		data, err := os.ReadFile(file)
		if err != nil {
			t.Fatal(err)
		}
		calls, bad := docFlags(string(data))
		if calls == 0 {
			t.Errorf("%s: no fleet commands found", file)
		}
		for _, b := range bad {
			t.Errorf("%s: %s", file, b)
		}
	}
	calls, bad := docFlags("run `fleet plan --artifact x \\\n  --bogus` and\nbin/fleet rollout --yes --junit f\nfleet is fine")
	if calls != 2 || !slices.Equal(bad, []string{"fleet plan has no flag --bogus"}) {
		t.Errorf("docFlags: %d calls, %q", calls, bad)
	}
}

// docFlags finds the fleet commands in text and the flags they are given
// that do not exist.
func docFlags(text string) (calls int, bad []string) {
	commands := map[string]*cli.Command{}
	for _, c := range newApp().Commands {
		commands[c.Name] = c
	}
	flagRE := regexp.MustCompile(`(?:^|\s)--([a-z][a-z0-9-]+)`)
	for _, m := range fleetCall.FindAllStringSubmatch(text, -1) {
		cmd, ok := commands[m[1]]
		if !ok {
			continue // prose, such as "fleet is"
		}
		calls++
		for _, f := range flagRE.FindAllStringSubmatch(m[2], -1) {
			if !hasFlag(cmd, f[1]) {
				bad = append(bad, "fleet "+m[1]+" has no flag --"+f[1])
			}
		}
	}
	return calls, bad
}

func hasFlag(c *cli.Command, name string) bool {
	if name == "help" {
		return true
	}
	for _, f := range c.Flags {
		if slices.Contains(f.Names(), name) {
			return true
		}
	}
	return false
}

// TestDocs_ExitCodesMatch: README's exit code table has every code the
// code defines, with its number.
func TestDocs_ExitCodesMatch(t *testing.T) {
	data, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	for _, code := range []int{exitOK, exitRolledBack, exitMixed, exitCannotStart, exitPaused, exitInterrupted} {
		if !regexp.MustCompile(`(?m)^\| ` + strconv.Itoa(code) + ` \|`).Match(data) {
			t.Errorf("README.md's exit code table has no row for %d", code)
		}
	}
}
