package plan_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/fleetdeploy/fleet/plan"
)

func TestParseIntOrPercent_Inputs(t *testing.T) {
	tests := []struct {
		in      string
		want    plan.IntOrPercent
		wantErr string // substring of the error; "" = no error
	}{
		{in: "3", want: plan.IntOrPercent{Value: 3}},
		{in: "0", want: plan.IntOrPercent{}},
		{in: "25%", want: plan.IntOrPercent{Value: 25, Percent: true}},
		{in: "0%", want: plan.IntOrPercent{Percent: true}},
		{in: "100%", want: plan.IntOrPercent{Value: 100, Percent: true}},
		{in: "007", want: plan.IntOrPercent{Value: 7}},
		{in: "101%", wantErr: "above 100%"},
		{in: "-1", wantErr: "negative"},
		{in: "-5%", wantErr: "negative"},
		{in: "", wantErr: "empty"},
		{in: "%", wantErr: "empty"},
		{in: "abc", wantErr: "not a number"},
		{in: "3.5", wantErr: "not a number"},
		{in: "+3", wantErr: "not a number"},
		{in: " 3", wantErr: "not a number"},
		{in: "25%%", wantErr: "not a number"},
		{in: "--3", wantErr: "not a number"},
		{in: "99999999999999999999", wantErr: "out of range"},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, err := plan.ParseIntOrPercent(tt.in)
			if tt.wantErr != "" {
				if !errors.Is(err, plan.ErrInvalidIntOrPercent) || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("ParseIntOrPercent(%q) error = %v, want ErrInvalidIntOrPercent saying %q", tt.in, err, tt.wantErr)
				}
				return
			}
			if err != nil || got != tt.want {
				t.Fatalf("ParseIntOrPercent(%q) = %+v, %v; want %+v", tt.in, got, err, tt.want)
			}
			if back, _ := plan.ParseIntOrPercent(got.String()); back != got {
				t.Errorf("String() %q does not parse back to %+v", got.String(), got)
			}
		})
	}
}

func TestIntOrPercent_Resolve(t *testing.T) {
	pct := func(v int) plan.IntOrPercent { return plan.IntOrPercent{Value: v, Percent: true} }
	tests := []struct {
		name    string
		v       plan.IntOrPercent
		total   int
		roundUp bool
		want    int
	}{
		{"25% of 10 down", pct(25), 10, false, 2},
		{"25% of 10 up", pct(25), 10, true, 3},
		{"10% of 3 down", pct(10), 3, false, 0},
		{"10% of 3 up", pct(10), 3, true, 1},
		{"50% of 4 exact", pct(50), 4, true, 2},
		{"100% of 7", pct(100), 7, false, 7},
		{"0% up", pct(0), 7, true, 0},
		{"percent of none", pct(50), 0, true, 0},
		{"count is not scaled", plan.IntOrPercent{Value: 3}, 10, false, 3},
		{"count may exceed total", plan.IntOrPercent{Value: 5}, 2, true, 5},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.v.Resolve(tt.total, tt.roundUp); got != tt.want {
				t.Errorf("%s.Resolve(%d, %v) = %d, want %d", tt.v, tt.total, tt.roundUp, got, tt.want)
			}
		})
	}
}

func TestIntOrPercent_Text(t *testing.T) {
	var v plan.IntOrPercent
	if err := v.UnmarshalText([]byte("30%")); err != nil || v != (plan.IntOrPercent{Value: 30, Percent: true}) {
		t.Fatalf("UnmarshalText(30%%) = %+v, %v", v, err)
	}
	if b, _ := v.MarshalText(); string(b) != "30%" {
		t.Errorf("MarshalText = %q, want 30%%", b)
	}
	if err := v.UnmarshalText([]byte("x")); !errors.Is(err, plan.ErrInvalidIntOrPercent) {
		t.Errorf("UnmarshalText(x) error = %v, want ErrInvalidIntOrPercent", err)
	}
	if !(plan.IntOrPercent{Percent: true}).IsZero() || (plan.IntOrPercent{Value: 1}).IsZero() {
		t.Error("IsZero: want true for 0% and false for 1")
	}
}
