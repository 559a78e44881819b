package main

import (
	"context"
	"errors"
	"fmt"

	"github.com/urfave/cli/v2"

	"github.com/fleetdeploy/fleet/deploy"
	"github.com/fleetdeploy/fleet/plan"
)

// mutating runs the body of rollout, rollback or promote inside a run
// record, which ends every run with rollout_done and the report files,
// a refusal to load the hosts included. body gets the loaded hosts and
// returns what deploy recorded and the command's error, exit code
// attached (runExit).
func mutating(command string, body func(*cli.Context, *target) (deploy.Record, error)) cli.ActionFunc {
	return func(c *cli.Context) error {
		r, err := startRecord(c, command)
		if err != nil {
			return withExit(exitCannotStart, err)
		}
		t, err := r.target(c)
		if err != nil {
			return r.finish(c.Context, deploy.Record{}, withExit(exitCannotStart, err))
		}
		rec, err := body(c, t)
		return r.finish(c.Context, rec, err)
	}
}

// runExit maps a deploy call's outcome to the documented exit codes: a
// refusal before the run could not start; a run's result says the rest.
func runExit(ctx context.Context, rec deploy.Record, err error) error {
	switch {
	case err != nil:
		return withExit(exitCannotStart, err)
	case rec.Result == nil:
		return nil
	}
	if err := resultExit(ctx, *rec.Result); err != nil || rec.HookErr == nil {
		return err
	}
	// The after hook failed on a fleet already on the version (DESIGN.md).
	return withExit(exitMixed, fmt.Errorf("every host is on %s, but %w", rec.Version, rec.HookErr))
}

// resultExit maps a finished run to the documented exit codes.
func resultExit(ctx context.Context, r plan.Result) error {
	err := r.Err()
	switch {
	case r.Paused:
		return withExit(exitPaused, errors.New("paused after the canary: run `fleet promote` to continue or `fleet rollback` to undo"))
	case r.Interrupted || (ctx.Err() != nil && err != nil):
		return withExit(exitInterrupted, errors.Join(errors.New("interrupted"), err))
	case err == nil:
		return nil
	case len(r.Changed()) == 0:
		// Every failure left its host untouched (the release never
		// arrived there): the fleet is as it was.
		return withExit(exitRolledBack, fmt.Errorf("rollout failed, no host was changed: %w", err))
	case r.Rollback != nil && r.Rollback.Err() == nil:
		return withExit(exitRolledBack, fmt.Errorf("rollout failed, changed hosts rolled back: %w", err))
	default:
		return withExit(exitMixed, fmt.Errorf("rollout failed, hosts left on mixed versions: %w", err))
	}
}
