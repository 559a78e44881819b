package plan

import (
	"fmt"
	"strings"
)

// The wording of reasons lives here, so that events, steps, dry-run
// output and errors all say the same thing the same way.

// describeWindow shows a percentage next to what it resolved to, so a
// reader of "maxUnavailable=2 (25% of 10)" sees where the 2 came from.
func describeWindow(v IntOrPercent, window, total int) string {
	if !v.Percent {
		return fmt.Sprint(window)
	}
	return fmt.Sprintf("%d (%s of %d)", window, v, total)
}

// describeUp is describeWindow for a percentage rounded up (maxSurge,
// canary), saying so when it did round.
func describeUp(v IntOrPercent, n, total int) string {
	if !v.Percent || v.Value*total%100 == 0 {
		return describeWindow(v, n, total)
	}
	return fmt.Sprintf("%d (%s of %d, rounded up)", n, v, total)
}

// describeCanary says how many of the changing hosts the canary takes,
// and from what percentage.
func describeCanary(v IntOrPercent, n, changes int) string {
	out := fmt.Sprintf("%d of %d changing hosts", n, changes)
	switch {
	case !v.Percent:
		return out
	case v.Value*changes%100 == 0:
		return fmt.Sprintf("%s (%s)", out, v)
	}
	return fmt.Sprintf("%s (%s, rounded up)", out, v)
}

func kindPrefix(k Kind) string {
	if k == KindRollback {
		return "rollback "
	}
	return ""
}

// modeNote marks a surge host's wave; in place is the default.
func modeNote(m Mode) string {
	if m == ModeSurge {
		return " (surge)"
	}
	return ""
}

// versionLabel names a version in reasons; "" means nothing was installed.
func versionLabel(v string) string {
	if v == "" {
		return "no version"
	}
	return v
}

// skipReason is the reason of a host with nothing to do.
func skipReason(to string) string { return "already on " + versionLabel(to) }

// noSlotList names the hosts that cannot surge, for ErrNoSlot.
func noSlotList(hosts []string) string {
	return "no second slot on " + strings.Join(hosts, ", ")
}

// rollingReason words the Reason of each host Compute plans to update
// for StrategyRolling.
func rollingReason(kind Kind, s Strategy, l layout, total, changes int) reasonFunc {
	inPlace := "maxUnavailable=" + describeWindow(s.MaxUnavailable, l.window, total)
	surge := "maxSurge=" + describeUp(s.MaxSurge, l.surge, total)
	return func(hp HostPlan, waves int, canary bool) string {
		limit := inPlace
		if hp.Mode == ModeSurge {
			limit = surge
		}
		if canary {
			return fmt.Sprintf("%scanary wave %d/%d%s: %s; %s",
				kindPrefix(kind), hp.Wave, waves, modeNote(hp.Mode), describeCanary(s.Canary, l.canary, changes), limit)
		}
		return fmt.Sprintf("%swave %d/%d%s: %s", kindPrefix(kind), hp.Wave, waves, modeNote(hp.Mode), limit)
	}
}

// blueGreenReason words the Reason of each host Compute plans to update
// for StrategyBlueGreen: its prepare wave.
func blueGreenReason(kind Kind, s Strategy, l layout, total, changes int) reasonFunc {
	surge := "maxSurge=" + describeUp(s.MaxSurge, l.surge, total)
	return func(hp HostPlan, waves int, _ bool) string {
		return fmt.Sprintf("%sblue/green prepare wave %d/%d: %s; then one cutover for all %d hosts",
			kindPrefix(kind), hp.Wave, waves, surge, changes)
	}
}

// rollbackReason words the Reason of each host of a rollback of r;
// wasFailed names the hosts whose own step failed.
func rollbackReason(r Result, wasFailed map[string]bool) reasonFunc {
	why := "rollback requested"
	switch {
	case r.CanaryErr != nil && !r.Paused:
		why = "the canary failed its bake"
	case r.Halted:
		why = "the rollout halted on its failure budget"
	}
	last := make(map[string]StepKind, len(r.Hosts))
	for _, h := range r.Hosts {
		last[h.Host] = h.LastStep
	}
	return func(hp HostPlan, waves int, _ bool) string {
		// hp goes back: its From is the version the rollout moved to.
		cause := "undo " + versionLabel(hp.From) + ": " + why
		if wasFailed[hp.Host] {
			cause = failedStepText(last[hp.Host], hp.To, hp.From)
		}
		return fmt.Sprintf("rollback wave %d/%d%s: %s", hp.Wave, waves, modeNote(hp.Mode), cause)
	}
}

