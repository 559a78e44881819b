package deploy

import (
	"errors"
	"fmt"
	"time"

	"github.com/fleetdeploy/fleet/inventory"
	"github.com/fleetdeploy/fleet/plan"
)

// StrategyFlags are a command line's overrides of the inventory's
// strategy, as given: "", false or nil leaves the inventory's setting.
// cmd/fleet fills them from its flags, named in the comments.
type StrategyFlags struct {
	MaxUnavailable string // --max-unavailable: N or P%
	MaxSurge       string // --max-surge
	MaxFailures    string // --max-failures
	NoAutoRollback bool   // --no-auto-rollback

	// The rest are read by RolloutStrategy (and Rollout) only.
	Canary           string         // --canary
	Resume           bool           // --resume: the canary already ran, no new one
	CanaryBake       *time.Duration // --canary-bake, when given
	PauseAfterCanary *bool          // --pause-after-canary, when given
	Kind             string         // --strategy: rolling or blue-green

	// Read by Rollout only.
	Stage       string // --stage: before or ahead
	Distribute  string // --distribute: controller or peers (rollout, plan)
	RefuseDirty *bool  // --refuse-dirty, when given
}

// OverrideError is a bad value a command-line flag gave (StrategyFlags,
// ConfirmPolicy, ChangeNote, OpenRelease). It names the flag, never the
// inventory: Flag is its name without dashes; Err names the value, or
// else Value and Want say what it takes. Any other error of this file is
// the inventory's, naming its file and strategy key.
type OverrideError struct {
	Flag  string
	Value string
	Want  string
	Err   error
}

func (e *OverrideError) Error() string {
	if e.Err != nil {
		return "--" + e.Flag + ": " + e.Err.Error()
	}
	return fmt.Sprintf("--%s %q: %s", e.Flag, e.Value, e.Want)
}

func (e *OverrideError) Unwrap() error { return e.Err }

// Strategy merges f over the inventory's strategy: the limits and
// auto-rollback (rollback, promote).
func (f StrategyFlags) Strategy(inv *inventory.Inventory) (plan.Strategy, error) {
	st, err := f.strategy(inv.Strategy)
	return st, inventoryError(inv, err)
}

// RollbackStrategy is Strategy for fleet rollback: a --max-unavailable
// typed for it is the rollback's window, over the inventory's
// strategy.rollback.max_unavailable (which rollbackStrategy applies only
// when no window is set).
func (f StrategyFlags) RollbackStrategy(inv *inventory.Inventory) (plan.Strategy, error) {
	st, err := f.Strategy(inv)
	if f.MaxUnavailable != "" {
		st.RollbackMaxUnavailable = st.MaxUnavailable
	}
	return st, err
}

// RolloutStrategy is Strategy plus the canary and the kind (rollout,
// plan).
func (f StrategyFlags) RolloutStrategy(inv *inventory.Inventory) (plan.Strategy, Canary, error) {
	st, co, err := f.rolloutStrategy(inv.Strategy)
	return st, co, inventoryError(inv, err)
}

// Rollout sets a rollout's o.Strategy and o.Canary (RolloutStrategy),
// o.RefuseDirty, and the stage of o.Inventory's strategy.
func (f StrategyFlags) Rollout(o *Options) error {
	var err error
	if o.Strategy, o.Canary, err = f.RolloutStrategy(o.Inventory); err != nil {
		return err
	}
	if f.Stage != "" {
		if err := inventory.ValidStage(f.Stage); err != nil {
			return &OverrideError{Flag: "stage", Err: err}
		}
		o.Inventory.Strategy.Stage = f.Stage
	}
	if err := f.ApplyDistribute(o.Inventory); err != nil {
		return err
	}
	o.RefuseDirty = o.Inventory.Strategy.RefuseDirty
	if f.RefuseDirty != nil {
		o.RefuseDirty = *f.RefuseDirty
	}
	return nil
}

// ApplyDistribute sets inv's strategy.distribute to --distribute, when
// given (rollout, plan).
func (f StrategyFlags) ApplyDistribute(inv *inventory.Inventory) error {
	if f.Distribute == "" {
		return nil
	}
	if err := inventory.ValidDistribute(f.Distribute); err != nil {
		return &OverrideError{Flag: "distribute", Err: err}
	}
	inv.Strategy.Distribute = f.Distribute
	return nil
}

// inventoryError names the inventory's file in an error that is not a
// flag's.
func inventoryError(inv *inventory.Inventory, err error) error {
	var oe *OverrideError
	if err == nil || errors.As(err, &oe) {
		return err
	}
	return fmt.Errorf("%s: strategy: %w", inv.File, err)
}

func (f StrategyFlags) strategy(s inventory.Strategy) (plan.Strategy, error) {
	var st plan.Strategy
	var err error
	if st.MaxUnavailable, err = limitOf("max-unavailable", f.MaxUnavailable, "max_unavailable", s.MaxUnavailable); err != nil {
		return st, err
	}
	if st.MaxFailures, err = limitOf("max-failures", f.MaxFailures, "max_failures", s.MaxFailures); err != nil {
		return st, err
	}
	if st.MaxSurge, err = limitOf("max-surge", f.MaxSurge, "max_surge", s.MaxSurge); err != nil {
		return st, err
	}
	st.AutoRollback = s.AutoRollback && !f.NoAutoRollback
	return st, nil
}

// rolloutStrategy: a resumed rollout has no canary, the rest go now.
func (f StrategyFlags) rolloutStrategy(s inventory.Strategy) (plan.Strategy, Canary, error) {
	st, err := f.strategy(s)
	if err != nil {
		return st, Canary{}, err
	}
	if !f.Resume {
		if st.Canary, err = limitOf("canary", f.Canary, "canary", s.Canary); err != nil {
			return st, Canary{}, err
		}
	}
	co := Canary{Bake: s.CanaryBake, Pause: s.PauseAfterCanary}
	if f.CanaryBake != nil {
		co.Bake = *f.CanaryBake
	}
	if f.PauseAfterCanary != nil {
		co.Pause = *f.PauseAfterCanary
	}
	st.Kind, err = f.kind(s)
	return st, co, err
}

// kind is --strategy (plan's names for its kinds), or else the
// inventory's: blue_green: true is blue/green, anything else rolling.
func (f StrategyFlags) kind(s inventory.Strategy) (plan.StrategyKind, error) {
	switch k := plan.StrategyKind(f.Kind); k {
	case "":
		if s.BlueGreen {
			return plan.StrategyBlueGreen, nil
		}
		return plan.StrategyRolling, nil
	case plan.StrategyRolling, plan.StrategyBlueGreen:
		return k, nil
	}
	return "", &OverrideError{Flag: "strategy", Value: f.Kind, Want: "want rolling or blue-green"}
}

// limitOf is a count or percentage: the flag's value v, when given, else
// the inventory's key (none is 0).
func limitOf(flag, v, key, inv string) (plan.IntOrPercent, error) {
	if v != "" {
		p, err := plan.ParseIntOrPercent(v)
		if err != nil {
			return p, &OverrideError{Flag: flag, Err: err}
		}
		return p, nil
	}
	if inv == "" {
		inv = "0"
	}
	p, err := plan.ParseIntOrPercent(inv)
	if err != nil {
		return p, fmt.Errorf("%s: %w", key, err)
	}
	return p, nil
}
