package analysis

import (
	"errors"
	"strings"
	"testing"
	"time"
)

func goodMetric() Metric {
	return Metric{Name: "error_rate", Query: errorRate, Condition: "< 0.01"}
}

func TestMetric_WithDefaults(t *testing.T) {
	got := goodMetric().WithDefaults()
	if got.Interval != 30*time.Second || got.Count != 3 || got.FailureLimit != 0 || got.NoData != NoDataFail || got.InitialDelay != 0 {
		t.Errorf("WithDefaults = %+v", got)
	}
}

func TestSpec_Validate(t *testing.T) {
	if err := (Spec{Metrics: []Metric{goodMetric()}}).Validate(); err != nil {
		t.Fatalf("Validate(good) = %v", err)
	}
	bad := Metric{Name: "bad name", Query: "up{x=\"{{.Nope}}\"}", Condition: "~ 1", Interval: time.Millisecond,
		Count: 2, FailureLimit: 2, NoData: "ignore", InitialDelay: -time.Second}
	err := Spec{Metrics: []Metric{goodMetric(), bad, goodMetric()}}.Validate()
	if !errors.Is(err, ErrInvalidSpec) {
		t.Fatalf("Validate = %v, want ErrInvalidSpec", err)
	}
	for _, want := range []string{
		"metrics[1].name: must hold only",
		"metrics[1].query: cannot be rendered",
		"metrics[1].condition: \"~ 1\" does not start",
		"metrics[1].interval: must be at least 1s",
		"metrics[1].failure_limit: is 2 with count 2",
		"metrics[1].no_data: must be fail or inconclusive",
		"metrics[1].initial_delay: must not be negative",
		"metrics[2].name: duplicate metric error_rate (also metrics[0])",
	} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("Validate error lacks %q:\n%v", want, err)
		}
	}
	var fe *FieldError
	if !errors.As(err, &fe) || fe.Field != "metrics[1].name" {
		t.Errorf("errors.As FieldError = %+v", fe)
	}
	if err := (Spec{}).Validate(); err == nil || !strings.Contains(err.Error(), "at least one metric") {
		t.Errorf("Validate(empty) = %v", err)
	}
}

func TestValidCountAndLimit(t *testing.T) {
	for _, n := range []int{0, -1, MaxCount + 1} {
		if ValidCount(n) == nil {
			t.Errorf("ValidCount(%d) accepted", n)
		}
	}
	if ValidCount(1) != nil || ValidFailureLimit(0, 1) != nil || ValidFailureLimit(-1, 3) == nil {
		t.Error("count/limit rules")
	}
}

func TestValidAddress(t *testing.T) {
	for _, ok := range []string{"http://127.0.0.1:9090", "https://prom.example.com/prometheus"} {
		if err := ValidAddress(ok); err != nil {
			t.Errorf("ValidAddress(%q) = %v", ok, err)
		}
	}
	for _, bad := range []string{"127.0.0.1:9090", "ftp://x", "http://", "http://u:p@h:9090", "http://h/?x=1", "http://h/#f", "http://[::1"} {
		if ValidAddress(bad) == nil {
			t.Errorf("ValidAddress(%q) accepted", bad)
		}
	}
}
