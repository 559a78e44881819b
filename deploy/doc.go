// Package deploy runs fleet's commands against the hosts: it opens one SSH
// session per host (installing and starting the agent), plans a rollout
// or rollback from what the hosts say, stages the release, performs each
// plan step through the agent (the plan.Host implementation), bakes or
// pauses a canary, and answers the host queries behind status, releases,
// history and plan.
//
// Every call takes ctx first and an Options value, and returns a value:
// Rollout, Rollback and Promote a Record of the run, the queries what the
// hosts said. Progress goes to Options.Events as typed Events (Kind,
// documented in docs/events.md); package render draws them. The SSH side is
// Options.Dialer, over the Conn interface; cmd/fleet gives the real
// transport, tests may give hostsim's hosts or a fake.
package deploy
