// Package depstest checks a package's imports with `go list`, so each leaf
// package can pin the arrows DESIGN.md draws in a few lines of its own test:
// StandardLibraryOnly for the pure packages, StandardLibraryAnd for those
// that may also import a few named packages (inventory and its sources),
// Arrows for those whose other modules are free (agent, transport,
// deploy), and NotImported for another module a package must never use
// (deploy and the command line's).
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
// needs some of net/'s pure parsers (net/url, net/netip) or a leaf of this
// module that is itself standard-library only (appspec; its own deps test
// holds it to that): the packages in allowed are exempt, nothing else is.
func StandardLibraryOnlyExcept(t *testing.T, name string, allowed, forbidden, forbiddenDirect []string) {
	t.Helper()
	self := goList(t, ".", "{{.ImportPath}}")[0]
	for _, line := range goList(t, ".", "{{.ImportPath}} {{.Standard}}", "-deps") {
		path, standard, _ := strings.Cut(line, " ")
		switch {
		case path == self, slices.Contains(allowed, path):
		case slices.Contains(forbidden, path) || strings.HasPrefix(path, "net/"):
			t.Errorf("%s depends on %s, which it must never import", name, path)
		case standard != "true":
			t.Errorf("%s depends on %s, outside the standard library", name, path)
		}
	}
	for _, path := range goList(t, ".", "{{range .Imports}}{{.}}\n{{end}}") {
		if slices.Contains(forbiddenDirect, path) {
			t.Errorf("%s imports %s", name, path)
		}
	}
}

// StandardLibraryAnd fails t unless everything the package in the current
// directory and its tests depend on is in the standard library or in
// allowed (import paths). The package itself, its test variants and
// depstest, which the tests import to run this, are always allowed.
// name is the package's name for the messages.
func StandardLibraryAnd(t *testing.T, name string, allowed ...string) {
	t.Helper()
	self := goList(t, ".", "{{.ImportPath}}")[0]
	ok := append([]string{self, self + ".test", self + "_test", depstest}, allowed...)
	// -test adds the tests' dependencies; a test variant prints as
	// "path [self.test]", of which the path is what counts.
	for _, line := range goList(t, ".", "{{if not .Standard}}{{.ImportPath}}{{end}}", "-deps", "-test") {
		path, _, _ := strings.Cut(line, " ")
		if !slices.Contains(ok, path) {
			t.Errorf("%s depends on %s; only the standard library and %s are allowed",
				name, path, strings.Join(allowed, ", "))
		}
	}
}

// Arrows fails t if pkg depends on a package of this module other than
// itself and allowed. pkg and allowed are paths inside the module, such as
// "agent/agenttest"; packages of other modules are not checked, nor are
// pkg's tests.
func Arrows(t *testing.T, pkg string, allowed ...string) {
	t.Helper()
	ok := []string{module + "/" + pkg}
	for _, a := range allowed {
		ok = append(ok, module+"/"+a)
	}
	for _, path := range goList(t, module+"/"+pkg, "{{.ImportPath}}", "-deps") {
		if (path == module || strings.HasPrefix(path, module+"/")) && !slices.Contains(ok, path) {
			t.Errorf("%s depends on %s; DESIGN.md's arrows allow only %s", pkg, strings.TrimPrefix(path, module+"/"),
				strings.Join(append([]string{pkg}, allowed...), ", "))
		}
	}
}

// NotImported fails t if pkg (a path inside the module) depends on any
// of forbidden, import paths of any module (or anything under one of
// them), such as the command line's "github.com/urfave/cli/v2": Arrows
// checks only this module's packages.
func NotImported(t *testing.T, pkg string, forbidden ...string) {
	t.Helper()
	for _, path := range goList(t, module+"/"+pkg, "{{.ImportPath}}", "-deps") {
		for _, f := range forbidden {
			if path == f || strings.HasPrefix(path, f+"/") {
				t.Errorf("%s depends on %s, which it must never import", pkg, path)
			}
		}
	}
}

// module is this module's path, and depstest this package's.
const (
	module   = "github.com/fleetdeploy/fleet"
	depstest = module + "/internal/depstest"
)

// goList runs go list -f format on pkg ("." for the package in the
// current directory; not its tests unless flags has -test) and returns
// the non-empty output lines.
func goList(t *testing.T, pkg, format string, flags ...string) []string {
	t.Helper()
	args := slices.Concat([]string{"list", "-f", format}, flags, []string{pkg})
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
