package inventory

import (
	"time"

	"github.com/fleetdeploy/fleet/appspec"
	"go.yaml.in/yaml/v3"
)

// str reads a string. Integers and numbers are taken as written because a
// user who writes `name: 2048` means the name "2048"; booleans are refused
// because `name: yes`-style surprises are what type checks are for.
func (d *decoder) str(n *yaml.Node, a at) (string, bool) {
	n = Deref(n)
	if n == nil || n.Kind != yaml.ScalarNode || IsNull(n) || n.ShortTag() == "!!bool" {
		d.errorf(n, a, "must be a string, got %s", describe(n))
		return "", false
	}
	return n.Value, true
}

func (d *decoder) integer(n *yaml.Node, a at) (int, bool) {
	n = Deref(n)
	var v int
	if n == nil || n.Kind != yaml.ScalarNode || n.ShortTag() != "!!int" || n.Decode(&v) != nil {
		d.errorf(n, a, "must be an integer, got %s", describe(n))
		return 0, false
	}
	return v, true
}

func (d *decoder) boolean(n *yaml.Node, a at) (bool, bool) {
	n = Deref(n)
	var v bool
	if n == nil || n.Kind != yaml.ScalarNode || n.ShortTag() != "!!bool" || n.Decode(&v) != nil {
		d.errorf(n, a, "must be true or false, got %s", describe(n))
		return false, false
	}
	return v, true
}

// duration reads a Go duration string such as 500ms or 1m30s; a bare number
// is refused because its unit would be a guess.
func (d *decoder) duration(n *yaml.Node, a at) (time.Duration, bool) {
	n = Deref(n)
	if n == nil || n.Kind != yaml.ScalarNode || IsNull(n) {
		d.errorf(n, a, "must be a duration such as 5s, got %s", describe(n))
		return 0, false
	}
	v, err := time.ParseDuration(n.Value)
	if err != nil {
		d.errorf(n, a, "must be a duration such as 5s or 500ms, got %q", n.Value)
		return 0, false
	}
	if v < 0 {
		d.errorf(n, a, "must not be negative")
		return 0, false
	}
	return v, true
}

// optional reads an optional field of a section with read and, when check
// is not nil, validates it. It returns nil when the field is absent or
// wrong, so the caller keeps its default and the problem is reported once.
func optional[T any](d *decoder, f map[string]*yaml.Node, key string, a at,
	read func(*yaml.Node, at) (T, bool), check func(T) error) *T {
	n, ok := f[key]
	if !ok {
		return nil
	}
	v, ok := read(n, a.key(key))
	if !ok {
		return nil
	}
	if check != nil {
		if err := check(v); err != nil {
			d.invalid(Deref(n), a.key(key), err)
			return nil
		}
	}
	return &v
}

// setDurationIf is setIf for the spec's durations, which travel as text
// (appspec.Duration).
func setDurationIf(dst *appspec.Duration, v *time.Duration) {
	if v != nil {
		*dst = appspec.Duration(*v)
	}
}
