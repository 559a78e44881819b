package agent

import (
	"context"
	"unicode/utf8"
)

// Limits on a verdict's text: it is the controller's words about metrics,
// kept to what a journal line and `fleet history` can show.
const (
	maxVerdictWhat   = 64
	maxVerdictReason = 1024
)

// verdict journals the controller's judgement of the release: op
// verdict, the version, result and reason ("analysis step 3: error_rate
// 0.052 ≥ 0.01 …"). Nothing else on the host changes.
func (s *session) verdict(_ context.Context, a VerdictArgs) (VerdictResult, error) {
	if err := ValidateVersion(a.Version); err != nil {
		return VerdictResult{}, errorf(CodeBadRequest, "verdict: %v", err)
	}
	switch a.Result {
	case "successful", "failed", "inconclusive":
	default:
		return VerdictResult{}, errorf(CodeBadRequest, "verdict: result %q is not successful, failed or inconclusive", a.Result)
	}
	if len(a.What) > maxVerdictWhat || len(a.Reason) > maxVerdictReason || !utf8.ValidString(a.What+a.Reason) {
		return VerdictResult{}, errorf(CodeBadRequest, "verdict: what (at most %d bytes) and reason (at most %d) must be UTF-8", maxVerdictWhat, maxVerdictReason)
	}
	s.journal(JournalEntry{Op: OpVerdict, Version: a.Version, Result: a.Result, Reason: a.What + ": " + a.Reason}, nil)
	return VerdictResult{}, nil
}
