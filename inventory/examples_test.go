package inventory

import (
	"path/filepath"
	"testing"
)

// TestLoad_Examples: the inventories users copy from examples/ are valid.
func TestLoad_Examples(t *testing.T) {
	t.Setenv("HOME", "/home/u")
	files, err := filepath.Glob("../examples/*/fleet.yaml")
	if err != nil || len(files) == 0 {
		t.Fatalf("no example inventories found (%v)", err)
	}
	for _, f := range files {
		if _, err := Load(f); err != nil {
			t.Errorf("%s: %v", f, err)
		}
	}
}
