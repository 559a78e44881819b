package inventory

import (
	"errors"
	"fmt"
	"maps"
	"strings"

	"go.yaml.in/yaml/v3"
)

// mergeLabels returns base with over on top, as a new map.
func mergeLabels(base, over map[string]string) map[string]string {
	out := make(map[string]string, len(base)+len(over))
	maps.Copy(out, base)
	maps.Copy(out, over)
	return out
}

// labels decodes a mapping of label keys to values. Values may be written
// as numbers or booleans (zone: 1) and are kept as text.
func (d *decoder) labels(n *yaml.Node, a at) map[string]string {
	out := map[string]string{}
	n = Deref(n)
	if IsNull(n) {
		return out
	}
	if n.Kind != yaml.MappingNode {
		d.errorf(n, a, "must be a mapping of label names to values, got %s", describe(n))
		return out
	}
	first := map[string]*yaml.Node{}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := Deref(n.Content[i]), Deref(n.Content[i+1])
		key, ok := d.key(k, a, first)
		if !ok {
			continue
		}
		if err := validLabelKey(key); err != nil {
			d.errorf(k, a.key(key), "label name %s", err)
			continue
		}
		if v == nil || v.Kind != yaml.ScalarNode || IsNull(v) {
			d.errorf(v, a.key(key), "must be a label value, got %s", describe(v))
			continue
		}
		if err := validLabelValue(v.Value); err != nil {
			d.errorf(v, a.key(key), "label value %s", err)
			continue
		}
		out[key] = v.Value
	}
	return out
}

// Label keys and values must survive the selector syntax (k=v,k!=v,k), so
// '=', '!', ',' and whitespace are out.

func validLabelKey(s string) error {
	if s == "" {
		return errors.New("must not be empty")
	}
	if len(s) > maxName {
		return fmt.Errorf("must be at most %d characters", maxName)
	}
	if r, bad := firstBad(s, func(r rune) bool { return isAlnum(r) || strings.ContainsRune("._/-", r) }); bad {
		return fmt.Errorf("must not contain %q", r)
	}
	if !isAlnum(rune(s[0])) {
		return errors.New("must start with a letter or digit")
	}
	return nil
}

func validLabelValue(s string) error {
	if len(s) > maxName {
		return fmt.Errorf("must be at most %d characters", maxName)
	}
	if r, bad := firstBad(s, func(r rune) bool { return isAlnum(r) || strings.ContainsRune("._/:+-", r) }); bad {
		return fmt.Errorf("must not contain %q", r)
	}
	return nil
}

// ValidLabel applies the label rules of fleet.yaml to one label, for
// callers that turn another source's metadata into labels.
func ValidLabel(key, value string) error {
	if err := validLabelKey(key); err != nil {
		return fmt.Errorf("label name %q %w", key, err)
	}
	if err := validLabelValue(value); err != nil {
		return fmt.Errorf("label %s value %w", key, err)
	}
	return nil
}
