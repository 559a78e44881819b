package report_test

import (
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// forbidden may never be in report's import graph: it formats data and
// writes files, and never talks to hosts.
var forbidden = []string{"os/exec", "net", "golang.org/x/crypto/ssh", "github.com/pkg/sftp"}

// forbiddenDirect may not be imported by report's own files: it writes
// files (os) but runs no processes and logs nothing.
var forbiddenDirect = []string{"os/exec", "io/ioutil", "log", "log/slog", "syscall", "net", "net/http"}

// TestDeps_StandardLibraryOnly enforces report's arrows from DESIGN.md.
func TestDeps_StandardLibraryOnly(t *testing.T) {
	self := goList(t, "{{.ImportPath}}")[0]
	for _, line := range goList(t, "{{.ImportPath}} {{.Standard}}", "-deps") {
		path, standard, _ := strings.Cut(line, " ")
		switch {
		case path == self:
		case slices.Contains(forbidden, path) || strings.HasPrefix(path, "net/"):
			t.Errorf("report depends on %s, which it must never import", path)
		case standard != "true":
			t.Errorf("report depends on %s, outside the standard library", path)
		}
	}
	for _, path := range goList(t, "{{range .Imports}}{{.}}\n{{end}}") {
		if slices.Contains(forbiddenDirect, path) {
			t.Errorf("report imports %s", path)
		}
	}
}

// goList runs go list -f format on this package (not its tests) and
// returns the non-empty output lines.
func goList(t *testing.T, format string, flags ...string) []string {
	t.Helper()
	args := slices.Concat([]string{"list", "-f", format}, flags, []string{"."})
	out, err := exec.Command(goTool(t), args...).Output()
	if err != nil {
		var stderr []byte
		if ee := (*exec.ExitError)(nil); errors.As(err, &ee) {
			stderr = ee.Stderr
		}
		t.Fatalf("go %s: %v\n%s", strings.Join(args, " "), err, stderr)
	}
	var lines []string
	for l := range strings.Lines(string(out)) {
		if l = strings.TrimSpace(l); l != "" {
			lines = append(lines, l)
		}
	}
	if len(lines) == 0 {
		t.Fatalf("go %s printed nothing", strings.Join(args, " "))
	}
	return lines
}

// goTool finds the go command: go test puts its own on PATH; GOROOT is
// the fallback for a test binary run by hand.
func goTool(t *testing.T) string {
	t.Helper()
	if p, err := exec.LookPath("go"); err == nil {
		return p
	}
	if root := os.Getenv("GOROOT"); root != "" {
		return filepath.Join(root, "bin", "go")
	}
	t.Fatal("no go command on PATH and GOROOT unset: cannot check report's imports")
	return ""
}
