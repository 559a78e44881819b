package plan

import (
	"fmt"
	"strconv"
	"strings"
)

// IntOrPercent is a host count ("3") or a percentage of a total ("25%"),
// with the Kubernetes rolling-update meaning.
type IntOrPercent struct {
	Value   int
	Percent bool
}

// ParseIntOrPercent parses "3" or "25%". Negative values and percentages
// above 100% are rejected; the error says which rule the input broke.
func ParseIntOrPercent(s string) (IntOrPercent, error) {
	num, pct := strings.CutSuffix(s, "%")
	v := IntOrPercent{Percent: pct}
	if why := parseCount(num, &v.Value); why != "" {
		return IntOrPercent{}, fmt.Errorf("%w %q: %s", ErrInvalidIntOrPercent, s, why)
	}
	if err := v.check(); err != nil {
		return IntOrPercent{}, err
	}
	return v, nil
}

// parseCount accepts only plain decimal digits, so "+3", " 3" and "3.5"
// are refused rather than guessed at. It returns why num is not a count.
func parseCount(num string, dst *int) string {
	const want = `want a count like "3" or a percentage like "25%"`
	if num == "" {
		return "empty: " + want
	}
	digits := strings.TrimPrefix(num, "-")
	if digits == "" || strings.TrimLeft(digits, "0123456789") != "" {
		return "not a number: " + want
	}
	n, err := strconv.Atoi(num)
	if err != nil {
		return "number out of range"
	}
	*dst = n
	return ""
}

// check applies the range rules to a value that may have been built
// without ParseIntOrPercent (a struct literal in cmd/fleet or a test).
func (v IntOrPercent) check() error {
	switch {
	case v.Value < 0:
		return fmt.Errorf("%w %q: negative", ErrInvalidIntOrPercent, v.String())
	case v.Percent && v.Value > 100:
		return fmt.Errorf("%w %q: percentage above 100%%", ErrInvalidIntOrPercent, v.String())
	}
	return nil
}

// Resolve turns v into a host count out of total. Percentages round down
// (maxUnavailable, maxFailures) or up (maxSurge) as Kubernetes does; a
// plain count is returned as is, even when it exceeds total.
func (v IntOrPercent) Resolve(total int, roundUp bool) int {
	if !v.Percent {
		return v.Value
	}
	total = max(total, 0)
	if roundUp {
		return (v.Value*total + 99) / 100
	}
	return v.Value * total / 100
}

// String returns the form ParseIntOrPercent accepts.
func (v IntOrPercent) String() string {
	if v.Percent {
		return strconv.Itoa(v.Value) + "%"
	}
	return strconv.Itoa(v.Value)
}

// IsZero reports whether v is 0 or 0%: both allow no host at all.
func (v IntOrPercent) IsZero() bool { return v.Value == 0 }

// MarshalText renders v as String does, so JSON output shows "25%".
func (v IntOrPercent) MarshalText() ([]byte, error) { return []byte(v.String()), nil }

// UnmarshalText parses text with ParseIntOrPercent.
func (v *IntOrPercent) UnmarshalText(text []byte) error {
	parsed, err := ParseIntOrPercent(string(text))
	if err != nil {
		return err
	}
	*v = parsed
	return nil
}
