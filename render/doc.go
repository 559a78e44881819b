// Package render turns fleet's data into output for people and programs:
// a run's progress (deploy.Event) drawn live on a terminal, as plain
// timestamped lines, or as JSON lines (docs/events.md), and the tables of
// status, releases, history and the plans.
//
// It takes deploy's values and knows nothing of the command line, so
// that another front end (a CI plugin, a web view) renders the same way
// as cmd/fleet. Progress is a deploy.Sink (its Emit method); the tables
// are functions of an io.Writer and a value.
package render
