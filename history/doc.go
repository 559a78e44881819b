// Package history merges the journals of many hosts into one timeline of
// rollouts. Every host's agent appends one journal entry per action, each
// carrying the rollout id of the controller that asked for it; Merge groups
// them by rollout id and decides, per host and per rollout, what happened.
//
// The package is pure: entries in, rollouts out. It imports only the
// standard library, so cmd/fleet converts the agent's journal entries into
// Entry values.
package history
