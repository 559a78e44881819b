package report_test

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestWriteFiles: both files, either alone, and a failing one does not
// stop the other.
func TestWriteFiles(t *testing.T) {
	dir := t.TempDir()
	junit, js := filepath.Join(dir, "r.xml"), filepath.Join(dir, "r.json")
	if err := sample().WriteFiles(junit, js); err != nil {
		t.Fatal(err)
	}
	if data, err := os.ReadFile(junit); err != nil || !strings.Contains(string(data), "<testsuites") {
		t.Errorf("junit: %v\n%s", err, data)
	}
	if data, err := os.ReadFile(js); err != nil || !json.Valid(data) {
		t.Errorf("json: %v\n%s", err, data)
	}
	only := filepath.Join(dir, "only.json")
	err := sample().WriteFiles(filepath.Join(dir, "missing", "r.xml"), only)
	if err == nil || !strings.Contains(err.Error(), "missing") {
		t.Errorf("bad junit path: %v", err)
	}
	if _, serr := os.Stat(only); serr != nil {
		t.Errorf("the JSON report was not written beside a failing JUnit one: %v", serr)
	}
	if err := sample().WriteFiles("", ""); err != nil {
		t.Errorf("none: %v", err)
	}
}
