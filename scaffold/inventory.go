package scaffold

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
)

// Inventory renders the fleet.yaml for o (defaults filled in): the app
// with one HTTP check, the SSH user, the strategy's defaults written out,
// and one group, named after the service, holding o.Hosts. Every section
// says in a comment what it is for and what to change, since this is the
// file a new user reads first.
func Inventory(o Options) []byte {
	o = o.WithDefaults()
	var b strings.Builder
	w := func(format string, args ...any) { fmt.Fprintf(&b, format+"\n", args...) }
	w("# fleet.yaml for %s, written by fleet init. Every field is described in", o.Name)
	w("# inventory/testdata/fleet.yaml of fleet's repository.")
	w("#   fleet inventory   the hosts, as fleet resolves them (contacts none)")
	w("#   fleet check       is every host ready for a first rollout? (changes nothing)")
	w("#   fleet plan -a BINARY --version V   what a rollout would do")
	w("app:")
	w("  name: %s", scalar(o.Name))
	w("  # The file --artifact is installed as, in %s/releases/<version>/.", o.Root)
	w("  binary: %s", scalar(o.Binary))
	w("  # On every host: releases/, the current symlink the unit runs through,")
	w("  # and fleet's state. fleet creates it.")
	w("  root: %s", scalar(o.Root))
	w("  # Restarted after each switch of current. Install it yourself, once:")
	w("  # fleet init printed it.")
	w("  units: [%s]", scalar(o.Unit))
	w("  health:")
	w("    # A host is healthy once every check has passed for min_healthy_time")
	w("    # without a break, within healthy_deadline; otherwise the rollout")
	w("    # stops and puts back the hosts it changed.")
	w("    min_healthy_time: 5s")
	w("    healthy_deadline: 60s")
	w("    checks:")
	w("      # Asked on each host by fleet's agent, so 127.0.0.1 is the host itself.")
	w("      - http: {url: %s, status: 200}", quoted(o.CheckURL()))
	w("ssh:")
	writeSSH(w, o)
	w("strategy:")
	w("  # One host at a time; the first failure stops the rollout and rolls")
	w("  # the hosts it changed back to what they ran.")
	w("  max_unavailable: 1")
	w("  max_failures: 0")
	w("  auto_rollback: true")
	w("groups:")
	w("  - name: %s", scalar(o.Name))
	w("    hosts:")
	for _, h := range o.Hosts {
		w("      - %s", scalar(h))
	}
	return []byte(b.String())
}

// writeSSH writes the ssh section's body: the user, sudo, and where host
// names and host keys are looked up.
func writeSSH(w func(string, ...any), o Options) {
	if o.Sudo() {
		w("  # fleet logs in as %s and starts its agent (which needs root) with", o.User)
		w("  # sudo -n: each host needs the one sudo rule in README's")
		w(`  # "A non-root SSH user (sudo)".`)
	} else {
		w("  # fleet logs in as root; any other user needs sudo: true and a sudo rule.")
	}
	w("  user: %s", scalar(o.User))
	w("  sudo: %t", o.Sudo())
	w("  # Host keys are checked strictly against ~/.ssh/known_hosts: add each")
	w("  # host's (ssh-keyscan, then compare fingerprints) before the first run.")
	if o.SSHConfig == "" {
		w("  # Host names are looked up in ~/.ssh/config (HostName, Port,")
		w("  # IdentityFile, ProxyJump), as ssh does.")
		return
	}
	w("  # Host names are looked up in this ssh_config (HostName, Port,")
	w("  # IdentityFile, ProxyJump), as ssh -F does.")
	w("  config: %s", scalar(o.SSHConfig))
}

// plain is a scalar YAML reads as the same string without quotes: it
// starts with a letter, '/' or "~/", holds no character with a meaning in
// YAML, and is no word YAML 1.1 would read as a boolean or null.
var plain = regexp.MustCompile(`^(?:[A-Za-z/]|~/)[A-Za-z0-9._/+@-]*$`)

// words YAML 1.1 gives another type; yaml.v3 reads most as strings, but
// another reader, or a person, might not.
var yamlWords = map[string]bool{"true": true, "false": true, "yes": true, "no": true, "on": true,
	"off": true, "y": true, "n": true, "null": true}

// scalar is s as a YAML scalar: plain when that reads back as s, else
// double-quoted.
func scalar(s string) string {
	if plain.MatchString(s) && !yamlWords[strings.ToLower(s)] {
		return s
	}
	return quoted(s)
}

// quoted is s as a YAML double-quoted scalar: Go's escapes (\", \\, \n,
// \t, \xNN, \uNNNN, \UNNNNNNNN) are all YAML's too.
func quoted(s string) string { return strconv.Quote(s) }
