package inventory

import (
	"errors"
	"path/filepath"
	"strings"
)

// expandHome turns ~ and ~/x into paths under home. It runs at Parse, so
// everything after it sees absolute paths and never consults $HOME again.
func expandHome(home, p string) (string, error) {
	if p == "" {
		return "", errors.New("must not be empty")
	}
	if strings.ContainsRune(p, 0) {
		return "", errors.New("must not contain NUL")
	}
	if p != "~" && !strings.HasPrefix(p, "~/") {
		if strings.HasPrefix(p, "~") {
			return "", errors.New("only ~ and ~/ are expanded, not ~user")
		}
		return p, nil
	}
	if home == "" {
		return "", errors.New("$HOME is not set, so ~ cannot be expanded")
	}
	return filepath.Join(home, p[1:]), nil
}
