package main

import (
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/fleetdeploy/fleet/deploy"
	"github.com/fleetdeploy/fleet/plan"
)

// TestRunExit_AfterHookFailed: a run whose waves all succeeded but whose
// after hook failed exits 2, saying every host is on the version.
func TestRunExit_AfterHookFailed(t *testing.T) {
	ctx := t.Context()
	ok := deploy.Record{Version: "v2", Result: &plan.Result{}}
	if err := runExit(ctx, ok, nil); err != nil {
		t.Fatalf("a clean run: %v", err)
	}
	failed := ok
	failed.HookErr = fmt.Errorf("%w: host web1: after: hook_failed: …", deploy.ErrHookFailed)
	err := runExit(ctx, failed, nil)
	if code := exitCodeOf(ctx, err); code != exitMixed || !errors.Is(err, deploy.ErrHookFailed) || !strings.Contains(err.Error(), "every host is on v2") {
		t.Errorf("exit %d, %v", code, err)
	}
}
