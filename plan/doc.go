// Package plan decides what a rollout does and then does it.
//
// Compute and ComputeRollback are pure: targets and a Strategy in, a Plan
// (hosts in execution order with the mode each changes in, waves, the
// canary, the two windows and the failure budget) out, or a validation
// error. Run executes a Plan through the one seam, Host. A rolling plan
// slides: hosts start in plan order, each as soon as its pool has room
// (Plan.Window for hosts updated in place, Plan.SurgeWindow for hosts
// that surge into their idle slot), not when the slowest host of a wave
// finishes; a canary finishes, and passes Options.AfterCanary, before the
// rest starts. A blue/green plan prepares every host, cuts all of them
// over in one step, then retires the old slots.
//
// The package imports only the standard library. It does no I/O, does not
// log and never reads the clock: timestamps come from Options.Now, progress
// goes to Options.Observer, and everything else is returned as data
// (Plan and Result implement slog.LogValuer for a one-line summary).
package plan
