package agent

import (
	"context"
	"errors"
	"fmt"
	"os/exec"
	"strconv"
	"strings"
)

// Journalctl is the real JournalReader: it runs journalctl with an argv,
// never a shell.
type Journalctl struct {
	// Path is the journalctl binary; empty means "journalctl" from PATH.
	Path string
}

var _ JournalReader = Journalctl{}

// Tail returns the last n message lines of unit.
func (j Journalctl) Tail(ctx context.Context, unit string, n int) ([]string, error) {
	if err := ValidateUnitName(unit); err != nil {
		return nil, fmt.Errorf("journal tail: %w", err)
	}
	path := j.Path
	if path == "" {
		path = "journalctl"
	}
	cmd := exec.CommandContext(ctx, path, "-u", unit, "-n", strconv.Itoa(n), "--no-pager", "-o", "cat")
	out, err := cmd.Output()
	if err != nil {
		var ee *exec.ExitError
		if errors.As(err, &ee) && len(ee.Stderr) > 0 {
			return nil, fmt.Errorf("journal tail %s: %w: %s", unit, err, strings.TrimSpace(string(ee.Stderr)))
		}
		return nil, fmt.Errorf("journal tail %s: %w", unit, err)
	}
	text := strings.TrimRight(string(out), "\n")
	if text == "" {
		return nil, nil
	}
	return strings.Split(text, "\n"), nil
}
