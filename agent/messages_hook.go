package agent

import "github.com/fleetdeploy/fleet/appspec"

// HookArgs names the hook to run (appspec.HookNames; the spec must have
// it) and what it runs for: Version the release (installed; its
// directory is the hook's), Previous the one it replaces ("" none),
// Host the inventory's name for the host, Slot the instance ("" the
// single one). They become the hook's FLEET_* environment.
type HookArgs struct {
	Hook     string `json:"hook"`
	Version  string `json:"version"`
	Previous string `json:"previous,omitempty"`
	Host     string `json:"host,omitempty"`
	Slot     string `json:"slot,omitempty"`
}

// HookResult is a hook that exited 0: its output's tail and how long it
// took.
type HookResult struct {
	Hook     string           `json:"hook"`
	Output   string           `json:"output,omitempty"`
	Duration appspec.Duration `json:"duration"`
}