// failedStepText says which step of a host failed, from -> to as the run
// went.
func failedStepText(k StepKind, from, to string) string {
	if k == "" || k == StepActivate {
		return "activating " + versionLabel(to) + " failed"
	}
	return phaseFailReason(k, from, to)
}

// undoPlanReason words the Reason of each host of a blue/green undo of
// n hosts.
func undoPlanReason(kind StepKind, n int) reasonFunc {
	return func(hp HostPlan, _ int, _ bool) string {
		if kind == StepUncut {
			return fmt.Sprintf("undo the cutover on all %d hosts: back to %s", n, versionLabel(hp.To))
		}
		return fmt.Sprintf("discard %s on all %d prepared hosts: a prepare failed, no traffic had moved", versionLabel(hp.From), n)
	}
}

// cutoverReason is the Reason of every host's StepCutover.
func cutoverReason(n int) string {
	return fmt.Sprintf("blue/green cutover: all %d hosts at once, every prepare passed", n)
}

// retireReason is the Reason of a host's StepRetire.
func retireReason(from string) string {
	return "blue/green retire " + versionLabel(from) + ": every host cut over"
}

// doneReason words a finished step that went from -> to.
func doneReason(k StepKind, from, to string) string {
	switch k {
	case StepRevert:
		return "reverted to " + versionLabel(to)
	case StepPrepare:
		return "prepared " + versionLabel(to) + " beside " + versionLabel(from)
	case StepCutover:
		return "serving " + versionLabel(to)
	case StepRetire:
		return "retired " + versionLabel(from)
	case StepDiscard:
		return "discarded " + versionLabel(from)
	case StepUncut:
		return "serving " + versionLabel(to) + " again"
	}
	return "activated " + versionLabel(to)
}

// failReason words a failed rolling step with where the run stands on
// its budget.
func failReason(k StepKind, to string, failures, budget int) string {
	return fmt.Sprintf("%s %s failed (%d failed, budget %d)", k, versionLabel(to), failures, budget)
}

// haltingReason marks the failure that exceeded the budget.
func haltingReason(reason string) string { return reason + ": budget exceeded, halting" }

// phaseFailReason words a failed blue/green step (or undo) from -> to.
func phaseFailReason(k StepKind, from, to string) string {
	switch k {
	case StepCutover:
		return "cutover to " + versionLabel(to) + " failed"
	case StepRetire:
		return "retire " + versionLabel(from) + " failed; the host serves " + versionLabel(to)
	case StepDiscard:
		return "discard " + versionLabel(from) + " failed"
	case StepUncut:
		return "uncut back to " + versionLabel(to) + " failed"
	}
	return string(k) + " " + versionLabel(to) + " failed"
}

// blueGreenHaltReason marks the blue/green failure that halted the run.
func blueGreenHaltReason(reason string, k StepKind) string {
	if k == StepCutover {
		return reason + ": halting, undoing the cutover on every host"
	}
	return reason + ": halting, discarding every prepared host"
}

// cause is why a run stopped starting hosts.
type cause int

const (
	interruptedCause cause = iota
	budgetCause
	bakeCause
	pausedCause
	blueGreenCause
)

// notStartedReason is the Reason of the hosts a run stopped before.
func notStartedReason(c cause) string {
	switch c {
	case budgetCause:
		return "not started: failure budget exceeded"
	case bakeCause:
		return "not started: the canary failed its bake"
	case pausedCause:
		return "not started: paused after the canary"
	case blueGreenCause:
		return "not started: a prepare failed"
	}
	return "not started: interrupted"
}

// undoneReason words a host's undo that succeeded, the undo going
// from -> to.
func undoneReason(k StepKind, from, to string) string {
	switch k {
	case StepDiscard:
		return "discarded " + versionLabel(from) + " before any traffic moved"
	case StepUncut:
		return "rolled back to " + versionLabel(to) + ": cutover undone"
	}
	return "rolled back to " + versionLabel(to)
}

// undoFailedReason words a host's undo that failed.
func undoFailedReason(k StepKind, from, to string) string {
	switch k {
	case StepDiscard:
		return "discard of " + versionLabel(from) + " failed"
	case StepUncut:
		return "undoing the cutover back to " + versionLabel(to) + " failed"
	}
	return "rollback to " + versionLabel(to) + " failed"
}
