package appspec

import (
	"errors"
	"fmt"
	"net/url"
	"path"
	"strings"
)

// MaxText bounds free text that ends up in files and messages on the
// host: an HTTP check's body, Consul tags.
const MaxText = 4096

// HTTPURL is the rule for the URL an HTTP check GETs: http or https, with
// a host. PortPlaceholder may stand for the port, or appear in the path
// or query, but not in the host.
func HTTPURL(s string) error {
	u, err := url.Parse(WithPort(s, 1))
	if err != nil {
		return fmt.Errorf("must be a URL: %w", unwrapURLError(err))
	}
	if u.Scheme != "http" && u.Scheme != "https" {
		return fmt.Errorf("must be an http:// or https:// URL, got %q", s)
	}
	if u.Hostname() == "" {
		return fmt.Errorf("must name a host, got %q", s)
	}
	// Parsed a second time with another stand-in, a host that changes is
	// one that holds the placeholder.
	if v, err := url.Parse(WithPort(s, 2)); err != nil || v.Hostname() != u.Hostname() {
		return fmt.Errorf("may use %s for the port, not in the host, got %q", PortPlaceholder, s)
	}
	return nil
}

// unwrapURLError drops *url.Error's "parse <url>: " prefix, which would
// show the URL with the placeholder's stand-in.
func unwrapURLError(err error) error {
	var ue *url.Error
	if errors.As(err, &ue) {
		return ue.Err
	}
	return err
}

// HTTPStatus is the rule for the status an HTTP check wants.
func HTTPStatus(s int) error {
	if s < 100 || s > 599 {
		return fmt.Errorf("must be an HTTP status between 100 and 599, got %d", s)
	}
	return nil
}

// Text is the rule for free text: at most MaxText bytes, no NUL.
func Text(s string) error {
	if len(s) > MaxText {
		return fmt.Errorf("must be at most %d characters", MaxText)
	}
	if strings.ContainsRune(s, 0) {
		return errors.New("must not contain NUL")
	}
	return nil
}

// Argv is the rule for a command check's argv, which is exec'd without a
// shell: at least the program.
func Argv(argv []string) error {
	if len(argv) == 0 {
		return errors.New("must list the program and its arguments")
	}
	for i, a := range argv {
		if err := Arg(i, a); err != nil {
			return fmt.Errorf("argv[%d] %w", i, err)
		}
	}
	return nil
}

// Arg is the rule for argv[i]: the program (i == 0) must be an absolute,
// clean path, since $PATH on the host is not ours to trust, and no
// argument may hold NUL, which exec cannot pass.
func Arg(i int, s string) error {
	if strings.ContainsRune(s, 0) {
		return errors.New("must not contain NUL")
	}
	if i == 0 && (!path.IsAbs(s) || path.Clean(s) != s) {
		return fmt.Errorf("must be an absolute, clean path to the program (no shell is used), got %q", s)
	}
	return nil
}
