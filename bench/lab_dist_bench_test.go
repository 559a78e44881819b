package bench

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"
)

// BenchmarkLabDistribute puts one ~50 MiB release on 5 lab hosts three
// ways, through the controller's link to the lab throttled to 20 Mbit/s
// (a laptop's uplink): the controller uploading to every host (direct),
// to one seed that the others fetch from (peers, strategy.seeds: 1), and
// the hosts fetching it from an artifact store beside them (url). For
// each: the wall time from the command's start to "every host staged"
// (the staged event), and the bytes this machine sent onto the bridge by
// then (its counters: SSH, TCP and Ethernet headers included), as ratios
// to one artifact's transfer at the throttled rate and to its size.
func BenchmarkLabDistribute(b *testing.B) {
	l := openLab(b)
	// With fewer hosts the modes are too close to tell apart; fewer are
	// for a quick run only (FLEETBENCH_DIST_HOSTS).
	distHosts := envInt(b, "FLEETBENCH_DIST_HOSTS", 5)
	if len(l.names) < distHosts {
		b.Skipf("needs %d lab hosts, the lab has %d: e2e/lab/lab.sh up %d", distHosts, len(l.names), distHosts)
	}
	l.names, l.addrs = l.names[:distHosts], l.addrs[:distHosts]
	ctx := b.Context()
	mib := envInt(b, "FLEETBENCH_DIST_MIB", 50)
	mbit := envInt(b, "FLEETBENCH_DIST_MBIT", 20)
	size := mib << 20
	l.ensureUnit(ctx, b, 0)
	bin := buildFleet(b)
	dir := b.TempDir()
	inv := l.directInventory(b, "  max_unavailable: 100%\n")
	peersInv := l.directInventory(b, "  max_unavailable: 100%\n  distribute: peers\n  seeds: 1\n")
	// The agent is installed on every host before the link is throttled:
	// a fleet uploads it once per host and fleet version, not per release.
	runFleet(ctx, b, bin, "status", "-i", inv).mustSucceed(b, "status (agent install)")

	dev := l.labBridge(b)
	store := l.artifactStore(b, dev, dir)
	throttle(b, dev, mbit)
	transfer := float64(size) * 8 / (float64(mbit) * 1e6) // seconds, at the throttled rate
	stamp := time.Now().Unix()
	for i := range b.N {
		for k, mode := range []string{"direct", "peers", "url"} {
			art := writeArtifact(b, dir, fmt.Sprintf("%s-%d", mode, i), size, uint64(100+10*i+k))
			version := fmt.Sprintf("dist-%d-%s-%d", stamp, mode, i)
			args := []string{"rollout", "-i", inv, "--artifact", art, "--version", version}
			switch mode {
			case "peers":
				args[2] = peersInv
			case "url":
				args[4] = store + "/" + filepath.Base(art)
				args = append(args, "--sha256", fileSum(b, art), "--allow-http")
			}
			tx := sampleTx(b, dev)
			start := time.Now()
			r := runFleet(ctx, b, bin, args...)
			r.mustSucceed(b, mode+" rollout")
			staged := r.first("staged").Time
			if staged.IsZero() {
				b.Fatalf("%s rollout: no staged event", mode)
			}
			sent := tx.sentBy(staged)
			l.assertStaged(b, version, fileSum(b, art))
			wall := staged.Sub(start).Seconds()
			b.ReportMetric(wall, mode+"_staged_s")
			b.ReportMetric(wall/transfer, mode+"_staged/transfer")
			b.ReportMetric(float64(sent)/float64(size), mode+"_egress/artifact")
		}
		b.ReportMetric(transfer, "transfer_s")
		b.ReportMetric(float64(mib), "artifact_MiB")
		b.ReportMetric(float64(mbit), "link_Mbit/s")
	}
}

// assertStaged reads each host's release.json: the release is there with
// the artifact's sha256 (the agent checked the bytes before writing it).
func (l *lab) assertStaged(b *testing.B, version, sum string) {
	b.Helper()
	for _, h := range l.names {
		out, err := l.ssh(b.Context(), h, fmt.Sprintf("cat %s/releases/%s/release.json", labRoot, version))
		if err != nil {
			b.Fatalf("FAIL: %s: release %s not staged: %v", h, version, err)
		}
		var rel struct {
			SHA256 string `json:"sha256"`
		}
		if err := json.Unmarshal([]byte(out), &rel); err != nil || rel.SHA256 != sum {
			b.Fatalf("FAIL: %s: release %s has sha256 %q (%v), want %s", h, version, rel.SHA256, err, sum)
		}
	}
}

func fileSum(b *testing.B, path string) string {
	b.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		b.Fatal(err)
	}
	s := sha256.Sum256(data)
	return hex.EncodeToString(s[:])
}
