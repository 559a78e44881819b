package main

import (
	"strings"
	"testing"
)

// TestStageRatio: SimRollout's staging rate is divided by the better of
// SSHFloor's two, in the same input, and held to >= 0.9; without an
// SSHFloor the table says it could not compute it and holds nothing.
func TestStageRatio(t *testing.T) {
	const in = `BenchmarkSimRollout/1000hosts-20MiB-2 1 100 ns/op 180.0 stage_MB/cpu_s 50 wall_s
BenchmarkSSHFloor/streams-4-2 1 100 ns/op 250.0 ssh_MB/cpu_s
BenchmarkSSHFloor/streams-16-2 1 100 ns/op 200.0 ssh_MB/cpu_s
`
	for _, c := range []struct {
		in, want string
		ok       bool
	}{
		{in, "stage_rate/ssh_rate 0.72 >= 0.9 MISSED", false},
		{strings.ReplaceAll(in, "180.0", "240.0"), "stage_rate/ssh_rate 0.96 >= 0.9 ok", true},
		{strings.SplitAfter(in, "\n")[0], "SimRollout/1000hosts-20MiB: stage_rate/ssh_rate: not computed: no SSHFloor in this run", true},
	} {
		rows, failed, err := parse(strings.NewReader(c.in))
		if err != nil || failed {
			t.Fatal(err, failed)
		}
		var out strings.Builder
		ok := print(&out, deriveStageRatio(rows))
		got := strings.Join(strings.Fields(out.String()), " ")
		if ok != c.ok || !strings.Contains(got, c.want) {
			t.Errorf("table ok=%v, want %v, and a line %q:\n%s", ok, c.ok, c.want, out.String())
		}
	}
}
