// Command table turns `go test -bench` output from ./bench into the table
// `make bench` prints: one row per metric, with the target it is held to
// (BENCHMARKS.md) where there is one. It copies its input to stderr as it
// reads it, so a long run shows progress, and exits 1 when a benchmark
// failed or a target was missed.
package main

import (
	"bufio"
	"cmp"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"
	"text/tabwriter"
)

// target is a bound one metric of one benchmark is held to.
type target struct {
	bench, metric string // bench is a name prefix
	op            string // "<", "<=", ">=", "=="
	value         float64
}

var targets = []target{
	{"SimRollout/", "wall_s", "<", 60},
	{"SimRollout/", "ctl_peak_rss_MiB", "<", 500},
	{"SimRollout", "handshakes/host", "==", 1},
	{"SimRollout", "agent_sessions/host", "==", 1},
	{"SimRollout/", stageRatio, ">=", 0.9},
	{"SimRolloutPeers/", "wall_s", "<", 60},
	{"SimRolloutPeers/", "ctl_peak_rss_MiB", "<", 500},
	{"SimRolloutPeers/", "ctl_upload/artifact", "<=", 1.1 * peerSeeds},
	{"LabUpload", "fleet/scp", ">=", 0.9},
	{"LabUpload", "reupload_bytes", "==", 0},
	{"LabRollback", "wall/floor", "<=", 1.2},
	{"LabNoChange", "median_s", "<=", 0.4},
	{"LabRollback", "uploaded_bytes", "==", 0},
	{"LabDistribute", "peers_staged/transfer", "<=", 1.3},
	{"LabDistribute", "peers_egress/artifact", "<=", 1.1},
	{"LabDistribute", "url_egress/artifact", "<=", 0.01},
}

// peerSeeds is the seed count BenchmarkSimRolloutPeers runs with
// (strategy.seeds' default): the controller uploads one artifact to each.
const peerSeeds = 2

// stageRatio is the metric the table derives from two benchmarks of one
// run: SimRollout's staging phase's artifact bytes per CPU-second
// (stage_MB/cpu_s) over the best of SSHFloor's (ssh_MB/cpu_s), bare
// x/crypto SSH on the same machine at the same time.
const stageRatio = "stage_rate/ssh_rate"

func (t target) holds(v float64) bool {
	switch t.op {
	case "<":
		return v < t.value
	case "<=":
		return v <= t.value
	case ">=":
		return v >= t.value
	}
	return v == t.value
}

type row struct {
	bench, metric string
	value         float64
	note          string // instead of a value: why the benchmark did not run
}

func main() {
	rows, failed, err := parse(io.TeeReader(os.Stdin, os.Stderr))
	if err != nil {
		fmt.Fprintln(os.Stderr, "table:", err)
		os.Exit(2)
	}
	rows = deriveStageRatio(rows)
	if !print(os.Stdout, rows) || failed {
		os.Exit(1)
	}
}

// parse reads benchmark result lines: name, iterations, then value/unit
// pairs; and, from -v output, why a benchmark was skipped. failed reports
// a FAIL line.
func parse(r io.Reader) ([]row, bool, error) {
	var rows []row
	failed, said := false, "" // said: the last message a benchmark logged
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	for sc.Scan() {
		line := sc.Text()
		if strings.HasPrefix(line, "--- FAIL") || strings.HasPrefix(line, "FAIL") {
			failed = true
		}
		if msg, ok := strings.CutPrefix(line, "    "); ok { // "    file.go:12: why"
			_, said, _ = strings.Cut(msg, ": ")
			continue
		}
		if name, ok := strings.CutPrefix(line, "--- SKIP: Benchmark"); ok {
			rows = append(rows, row{bench: strings.Fields(name)[0], metric: "skipped", note: cmp.Or(said, "(no reason given)")})
			continue
		}
		f := strings.Fields(line)
		if len(f) < 4 || !strings.HasPrefix(f[0], "Benchmark") {
			continue
		}
		name := strings.TrimPrefix(f[0], "Benchmark")
		if i := strings.LastIndexByte(name, '-'); i > 0 { // the GOMAXPROCS suffix
			name = name[:i]
		}
		for i := 2; i+1 < len(f); i += 2 {
			v, err := strconv.ParseFloat(f[i], 64)
			if err != nil || f[i+1] == "ns/op" {
				continue
			}
			rows = append(rows, row{bench: name, metric: f[i+1], value: v})
		}
	}
	return rows, failed, sc.Err()
}

// print writes the table and reports whether every target held.
func print(w io.Writer, rows []row) bool {
	ok := true
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "benchmark\tmetric\tvalue\ttarget\t\t")
	var skipped []row
	for _, r := range rows {
		if r.note != "" {
			skipped = append(skipped, r)
			continue
		}
		goal, verdict := "", ""
		for _, t := range targets {
			if strings.HasPrefix(r.bench, t.bench) && r.metric == t.metric {
				goal = fmt.Sprintf("%s %g", t.op, t.value)
				verdict = "ok"
				if !t.holds(r.value) {
					verdict, ok = "MISSED", false
				}
			}
		}
		fmt.Fprintf(tw, "%s\t%s\t%.4g\t%s\t%s\t\n", r.bench, r.metric, r.value, goal, verdict)
	}
	_ = tw.Flush()
	for _, r := range skipped {
		fmt.Fprintf(w, "%s: %s: %s\n", r.bench, r.metric, r.note)
	}
	return ok
}

// deriveStageRatio adds stageRatio after every stage_MB/cpu_s row, or a
// note when the run had no SSHFloor to compare with.
func deriveStageRatio(rows []row) []row {
	floor := 0.0
	for _, r := range rows {
		if strings.HasPrefix(r.bench, "SSHFloor") && r.metric == "ssh_MB/cpu_s" {
			floor = max(floor, r.value)
		}
	}
	var out []row
	for _, r := range rows {
		out = append(out, r)
		if r.metric != "stage_MB/cpu_s" || r.note != "" {
			continue
		}
		if floor == 0 {
			out = append(out, row{bench: r.bench, metric: stageRatio, note: "not computed: no SSHFloor in this run"})
			continue
		}
		out = append(out, row{bench: r.bench, metric: stageRatio, value: r.value / floor})
	}
	return out
}
