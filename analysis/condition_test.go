package analysis

import (
	"math"
	"strings"
	"testing"
)

func TestParseCondition_Table(t *testing.T) {
	for _, tc := range []struct {
		in   string
		op   Op
		v    float64
		text string
	}{
		{"< 0.01", Less, 0.01, "< 0.01"},
		{"<0.01", Less, 0.01, "< 0.01"},
		{"  <=   300ms ", LessEqual, 0.3, "<= 300ms"},
		{"> 0.99", Greater, 0.99, "> 0.99"},
		{">= 5", GreaterEqual, 5, ">= 5"},
		{"< 1e-3", Less, 0.001, "< 1e-3"},
		{"> -1", Greater, -1, "> -1"},
		{"< .5", Less, 0.5, "< .5"},
		{"<= 1.5s", LessEqual, 1.5, "<= 1.5s"},
		{"< 2m", Less, 120, "< 2m"},
	} {
		c, err := ParseCondition(tc.in)
		if err != nil {
			t.Errorf("ParseCondition(%q): %v", tc.in, err)
			continue
		}
		if c.Op != tc.op || math.Abs(c.Threshold-tc.v) > 1e-12 || c.Text != tc.text {
			t.Errorf("ParseCondition(%q) = %+v, want %s %v %q", tc.in, c, tc.op, tc.v, tc.text)
		}
	}
}

func TestParseCondition_Refused(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"", "is empty"},
		{"0.01", "does not start with a comparison"},
		{"== 1", "not a comparison"},
		{"= 1", "not a comparison"},
		{"≤ 1", "not a comparison"},
		{"<", "no value"},
		{"< 1%", "percentages"},
		{"< NaN", "neither a number"},
		{"< Inf", "neither a number"},
		{"< 0x10", "neither a number"},
		{"< 1e999", "not a number fleet can compare"},
		{"< -5s", "must not be negative"},
		{"< 5 apples", "neither a number"},
		{"<< 1", "neither a number"},
	} {
		_, err := ParseCondition(tc.in)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("ParseCondition(%q) = %v, want an error with %q", tc.in, err, tc.want)
		}
	}
}

func TestEvaluate_Table(t *testing.T) {
	lt := Condition{Op: Less, Threshold: 0.01}
	le := Condition{Op: LessEqual, Threshold: 0.3}
	gt := Condition{Op: Greater, Threshold: 0.99}
	ge := Condition{Op: GreaterEqual, Threshold: 5}
	for _, tc := range []struct {
		name string
		s    Sample
		c    Condition
		want Outcome
	}{
		{"below", Sample{Value: 0.001, HasData: true}, lt, Pass},
		{"at the bound, strict", Sample{Value: 0.01, HasData: true}, lt, Fail},
		{"at the bound, inclusive", Sample{Value: 0.3, HasData: true}, le, Pass},
		{"above", Sample{Value: 0.31, HasData: true}, le, Fail},
		{"greater", Sample{Value: 0.995, HasData: true}, gt, Pass},
		{"not greater", Sample{Value: 0.99, HasData: true}, gt, Fail},
		{"at least", Sample{Value: 5, HasData: true}, ge, Pass},
		{"less than at least", Sample{Value: 4.9, HasData: true}, ge, Fail},
		{"empty result", Sample{}, lt, NoData},
		{"NaN", Sample{Value: math.NaN(), HasData: true}, lt, NoData},
		{"+Inf fails <", Sample{Value: math.Inf(1), HasData: true}, lt, Fail},
		{"+Inf passes >", Sample{Value: math.Inf(1), HasData: true}, gt, Pass},
		{"zero is data", Sample{Value: 0, HasData: true}, lt, Pass},
	} {
		if got := Evaluate(tc.s, tc.c); got != tc.want {
			t.Errorf("%s: Evaluate(%+v, %s %v) = %s, want %s", tc.name, tc.s, tc.c.Op, tc.c.Threshold, got, tc.want)
		}
	}
}

// FuzzCondition: ParseCondition never panics; what it accepts is a
// finite threshold whose Text parses back to the same condition, and a
// value holds or fails exactly as the comparison says, with the message
// operator its negation.
func FuzzCondition(f *testing.F) {
	for _, s := range []string{"< 0.01", "<=300ms", "> 0.99", ">= 5", "< 1e-3", "== 1", "< NaN", "<", "> -0", "<= 1h2m3s"} {
		f.Add(s, 0.01)
	}
	f.Fuzz(func(t *testing.T, s string, v float64) {
		c, err := ParseCondition(s)
		if err != nil {
			return
		}
		if math.IsNaN(c.Threshold) || math.IsInf(c.Threshold, 0) {
			t.Fatalf("ParseCondition(%q) accepted threshold %v", s, c.Threshold)
		}
		again, err := ParseCondition(c.Text)
		if err != nil || again != c {
			t.Fatalf("ParseCondition(%q).Text = %q parses to %+v, %v", s, c.Text, again, err)
		}
		got := Evaluate(Sample{Value: v, HasData: true}, c)
		if math.IsNaN(v) {
			if got != NoData {
				t.Fatalf("NaN evaluated to %s", got)
			}
			return
		}
		var want bool
		switch c.Op {
		case Less:
			want = v < c.Threshold
		case LessEqual:
			want = v <= c.Threshold
		case Greater:
			want = v > c.Threshold
		case GreaterEqual:
			want = v >= c.Threshold
		default:
			t.Fatalf("unknown op %q", c.Op)
		}
		if (got == Pass) != want || (got != Pass && got != Fail) {
			t.Fatalf("Evaluate(%v, %q) = %s, want pass=%v", v, c.Text, got, want)
		}
		if neg := c.negation(); neg == "?" {
			t.Fatalf("no negation for %q", c.Op)
		}
	})
}
