// Command dbusctl is a helper the lab e2e test uploads to a lab host and runs
// over SSH. It drives systemd through its D-Bus API (go-systemd/v22/dbus),
// the way fleet's agent does, instead of shelling out to systemctl:
//
//	dbusctl [-timeout 60s] restart UNIT   daemon-reload, reset a failed unit, restart
//	dbusctl [-timeout 60s] stop UNIT      stop
//
// It waits for the job result and exits 0 only when it is "done"; any other
// result (failed, timeout, canceled, dependency, skipped) exits 1.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"time"

	"github.com/coreos/go-systemd/v22/dbus"
)

func main() {
	timeout := flag.Duration("timeout", 60*time.Second, "give up after this long")
	flag.Usage = func() {
		fmt.Fprintln(os.Stderr, "usage: dbusctl [-timeout D] restart|stop UNIT")
	}
	flag.Parse()
	if flag.NArg() != 2 {
		flag.Usage()
		os.Exit(2)
	}
	ctx, cancel := context.WithTimeout(context.Background(), *timeout)
	err := run(ctx, flag.Arg(0), flag.Arg(1))
	cancel()
	if err != nil {
		fmt.Fprintln(os.Stderr, "dbusctl:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, op, unit string) error {
	conn, err := dbus.NewSystemConnectionContext(ctx)
	if err != nil {
		return fmt.Errorf("connect to systemd: %w", err)
	}
	defer conn.Close()

	switch op {
	case "restart":
		if err := conn.ReloadContext(ctx); err != nil {
			return fmt.Errorf("daemon-reload: %w", err)
		}
		// systemd counts restarts against the unit's start limit; a unit
		// that hit it stays failed until reset.
		state, err := activeState(ctx, conn, unit)
		if err != nil {
			return err
		}
		if state == "failed" {
			if err := conn.ResetFailedUnitContext(ctx, unit); err != nil {
				return fmt.Errorf("reset-failed %s: %w", unit, err)
			}
		}
		return job(ctx, "restart", unit, func(ch chan<- string) (int, error) {
			return conn.RestartUnitContext(ctx, unit, "replace", ch)
		}, conn)
	case "stop":
		return job(ctx, "stop", unit, func(ch chan<- string) (int, error) {
			return conn.StopUnitContext(ctx, unit, "replace", ch)
		}, conn)
	default:
		return fmt.Errorf("unknown operation %q", op)
	}
}

// job starts a systemd job and waits for its result.
func job(ctx context.Context, op, unit string, start func(chan<- string) (int, error), conn *dbus.Conn) error {
	ch := make(chan string, 1)
	id, err := start(ch)
	if err != nil {
		return fmt.Errorf("%s %s: %w", op, unit, err)
	}
	select {
	case res := <-ch:
		state, err := activeState(ctx, conn, unit)
		if err != nil {
			return err
		}
		fmt.Printf("%s %s: job %d %s, unit %s\n", op, unit, id, res, state)
		if res != "done" {
			return fmt.Errorf("%s %s: job result %q (unit %s)", op, unit, res, state)
		}
		return nil
	case <-ctx.Done():
		return fmt.Errorf("%s %s: waiting for job %d: %w", op, unit, id, context.Cause(ctx))
	}
}

func activeState(ctx context.Context, conn *dbus.Conn, unit string) (string, error) {
	p, err := conn.GetUnitPropertyContext(ctx, unit, "ActiveState")
	if err != nil {
		return "", fmt.Errorf("read %s ActiveState: %w", unit, err)
	}
	s, ok := p.Value.Value().(string)
	if !ok {
		return "", errors.New("ActiveState is not a string")
	}
	return s, nil
}
