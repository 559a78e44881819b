// Package depstest checks a package's imports with `go list`, so each leaf
// package can pin the arrows DESIGN.md draws in a few lines of its own test.
package depstest

import (
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// StandardLibraryOnly fails t unless the package in the current directory
// depends on the standard library only, never on anything in forbidden (or
// under net/), and imports nothing in forbiddenDirect from its own files.
// name is the package's name for the messages.
func StandardLibraryOnly(t *testing.T, name string, forbidden, forbiddenDirect []string) {
	t.Helper()
	StandardLibraryOnlyExcept(t, name, nil, forbidden, forbiddenDirect)
}

// StandardLibraryOnlyExcept is StandardLibraryOnly for a package that also
// needs some of net/'s pure parsers (net/url, net/netip): the packages in
// allowed are exempt from the rule against net/, nothing else is.
func StandardLibraryOnlyExcept(t *testing.T, name string, allowed, forbidden, forbiddenDirect []string) {
	t.Helper()
	self := goList(t, "{{.ImportPath}}")[0]
	for _, line := range goList(t, "{{.ImportPath}} {{.Standard}}", "-deps") {
		path, standard, _ := strings.Cut(line, " ")
		switch {
		case path == self, slices.Contains(allowed, path) && standard == "true":
		case slices.Contains(forbidden, path) || strings.HasPrefix(path, "net/"):
			t.Errorf("%s depends on %s, which it must never import", name, path)
		case standard != "true":
			t.Errorf("%s depends on %s, outside the standard library", name, path)
		}
	}
	for _, path := range goList(t, "{{range .Imports}}{{.}}\n{{end}}") {
		if slices.Contains(forbiddenDirect, path) {
			t.Errorf("%s imports %s", name, path)
		}
	}
}

// goList runs go list -f format on the package in the current directory
// (not its tests) and returns the non-empty output lines.
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
	t.Fatal("no go command on PATH and GOROOT unset: cannot check imports")
	return ""
}
