package plan

import (
	"context"
	"fmt"
)

// StrategyKind is how a plan moves its hosts to the new version. It is
// the one thing Compute and Run dispatch on, through kindRules; adding a
// kind is a constant here, its entry in kindRules and the file that runs
// it.
type StrategyKind string

const (
	// StrategyRolling (also the zero value, "") updates hosts one by one
	// in a sliding window: in place, or surging into the idle slot, with
	// an optional canary, a failure budget and an auto-rollback.
	StrategyRolling StrategyKind = "rolling"
	// StrategyBlueGreen switches the whole fleet at once: every changing
	// host prepares the new version in its idle slot, one cutover moves
	// all of them, then the old slots are retired.
	StrategyBlueGreen StrategyKind = "blue-green"
	// A kind that moves traffic in weighted steps would be one more
	// constant here, with its rules below.
)

// rules is what one StrategyKind decides, for Compute and for Run.
type rules struct {
	// validate lists what the kind cannot be combined with.
	validate func(Strategy) []error
	// allSurge: every changing host must surge; slotless names the kind
	// in ErrNoSlot's message.
	allSurge bool
	slotless string
	// reason words the Reason of each host Compute plans to update.
	reason func(kind Kind, s Strategy, l layout, total, changes int) reasonFunc
	// first is the step a host of a plan of kind k is reported with
	// before it starts (skipped, not started).
	first func(k Kind) StepKind
	// run executes the plan; Run then records whether it halted.
	run func(r *runner, ctx context.Context)
}

// kindRules is the one place a StrategyKind is dispatched on; ok is false
// for a kind plan does not know.
func kindRules(k StrategyKind) (r rules, ok bool) {
	switch k {
	case StrategyRolling, "":
		return rules{validate: noConstraints, reason: rollingReason, first: stepKind, run: (*runner).rolling}, true
	case StrategyBlueGreen:
		return rules{validate: Strategy.validateBlueGreen, allSurge: true, slotless: "blue/green",
			reason: blueGreenReason, first: func(Kind) StepKind { return StepPrepare }, run: (*runner).blueGreen}, true
	}
	return rules{}, false
}

// unknownKind is the error of a kind kindRules does not know.
func unknownKind(k StrategyKind) error {
	return fmt.Errorf("%w: unknown strategy kind %q: want %s or %s", ErrInvalidStrategy, k, StrategyRolling, StrategyBlueGreen)
}

func noConstraints(Strategy) []error { return nil }

// orRolling is k, with the zero value named.
func (k StrategyKind) orRolling() StrategyKind {
	if k == "" {
		return StrategyRolling
	}
	return k
}
