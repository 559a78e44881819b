package deploy_test

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/fleetdeploy/fleet/deploy"
)

// TestOpenRelease: --version is checked as the agent will before the file
// is read; --revision must be a commit hash.
func TestOpenRelease(t *testing.T) {
	path := filepath.Join(t.TempDir(), "hello")
	if err := os.WriteFile(path, []byte("#!/bin/sh\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	a, err := deploy.OpenRelease(path, "v1.2.0", "")
	if err != nil || a.Version != "v1.2.0" || a.Path != path {
		t.Errorf("got %+v %v", a, err)
	}
	if a, err := deploy.OpenRelease(path, "", ""); err != nil || !strings.HasPrefix(a.Version, "sha-") {
		t.Errorf("derived version: %+v %v", a, err)
	}
	_, err = deploy.OpenRelease("/nonexistent", "../v1", "")
	if oe := (*deploy.OverrideError)(nil); !errors.As(err, &oe) || oe.Flag != "version" || !strings.HasPrefix(err.Error(), "--version: ") {
		t.Errorf("bad version: %v", err)
	}
	if _, err := deploy.OpenRelease(path, "v1", "not-a-commit"); err == nil || !strings.HasPrefix(err.Error(), "--revision: ") {
		t.Errorf("bad revision: %v", err)
	}
}
