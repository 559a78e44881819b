package appspec

import (
	"errors"
	"fmt"
	"slices"
	"strings"
)

// MaxUnit is systemd's limit on unit names.
const MaxUnit = 255

// TemplateSuffix ends the name of the template unit that runs slots.
const TemplateSuffix = "@.service"

// unitTypes are the suffixes systemd gives unit names.
var unitTypes = []string{"service", "socket", "device", "mount", "automount",
	"swap", "target", "path", "timer", "slice", "scope"}

// unitStates are systemd's ActiveState values.
var unitStates = []string{"active", "reloading", "inactive", "failed", "activating",
	"deactivating", "maintenance", "refreshing"}

// Unit applies systemd's unit name rules to a unit fleet restarts, stops
// or checks: [A-Za-z0-9:_.@-] and \xNN escapes, a known type suffix, at
// most 255 bytes, at most one '@' with a name before it and an instance
// after it (a bare template cannot be restarted). A leading '-' is
// refused too, so a name never reads as a flag.
func Unit(s string) error {
	stem, err := unitStem(s)
	if err != nil {
		return err
	}
	prefix, instance, found := strings.Cut(stem, "@")
	switch {
	case !found:
		return nil
	case prefix == "":
		return fmt.Errorf("must name the unit before @, got %q", s)
	case strings.Contains(instance, "@"):
		return fmt.Errorf("must contain at most one @, got %q", s)
	case instance == "":
		return fmt.Errorf("is a template; name an instance such as %s1%s", s[:len(stem)], s[len(stem):])
	}
	return nil
}

// unitStem checks what every unit name needs and returns it without its
// type suffix.
func unitStem(s string) (string, error) {
	if s == "" {
		return "", errors.New("must not be empty")
	}
	if len(s) > MaxUnit {
		return "", fmt.Errorf("must be at most %d characters", MaxUnit)
	}
	if r, bad := firstBad(s, func(r rune) bool { return isAlnum(r) || strings.ContainsRune(":_.@-\\", r) }); bad {
		return "", fmt.Errorf("must not contain %q", r)
	}
	for i := 0; i < len(s); i++ {
		if s[i] != '\\' {
			continue
		}
		if i+3 >= len(s) || s[i+1] != 'x' || !isHex(s[i+2]) || !isHex(s[i+3]) {
			return "", fmt.Errorf(`may use \ only in \xNN escapes, got %q`, s)
		}
		i += 3
	}
	dot := strings.LastIndexByte(s, '.')
	switch {
	case dot < 0 || !slices.Contains(unitTypes, s[dot+1:]):
		return "", fmt.Errorf("must end in a unit type such as .service, got %q", s)
	case dot == 0:
		return "", fmt.Errorf("must have a name before %s", s)
	case s[0] == '-':
		return "", fmt.Errorf("must not start with '-', got %q", s)
	}
	return s[:dot], nil
}

// TemplateUnit is the rule for the systemd template that runs slots, such
// as hello@.service: one '@', right before .service, with a name before it.
func TemplateUnit(s string) error {
	prefix, ok := strings.CutSuffix(s, TemplateSuffix)
	switch {
	case !ok:
		return fmt.Errorf("must be a systemd template unit ending in %s, such as hello%s, got %q", TemplateSuffix, TemplateSuffix, s)
	case prefix == "":
		return fmt.Errorf("must name the template before %s", TemplateSuffix)
	case strings.Contains(prefix, "@"):
		return fmt.Errorf("must contain one @, got %q", s)
	case prefix[0] == '-':
		return fmt.Errorf("must not start with '-', got %q", s)
	}
	// The characters, escapes and length, checked on a one-letter instance.
	return Unit(InstanceUnit(s, "x"))
}

// InstanceUnit names the template's instance: "hello@.service" and "blue"
// give "hello@blue.service".
func InstanceUnit(template, instance string) string {
	prefix, suffix, _ := strings.Cut(template, "@")
	return prefix + "@" + instance + suffix
}

// SlotUnit checks the unit the slot makes of the template: a valid slot
// name can still make one too long.
func SlotUnit(template, slot string) error {
	u := InstanceUnit(template, slot)
	if err := Unit(u); err != nil {
		return fmt.Errorf("makes the unit %s, which %w", u, err)
	}
	return nil
}

// UnitState is the rule for the state a systemd check waits for: one of
// systemd's ActiveState values.
func UnitState(s string) error {
	if !slices.Contains(unitStates, s) {
		return fmt.Errorf("must be one of %s, got %q", strings.Join(unitStates, ", "), s)
	}
	return nil
}
