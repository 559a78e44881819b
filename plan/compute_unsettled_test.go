package plan

import "testing"

func TestCompute_UnsettledHostGetsItsStepAgain(t *testing.T) {
	s := Strategy{MaxUnavailable: IntOrPercent{Value: 1}}
	p, err := Compute(KindRollout, []Target{
		{Host: "a", From: "v2", To: "v2"},
		{Host: "b", From: "v2", To: "v2", Unsettled: true},
	}, s)
	if err != nil {
		t.Fatal(err)
	}
	if p.Hosts[0].Action != ActionSkip || p.Hosts[1].Action != ActionUpdate || p.Changes() != 1 {
		t.Fatalf("plan = %+v; want a skipped, b updated", p.Hosts)
	}
}
