package agent

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/coreos/go-systemd/v22/dbus"
	godbus "github.com/godbus/dbus/v5"
)

// Systemd is the real UnitManager, over the system bus.
type Systemd struct {
	conn *dbus.Conn
}

var _ UnitManager = (*Systemd)(nil)

// NewSystemd connects to systemd on the system bus. Close it when done.
func NewSystemd(ctx context.Context) (*Systemd, error) {
	conn, err := dbus.NewSystemConnectionContext(ctx)
	if err != nil {
		return nil, fmt.Errorf("connect systemd: %w", err)
	}
	return &Systemd{conn: conn}, nil
}

// Close closes the D-Bus connection.
func (s *Systemd) Close() error {
	s.conn.Close()
	return nil
}

// Restart enqueues a restart job in "replace" mode and waits for its
// result under ctx.
func (s *Systemd) Restart(ctx context.Context, name string) error {
	return s.job(ctx, "restart", name, s.conn.RestartUnitContext)
}

// Stop enqueues a stop job in "replace" mode and waits for its result.
// A unit systemd has not loaded is not running: that is success.
func (s *Systemd) Stop(ctx context.Context, name string) error {
	err := s.job(ctx, "stop", name, s.conn.StopUnitContext)
	if isNoSuchUnit(err) {
		return nil
	}
	return err
}

// job enqueues a job with start and waits for its result under ctx.
func (s *Systemd) job(ctx context.Context, job, name string,
	start func(context.Context, string, string, chan<- string) (int, error)) error {
	// Buffered: go-systemd's signal handler blocks on this send, so if we
	// stop waiting (ctx) the late result must still have somewhere to go.
	ch := make(chan string, 1)
	if _, err := start(ctx, name, "replace", ch); err != nil {
		return fmt.Errorf("%s %s: %w", job, name, err)
	}
	select {
	case <-ctx.Done():
		return fmt.Errorf("%s %s: %w", job, name, ctx.Err())
	case result := <-ch:
		if result != "done" {
			return &JobError{Unit: name, Job: job, Result: result}
		}
		return nil
	}
}

// ResetFailed calls ResetFailedUnit, which also resets the start limit.
func (s *Systemd) ResetFailed(ctx context.Context, name string) error {
	err := s.conn.ResetFailedUnitContext(ctx, name)
	if err == nil || isNoSuchUnit(err) {
		// A unit systemd has not loaded yet (first deploy, or just after
		// daemon-reload) has no failed state and no start counter to reset;
		// the restart that follows loads it.
		return nil
	}
	return fmt.Errorf("reset-failed %s: %w", name, err)
}

// isNoSuchUnit tells systemd's "unit not loaded" reply by its D-Bus error
// name, never by its text.
func isNoSuchUnit(err error) bool {
	var de godbus.Error
	if errors.As(err, &de) {
		return de.Name == "org.freedesktop.systemd1.NoSuchUnit"
	}
	var dp *godbus.Error
	return errors.As(err, &dp) && dp.Name == "org.freedesktop.systemd1.NoSuchUnit"
}

// ActiveState reads the unit's ActiveState property.
func (s *Systemd) ActiveState(ctx context.Context, name string) (string, error) {
	p, err := s.conn.GetUnitPropertyContext(ctx, name, "ActiveState")
	if err != nil {
		return "", fmt.Errorf("active state %s: %w", name, err)
	}
	return propString(name, p)
}

// UnitResult reads Result from the unit's type interface (Service, Socket,
// ...): that is where systemd records start-limit-hit.
func (s *Systemd) UnitResult(ctx context.Context, name string) (string, error) {
	p, err := s.conn.GetUnitTypePropertyContext(ctx, name, unitTypeInterface(name), "Result")
	if err != nil {
		return "", fmt.Errorf("unit result %s: %w", name, err)
	}
	return propString(name, p)
}

func propString(unit string, p *dbus.Property) (string, error) {
	v, ok := p.Value.Value().(string)
	if !ok {
		return "", fmt.Errorf("%s %s: not a string: %s", unit, p.Name, p.Value.String())
	}
	return v, nil
}

// unitTypeInterface maps "app.service" to "Service", the suffix of its
// D-Bus interface org.freedesktop.systemd1.Service.
func unitTypeInterface(name string) string {
	typ := name[strings.LastIndexByte(name, '.')+1:]
	if typ == "" {
		return ""
	}
	return strings.ToUpper(typ[:1]) + typ[1:]
}
