// Package plan decides what a rollout does and then does it.
//
// Compute and ComputeRollback are pure: targets and a Strategy in, a Plan
// (hosts in execution order, waves, the window and the failure budget) out,
// or a validation error. Run executes a Plan through the one seam, Host,
// with a sliding window: a host starts as soon as fewer than Plan.Window
// hosts are out of service, not when the slowest host of a wave finishes.
//
// The package imports only the standard library. It does no I/O, does not
// log and never reads the clock: timestamps come from Options.Now, progress
// goes to Options.Observer, and everything else is returned as data
// (Plan and Result implement slog.LogValuer for a one-line summary).
package plan
