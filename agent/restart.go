package agent

import (
	"context"
	"errors"
	"fmt"
)

// journalTailLines is how much of a failed unit's log comes back in
// Error.Journal.
const journalTailLines = 20

// restart restarts the instance's units (the spec's, or the slot's
// template instance) in order and stops at the first failure.
func (s *session) restart(ctx context.Context, a RestartArgs) (RestartResult, error) {
	inst, err := s.instance(OpRestart, a.Slot)
	if err != nil {
		return RestartResult{}, err
	}
	res := RestartResult{Units: []string{}}
	for _, u := range inst.units {
		if err := s.restartUnit(ctx, u); err != nil {
			s.journal(JournalEntry{Op: OpRestart, Slot: a.Slot}, err)
			return res, err
		}
		res.Units = append(res.Units, u)
	}
	s.journal(JournalEntry{Op: OpRestart, Slot: a.Slot}, nil)
	return res, nil
}

// restartUnit resets the unit's failed state first. Every restart counts
// against systemd's start limit (5 in 10s by default) and reset-failed
// clears that counter, so quick rollout/rollback cycles do not end in
// start-limit-hit. If the limit is hit anyway (the unit crash-loops on its
// own restarts), it is reported as start_limit_hit, not a generic failure.
func (s *session) restartUnit(ctx context.Context, u string) error {
	log := s.log.With(keyUnit, u)
	if err := s.deps.Units.ResetFailed(ctx, u); err != nil {
		return s.unitError(ctx, CodeUnitFailed, u, fmt.Errorf("restart %s: %w", u, err))
	}
	err := s.deps.Units.Restart(ctx, u)
	if err == nil {
		log.Info("unit restarted")
		return nil
	}
	if ctx.Err() != nil {
		return fmt.Errorf("restart %s: %w", u, ctx.Err())
	}
	code := CodeUnitFailed
	var je *JobError
	if errors.As(err, &je) {
		result, rerr := s.deps.Units.UnitResult(ctx, u)
		if rerr == nil && result == ResultStartLimitHit {
			code = CodeStartLimitHit
			err = fmt.Errorf("%w: unit result %s (too many starts; raise StartLimitBurst or slow down)", err, result)
		}
	}
	log.Warn("unit restart failed", keyError, err)
	return s.unitError(ctx, code, u, err)
}

// unitError attaches the unit's last journal lines. If they cannot be
// read, the reason takes their place: the restart error matters more.
func (s *session) unitError(ctx context.Context, code Code, u string, err error) *Error {
	lines, jerr := s.deps.Journal.Tail(ctx, u, journalTailLines)
	if jerr != nil {
		lines = []string{"(journal unavailable: " + jerr.Error() + ")"}
	}
	return &Error{Code: code, Message: err.Error(), Journal: lines, cause: err}
}
