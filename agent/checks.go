package agent

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"os/exec"
	"strings"
	"time"

	"github.com/fleetdeploy/fleet/appspec"
)

// Probe output limits: enough to match a body or explain a failure.
const (
	maxBodyRead   = 64 << 10
	maxReasonText = 256
)

// prober runs single checks. A check's zero timeout means the gate's
// interval: a probe should not outlast its round.
type prober struct {
	units    UnitManager
	interval time.Duration
	dial     func(ctx context.Context, network, address string) (net.Conn, error) // Deps.Dial
}

func (p prober) probe(ctx context.Context, c appspec.Check) CheckResult {
	var name string
	var err error
	switch {
	case c.HTTP != nil:
		name = "http GET " + c.HTTP.URL
		err = p.httpProbe(ctx, c.HTTP)
	case c.TCP != nil:
		name = "tcp " + c.TCP.Address
		err = p.tcpProbe(ctx, c.TCP)
	case c.Command != nil:
		name = "command " + c.Command.Argv[0]
		err = p.commandProbe(ctx, c.Command)
	case c.Systemd != nil:
		name = "systemd " + c.Systemd.Unit
		err = p.systemdProbe(ctx, c.Systemd)
	}
	if err != nil {
		return CheckResult{Check: name, Reason: clip(err.Error())}
	}
	return CheckResult{Check: name, OK: true}
}

func (p prober) timeout(d appspec.Duration) time.Duration {
	if d > 0 {
		return d.Std()
	}
	return p.interval
}

func (p prober) httpProbe(ctx context.Context, c *appspec.HTTPCheck) error {
	ctx, cancel := context.WithTimeout(ctx, p.timeout(c.Timeout))
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, c.URL, nil)
	if err != nil {
		return err
	}
	// A fresh connection per probe sees a restarted service as it is, and
	// no proxy from the environment sits between the agent and the app.
	client := &http.Client{Transport: &http.Transport{DisableKeepAlives: true, DialContext: p.dial}}
	resp, err := client.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	want := c.Status
	if want == 0 {
		want = http.StatusOK
	}
	if resp.StatusCode != want {
		return fmt.Errorf("status %d, want %d", resp.StatusCode, want)
	}
	if c.Body == "" {
		return nil
	}
	body, err := io.ReadAll(io.LimitReader(resp.Body, maxBodyRead))
	if err != nil {
		return fmt.Errorf("read body: %w", err)
	}
	if !bytes.Contains(body, []byte(c.Body)) {
		return fmt.Errorf("body does not contain %q", c.Body)
	}
	return nil
}

func (p prober) tcpProbe(ctx context.Context, c *appspec.TCPCheck) error {
	ctx, cancel := context.WithTimeout(ctx, p.timeout(c.Timeout))
	defer cancel()
	conn, err := p.dial(ctx, "tcp", c.Address)
	if err != nil {
		return err
	}
	return conn.Close()
}

// commandProbe runs argv directly (no shell); exit 0 passes.
func (p prober) commandProbe(ctx context.Context, c *appspec.CommandCheck) error {
	ctx, cancel := context.WithTimeout(ctx, p.timeout(c.Timeout))
	defer cancel()
	cmd := exec.CommandContext(ctx, c.Argv[0], c.Argv[1:]...)
	var out tailBuffer
	cmd.Stdout, cmd.Stderr = &out, &out
	// A child that keeps our pipes open must not hold the round hostage.
	cmd.WaitDelay = time.Second
	if err := cmd.Run(); err != nil {
		if text := strings.TrimSpace(out.String()); text != "" {
			return fmt.Errorf("%w: %s", err, text)
		}
		return err
	}
	return nil
}

func (p prober) systemdProbe(ctx context.Context, c *appspec.SystemdCheck) error {
	want := c.State
	if want == "" {
		want = "active"
	}
	got, err := p.units.ActiveState(ctx, c.Unit)
	if err != nil {
		return err
	}
	if got != want {
		return fmt.Errorf("ActiveState %s, want %s", got, want)
	}
	return nil
}

// tailBuffer keeps the last maxReasonText bytes written to it.
type tailBuffer struct{ b []byte }

func (t *tailBuffer) Write(p []byte) (int, error) {
	t.b = append(t.b, p...)
	if len(t.b) > maxReasonText {
		t.b = t.b[len(t.b)-maxReasonText:]
	}
	return len(p), nil
}

func (t *tailBuffer) String() string { return string(t.b) }

func clip(s string) string {
	if len(s) <= maxReasonText {
		return s
	}
	return s[:maxReasonText] + "..."
}
