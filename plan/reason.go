package plan

import "fmt"

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

func kindPrefix(k Kind) string {
	if k == KindRollback {
		return "rollback "
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

// doneReason words a finished step.
func doneReason(k StepKind, to string) string {
	if k == StepRevert {
		return "reverted to " + versionLabel(to)
	}
	return "activated " + versionLabel(to)
}

// failReason words a failed step with where the run stands on its budget.
func failReason(k StepKind, to string, failures, budget int) string {
	return fmt.Sprintf("%s %s failed (%d failed, budget %d)", k, versionLabel(to), failures, budget)
}
