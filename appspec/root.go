package appspec

import (
	"errors"
	"fmt"
	"path"
	"strings"
)

// MaxPath bounds the root and other paths on the host.
const MaxPath = 1024

// Root is the rule for the app's root on the host. fleet creates,
// renames and prunes directories there as root, so it must be a plain
// absolute path: clean, not /, every component a Name. Anything
// surprising ("..", spaces, shell characters) is refused outright.
func Root(s string) error {
	if err := hostPath(s); err != nil {
		return err
	}
	if s == "/" {
		return errors.New("must not be /")
	}
	if r, bad := firstBad(s, func(r rune) bool { return r == '/' || isNameChar(r) }); bad {
		return fmt.Errorf("must not contain %q", r)
	}
	for elem := range strings.SplitSeq(s[1:], "/") {
		if err := Name(elem); err != nil {
			return fmt.Errorf("component %q %w", elem, err)
		}
	}
	return nil
}

// HostFile is the rule for a file named by its path on the host, such as
// a Consul token file: absolute, clean and not /. ~ is refused: it would
// be expanded on the controller, not on the host.
func HostFile(s string) error {
	if strings.HasPrefix(s, "~") {
		return fmt.Errorf("is a path on the host, where ~ is not expanded; write an absolute path, got %q", s)
	}
	if strings.ContainsRune(s, 0) {
		return errors.New("must not contain NUL")
	}
	if err := hostPath(s); err != nil {
		return err
	}
	if s == "/" {
		return errors.New("must name a file, not /")
	}
	return nil
}

// hostPath requires an absolute, clean path of at most MaxPath bytes.
func hostPath(s string) error {
	if len(s) > MaxPath {
		return fmt.Errorf("must be at most %d characters", MaxPath)
	}
	if !strings.HasPrefix(s, "/") {
		return fmt.Errorf("must be an absolute path on the host, got %q", s)
	}
	for elem := range strings.SplitSeq(s, "/") {
		if elem == ".." {
			return errors.New(`must not contain a ".." element`)
		}
	}
	if c := path.Clean(s); c != s {
		return fmt.Errorf("must be a clean path (did you mean %s?)", c)
	}
	return nil
}
