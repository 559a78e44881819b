package main

import (
	"context"
	"errors"
	"log/slog"
	"os"
	"time"

	"github.com/urfave/cli/v2"

	"github.com/fleetdeploy/fleet/deploy"
	"github.com/fleetdeploy/fleet/report"
)

// reportFlags are the mutating commands' report files.
func reportFlags() []cli.Flag {
	return []cli.Flag{
		&cli.StringFlag{Name: "junit", EnvVars: []string{"FLEET_JUNIT"}, Category: "Reports:", Usage: "write JUnit XML here at the end: a test case per host and per wave gate"},
		&cli.StringFlag{Name: "report", EnvVars: []string{"FLEET_REPORT"}, Category: "Reports:", Usage: "write the final summary as JSON here"},
	}
}

// runRecord follows one mutating command (rollout, rollback, promote) from
// its start to its end, so that every run ends with exactly one
// rollout_done event and, when asked, its report files, whatever happened,
// a refusal before any host was contacted included.
type runRecord struct {
	command string
	out     *output
	log     *slog.Logger
	junit   string
	report  string
	started time.Time
}

// startRecord sets up the output; only a bad --output or --log-level
// fails it, and then nothing at all is written.
func startRecord(c *cli.Context, command string) (*runRecord, error) {
	out, log, err := newOutput(c)
	if err != nil {
		return nil, err
	}
	return &runRecord{command: command, out: out, log: log, junit: c.String("junit"), report: c.String("report"),
		started: out.Now()}, nil
}

// finish ends the run: one rollout_done event, the report files, and err
// as the command's result (with the report files' errors joined). rec is
// what deploy recorded of the run, as far as it got.
func (r *runRecord) finish(ctx context.Context, rec deploy.Record, err error) error {
	rec.Command = r.command
	code := exitCodeOf(ctx, err)
	now := r.out.Now()
	r.out.Emit(rec.Done(resultOf(code), code, err, r.started, now))
	r.out.Close()
	if werr := rec.Report(resultOf(code), code, err, r.started, now).WriteFiles(r.junit, r.report); werr != nil {
		return &exitError{code: code, err: errors.Join(err, werr)}
	}
	return err
}

// resultOf names an exit code in rollout_done and the report.
func resultOf(code int) string {
	switch code {
	case exitOK:
		return report.Succeeded
	case exitRolledBack:
		return report.RolledBack
	case exitMixed:
		return report.Mixed
	case exitPaused:
		return report.Paused
	case exitInterrupted:
		return report.Interrupted
	}
	return report.NotStarted
}

// exitCodeOf maps a command's error to the documented exit codes. A
// command interrupted before it changed anything (while connecting or
// staging) fails as "could not start" only because of the interrupt:
// that is reported as the interrupt.
func exitCodeOf(ctx context.Context, err error) int {
	if err == nil {
		return exitOK
	}
	code := exitCannotStart
	var ec *exitError
	if errors.As(err, &ec) {
		code = ec.code
	}
	if ctx.Err() != nil && code == exitCannotStart {
		return exitInterrupted
	}
	return code
}

// noteFlags are the mutating commands' change note.
func noteFlags() []cli.Flag {
	return []cli.Flag{
		&cli.StringFlag{Name: "message", Aliases: []string{"m"}, EnvVars: []string{"FLEET_MESSAGE"}, Usage: "the change note: why this run happens; journalled on every host, shown by `fleet history`, in the report and in Consul meta change_note (default: under CI, the build: Jenkins JOB_NAME, BUILD_NUMBER and BUILD_URL; GitHub Actions; GitLab CI)"},
	}
}

// changeNoteOf is deploy.ChangeNote of --message, when given.
func changeNoteOf(c *cli.Context) (string, error) {
	var message *string
	if c.IsSet("message") {
		m := c.String("message")
		message = &m
	}
	return deploy.ChangeNote(message, os.Getenv)
}
