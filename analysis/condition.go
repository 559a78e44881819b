package analysis

import (
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"
)

// Op is a condition's comparison.
type Op string

// The comparisons a condition may use. Equality is left out on purpose:
// a rate or a quantile almost never equals a float exactly.
const (
	Less         Op = "<"
	LessEqual    Op = "<="
	Greater      Op = ">"
	GreaterEqual Op = ">="
)

// Condition is when a measured value is good: "< 0.01", "<= 300ms".
// Durations are kept in seconds, the unit Prometheus uses.
type Condition struct {
	Op        Op
	Threshold float64 // seconds when the text was a duration
	Text      string  // as written, trimmed, for messages
}

// ParseCondition parses "<op> <number or duration>" with op one of <,
// <=, > and >=; spaces around either part are optional. A number is
// decimal ("0.01", "5", "1e-3"); a duration is Go's ("300ms", "1.5s",
// "2m") and becomes seconds. NaN, infinities and percentages are refused:
// a query's value is compared as it comes.
func ParseCondition(s string) (Condition, error) {
	text := strings.TrimSpace(s)
	op, rest, err := cutOp(text)
	if err != nil {
		return Condition{}, err
	}
	v, err := parseThreshold(strings.TrimSpace(rest))
	if err != nil {
		return Condition{}, err
	}
	return Condition{Op: op, Threshold: v, Text: string(op) + " " + strings.TrimSpace(rest)}, nil
}

const conditionForm = `want "<op> <value>" such as "< 0.01", "<= 300ms" or ">= 0.99", with op one of <, <=, >, >=`

// cutOp splits the comparison off the front of s.
func cutOp(s string) (Op, string, error) {
	for _, op := range []Op{LessEqual, GreaterEqual, Less, Greater} { // two-character ops first
		if rest, ok := strings.CutPrefix(s, string(op)); ok {
			return op, rest, nil
		}
	}
	for _, bad := range []string{"==", "!=", "=", "≤", "≥"} {
		if strings.HasPrefix(s, bad) {
			return "", "", fmt.Errorf("%q is not a comparison fleet knows: %s", bad, conditionForm)
		}
	}
	if s == "" {
		return "", "", errors.New("is empty: " + conditionForm)
	}
	return "", "", fmt.Errorf("%q does not start with a comparison: %s", s, conditionForm)
}

// parseThreshold reads a decimal number, or a duration as seconds.
func parseThreshold(s string) (float64, error) {
	if s == "" {
		return 0, errors.New("has no value after the comparison: " + conditionForm)
	}
	if strings.HasSuffix(s, "%") {
		return 0, fmt.Errorf("%q: percentages are not converted; write the fraction or number the query returns (0.01, not 1%%)", s)
	}
	if isDecimal(s) {
		v, err := strconv.ParseFloat(s, 64)
		if err != nil || math.IsInf(v, 0) {
			return 0, fmt.Errorf("%q is not a number fleet can compare with", s)
		}
		return v, nil
	}
	d, err := time.ParseDuration(s)
	if err != nil {
		return 0, fmt.Errorf("%q is neither a number (0.01) nor a duration (300ms): %s", s, conditionForm)
	}
	if d < 0 {
		return 0, fmt.Errorf("%q: a duration threshold must not be negative", s)
	}
	return d.Seconds(), nil
}

// isDecimal accepts what a person writes as a number: an optional sign,
// digits with at most one point, and an optional exponent. It keeps
// ParseFloat's other forms (NaN, Inf, hex, underscores) out.
func isDecimal(s string) bool {
	s = strings.TrimLeft(s, "+-")
	mant, exp, hasExp := strings.Cut(strings.ToLower(s), "e")
	whole, frac, _ := strings.Cut(mant, ".")
	if whole+frac == "" || !allDigits(whole) || !allDigits(frac) {
		return false
	}
	if !hasExp {
		return true
	}
	exp = strings.TrimLeft(exp, "+-")
	return exp != "" && allDigits(exp)
}

func allDigits(s string) bool {
	return strings.Trim(s, "0123456789") == ""
}

// Holds reports whether v satisfies the condition. NaN never does.
func (c Condition) Holds(v float64) bool {
	switch c.Op {
	case Less:
		return v < c.Threshold
	case LessEqual:
		return v <= c.Threshold
	case Greater:
		return v > c.Threshold
	case GreaterEqual:
		return v >= c.Threshold
	}
	return false
}

// negation is the comparison a failing value satisfies, for messages:
// a value that fails "< 0.01" is "≥ 0.01".
func (c Condition) negation() string {
	switch c.Op {
	case Less:
		return "≥"
	case LessEqual:
		return ">"
	case Greater:
		return "≤"
	case GreaterEqual:
		return "<"
	}
	return "?"
}

// String is the condition as written.
func (c Condition) String() string { return c.Text }

// Outcome is how one measurement went.
type Outcome string

// The outcomes of a measurement.
const (
	Pass   Outcome = "pass"    // the value satisfied the condition
	Fail   Outcome = "fail"    // it did not
	NoData Outcome = "no_data" // empty result, or NaN (such as 0/0 when nothing was requested)
	Error  Outcome = "error"   // the query failed; see Measurement.Err
)

// Evaluate judges one sample against c: NoData for no result or NaN,
// else Pass or Fail. It is pure; Run applies the metric's NoData policy
// to what it returns.
func Evaluate(s Sample, c Condition) Outcome {
	switch {
	case !s.HasData || math.IsNaN(s.Value):
		return NoData
	case c.Holds(s.Value):
		return Pass
	}
	return Fail
}
