//go:build !unix

package agent

import (
	"context"
	"errors"
	"fmt"
	"io"
)

// ExecHookRunner runs hooks on Unix hosts only; this stub lets the
// controller side of the package build everywhere.
type ExecHookRunner struct{}

// RunHook implements HookRunner.
func (ExecHookRunner) RunHook(context.Context, HookCommand, io.Writer) error {
	return fmt.Errorf("hooks: %w", errors.ErrUnsupported)
}
