// Command fleet deploys versioned binaries to a fleet of Linux hosts over SSH,
// in rolling batches gated on health. The same binary runs on every host as
// `fleet agent serve`, driven by the controller over the SSH session.
package main

import (
	"context"
	"errors"
	"io"
	"os"
	"os/signal"
	"syscall"

	"github.com/urfave/cli/v2"

	"github.com/fleetdeploy/fleet/internal/cliargs"
)

func main() {
	ctx, stop := interruptContext(stderrLine(os.Stderr, os.Args))
	code := run(ctx, os.Args, os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}

// run is the whole command line, in-process: tests call it directly.
func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	return runIO(ctx, args, os.Stdin, stdout, stderr)
}

// runIO is run with its input too: the terminal a confirmation is read
// from.
func runIO(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	return runApp(ctx, newApp(), args, stdin, stdout, stderr)
}

// runApp runs app on args, prints its error and returns the exit code.
func runApp(ctx context.Context, app *cli.App, args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	app.Reader, app.Writer, app.ErrWriter = stdin, stdout, stderr
	app.Metadata = map[string]any{metaArgs: args}
	err := argsExit(app.RunContext(ctx, args))
	var ec *exitError
	var ue *cliargs.UsageError
	say := stderrLine(stderr, args)
	switch {
	case err == nil, errors.As(err, &ec) && ec.err == nil:
	case errors.As(err, &ue):
		say(err.Error()) // it starts with the command: "fleet rollout: …"
	default:
		say("fleet: " + err.Error())
	}
	return exitCodeOf(ctx, err)
}

// interruptContext cancels on the first SIGINT/SIGTERM, which lets in-flight
// host steps finish; a second signal exits at once with 130.
func interruptContext(say func(string)) (context.Context, func()) {
	ctx, cancel := context.WithCancel(context.Background())
	sigs := make(chan os.Signal, 2)
	signal.Notify(sigs, os.Interrupt, syscall.SIGTERM)
	go func() {
		<-sigs
		say("fleet: interrupted: letting in-flight hosts finish (interrupt again to exit now)")
		cancel()
		<-sigs
		say("fleet: interrupted twice: exiting now")
		os.Exit(exitInterrupted)
	}()
	return ctx, func() { signal.Stop(sigs); cancel() }
}

// newApp is the command line. Every command refuses words it does not
// take and reports a bad flag in one line (args.go).
func newApp() *cli.App {
	app := &cli.App{
		Name:                 "fleet",
		Usage:                "roll versioned binaries out to Linux hosts over SSH, in safe batches",
		Version:              version,
		EnableBashCompletion: true,
		HideVersion:          true,
		Flags:                []cli.Flag{versionFlag()},
		Before:               rootBefore,
		Action:               cli.ShowAppHelp, // a word that names no command is refused first
		// Errors go back to runApp, which prints them and picks the exit
		// code; urfave/cli's handler would os.Exit on some.
		ExitErrHandler: func(*cli.Context, error) {},
		Commands: []*cli.Command{
			rolloutCommand(),
			rollbackCommand(),
			promoteCommand(),
			checkCommand(),
			statusCommand(),
			releasesCommand(),
			planCommand(),
			historyCommand(),
			logsCommand(),
			inventoryCommand(),
			initCommand(),
			completionCommand(),
			versionCommand(),
			agentCommand(),
		},
	}
	guardCommands(app)
	return app
}
