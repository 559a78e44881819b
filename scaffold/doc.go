// Package scaffold writes what `fleet init` starts a user with: a
// commented, minimal fleet.yaml for one service and the systemd unit that
// runs it from the app root's current release, from a handful of options.
// It also reads the Host entries of an ssh_config, so the hosts a user
// already reaches by name become the inventory's.
//
// It renders text and does not judge it: the inventory package, which
// holds the rules, is the judge. cmd/fleet parses what Inventory renders
// with inventory.Parse before WriteNew writes it, and the tests load every
// rendered file with it, so a rule is never written twice. It imports
// only the standard library.
package scaffold
