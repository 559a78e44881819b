package bundle

import (
	"fmt"
	"path"
	"strings"
)

// RefusedError is an archive Extract will not unpack: what is wrong with
// which entry. Anything else Extract returns is an I/O error.
type RefusedError struct {
	Entry  string // as the archive names it; "" for the archive as a whole
	Reason string
}

func (e *RefusedError) Error() string {
	if e.Entry == "" {
		return "archive refused: " + e.Reason
	}
	return fmt.Sprintf("archive entry %.200q refused: %s", e.Entry, e.Reason)
}

func refused(entry, format string, args ...any) error {
	return &RefusedError{Entry: entry, Reason: fmt.Sprintf(format, args...)}
}

const (
	maxPath      = 4096
	maxComponent = 255
)

// entryName is the path an archive entry names, relative to the release
// and slash-separated: "./" prefixes and a trailing "/" are dropped; an
// absolute path or a ".." anywhere is refused, whatever it would resolve
// to. "" is the release directory itself.
func entryName(raw string) (string, error) {
	switch {
	case strings.ContainsRune(raw, 0):
		return "", refused(raw, "a NUL byte in its name")
	case strings.HasPrefix(raw, "/"):
		return "", refused(raw, "an absolute path: entries must be relative to the release")
	case len(raw) > maxPath:
		return "", refused(raw, "a name of %d bytes (at most %d)", len(raw), maxPath)
	}
	var kept []string
	for _, p := range strings.Split(raw, "/") {
		switch {
		case p == "..":
			return "", refused(raw, `".." in its path: entries must stay inside the release`)
		case p == "" || p == ".":
			continue
		case len(p) > maxComponent:
			return "", refused(raw, "a path component of %d bytes (at most %d)", len(p), maxComponent)
		}
		kept = append(kept, p)
	}
	return strings.Join(kept, "/"), nil
}

// linkInside reports whether a symlink at name (a clean relative path)
// pointing at target resolves inside the release. The rule is lexical
// and strict so that it holds whatever the other links are: a relative
// target, its ".." only leading and no more of them than name has parent
// directories. Extract creates no entry under a symlink, so every link's
// parents are real directories and the rule is enough by induction.
func linkInside(name, target string) bool {
	if target == "" || path.IsAbs(target) || strings.ContainsRune(target, 0) {
		return false
	}
	up, descended := 0, false
	for _, p := range strings.Split(target, "/") {
		switch p {
		case "..":
			if descended {
				return false
			}
			up++
		case "", ".":
		default:
			descended = true
		}
	}
	return up <= strings.Count(name, "/")
}
