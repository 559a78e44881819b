package main

import (
	"fmt"
	"io"

	"github.com/urfave/cli/v2"
)

// runRollbackDryRun shows what `fleet rollback` would do, the same way it
// decides it (every host asked, the one target, the waves), without the
// lock and without changing anything.
func runRollbackDryRun(c *cli.Context) error {
	ctx := c.Context
	t, err := loadTarget(c)
	if err != nil {
		return withExit(exitCannotStart, err)
	}
	strategy, to, err := rollbackInput(c, t)
	if err != nil {
		return err
	}
	fc, p, why, err := t.planRollback(ctx, "", false, strategy, to)
	defer fc.Close()
	if err != nil {
		return withExit(exitCannotStart, err)
	}
	consul := t.inv.App.Consul
	if t.out.json {
		t.emitPlan(p, ", rollback to "+p.Hosts[0].To+" ("+why+")")
		emitPlanEvents(t.out, p, nil, consul)
		return nil
	}
	t.out.write(func(w io.Writer) {
		fmt.Fprintf(w, "Rollback plan: return %d hosts to %s (%s), maxUnavailable=%d, nothing to upload%s\n\n",
			len(p.Hosts), p.Hosts[0].To, why, p.Window, drainNote(consul))
		writePlanTable(w, p, nil, consul)
	})
	return nil
}
