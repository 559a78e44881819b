package bench

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"testing"
	"time"

	"github.com/fleetdeploy/fleet/transport"
)

// BenchmarkLabUpload uploads a 256 MiB artifact to lab1 with fleet's
// transport (dial, upload, close), OpenSSH's scp (its default cipher, and
// aes128-gcm@openssh.com, the one fleet negotiates) and OpenSSH's sftp,
// interleaved, FLEETBENCH_LAB_RUNS times each (default 5), and reports
// each one's median throughput and fleet's ratio to them. Then it rolls
// the artifact out to lab1 twice: the second rollout must upload nothing.
func BenchmarkLabUpload(b *testing.B) {
	l := openLab(b)
	ctx := b.Context()
	l.ensureUnit(ctx, b, time.Second)
	const size = 256 << 20
	art := writeArtifact(b, b.TempDir(), "artifact-256MiB", size, 3)
	runs := envInt(b, "FLEETBENCH_LAB_RUNS", 5)
	tools := l.uploaders(art)
	for range b.N {
		times := map[string][]time.Duration{}
		for r := range runs {
			for i := range tools {
				t := tools[(i+r)%len(tools)] // rotate, so no tool always goes first
				d, err := t.run(ctx)
				if err != nil {
					b.Fatalf("%s: %v", t.name, err)
				}
				times[t.name] = append(times[t.name], d)
			}
		}
		mbps := map[string]float64{}
		for _, t := range tools {
			mbps[t.name] = float64(size) / 1e6 / median(times[t.name]).Seconds()
			b.ReportMetric(mbps[t.name], t.name+"_MB/s")
		}
		b.ReportMetric(mbps["fleet"]/mbps["scp"], "fleet/scp")
		b.ReportMetric(mbps["fleet"]/mbps["scp_aes128gcm"], "fleet/scp_aes128gcm")
		b.ReportMetric(mbps["fleet"]/mbps["sftp"], "fleet/sftp")
	}
	b.StopTimer()
	l.reupload(b, art)
}

// uploader is one way to put the artifact on lab1, timed end to end
// (connect, authenticate, transfer, close), as a user would run it.
type uploader struct {
	name string
	run  func(context.Context) (time.Duration, error)
}

func (l *lab) uploaders(art string) []uploader {
	host, addr := l.names[0], l.addrs[0]
	openssh := func(name string, args ...string) uploader {
		return uploader{name, func(ctx context.Context) (time.Duration, error) {
			start := time.Now()
			out, err := exec.CommandContext(ctx, args[0], args[1:]...).CombinedOutput()
			if err != nil {
				return 0, fmt.Errorf("%w: %s", err, out)
			}
			return time.Since(start), nil
		}}
	}
	batch := filepath.Join(filepath.Dir(art), "sftp-batch")
	_ = os.WriteFile(batch, []byte("put "+art+" "+labScratch+"/sftp.bin\n"), 0o600)
	return []uploader{
		{"fleet", func(ctx context.Context) (time.Duration, error) {
			return l.fleetUpload(ctx, addr, art, labScratch+"/fleet.bin")
		}},
		openssh("scp", "scp", "-q", "-F", l.sshConfig, art, host+":"+labScratch+"/scp.bin"),
		openssh("scp_aes128gcm", "scp", "-q", "-c", "aes128-gcm@openssh.com", "-F", l.sshConfig, art, host+":"+labScratch+"/scp-gcm.bin"),
		openssh("sftp", "sftp", "-q", "-F", l.sshConfig, "-b", batch, host),
	}
}

// fleetUpload is what the controller does for one host's upload, end to
// end: transport.Dial (strict host key check), Upload, Close.
func (l *lab) fleetUpload(ctx context.Context, addr, art, dst string) (time.Duration, error) {
	start := time.Now()
	c, err := transport.Dial(ctx, addr, transport.Config{
		User: "root", IdentityFiles: []string{l.key}, KnownHostsFile: l.knownHosts,
		SSHConfigFile: "none", Jump: "none", Keepalive: -1,
	})
	if err != nil {
		return 0, err
	}
	f, err := os.Open(art)
	if err != nil {
		c.Close()
		return 0, err
	}
	defer f.Close()
	if _, err := c.Upload(ctx, dst, f, 0o600, nil); err != nil {
		c.Close()
		return 0, err
	}
	if err := c.Close(); err != nil {
		return 0, err
	}
	return time.Since(start), nil
}

var stagedRE = regexp.MustCompile(`(\d+) bytes uploaded`)

// reupload rolls art out to lab1 with fleet, then again: the release is
// there, so the second rollout must send no artifact bytes.
func (l *lab) reupload(b *testing.B, art string) {
	b.Helper()
	bin := buildFleet(b)
	p := startProxy(b, l.addrs)
	inv := l.labInventory(b, p, 0, "1")
	rollout := func() (run, int64) {
		sent := p.sent.Load()
		r := runFleet(b.Context(), b, bin, "rollout", "-i", inv, "-l", l.names[0], "-a", art, "--version", "bench-256mib")
		r.mustSucceed(b, "rollout")
		return r, p.sent.Load() - sent
	}
	rollout()
	r, sshBytes := rollout()
	m := stagedRE.FindStringSubmatch(r.first("staged").Message)
	if m == nil {
		b.Fatalf("re-upload: no staged event with a byte count:\n%s", r.stdout)
	}
	uploaded, _ := strconv.ParseInt(m[1], 10, 64)
	if uploaded != 0 {
		b.Fatalf("FAIL: re-upload of an installed release sent %d artifact bytes, want 0", uploaded)
	}
	b.ReportMetric(float64(uploaded), "reupload_bytes")
	b.ReportMetric(float64(sshBytes)/1024, "reupload_ssh_KiB")
	b.ReportMetric(r.wall.Seconds(), "reupload_s")
}

// BenchmarkLabRollback rolls two releases out to the lab fleet, then times
// `fleet rollback` against its floor: waves × (restart + health), with a
// restart and a health round of 1s each and maxUnavailable=1. The rollback
// must upload nothing: the bytes the controller sends (counted by a
// forwarding proxy) are protocol only.
func BenchmarkLabRollback(b *testing.B) {
	l := openLab(b)
	ctx := b.Context()
	const restart, health = time.Second, time.Second
	l.ensureUnit(ctx, b, restart)
	bin := buildFleet(b)
	p := startProxy(b, l.addrs)
	inv := l.labInventory(b, p, health, "1")
	dir := b.TempDir()
	const size = 20 << 20
	a := writeArtifact(b, dir, "a", size, 4)
	c := writeArtifact(b, dir, "b", size, 5)
	for range b.N {
		b.StopTimer()
		runFleet(ctx, b, bin, "rollout", "-i", inv, "-a", a, "--version", "bench-a").mustSucceed(b, "rollout bench-a")
		runFleet(ctx, b, bin, "rollout", "-i", inv, "-a", c, "--version", "bench-b").mustSucceed(b, "rollout bench-b")
		sent := p.sent.Load()
		b.StartTimer()
		r := runFleet(ctx, b, bin, "rollback", "-i", inv)
		b.StopTimer()
		sent = p.sent.Load() - sent
		r.mustSucceed(b, "rollback")
		for _, e := range r.events {
			if e.Kind == "host_step" && e.Step == "upload" {
				b.Fatalf("FAIL: rollback uploaded to %s", e.Host)
			}
		}
		if sent >= size {
			b.Fatalf("FAIL: rollback sent %d bytes, as much as an artifact", sent)
		}
		waves := len(l.names) // maxUnavailable=1
		floor := time.Duration(waves) * (restart + health)
		b.ReportMetric(r.wall.Seconds(), "wall_s")
		b.ReportMetric(floor.Seconds(), "floor_s")
		b.ReportMetric(r.wall.Seconds()/floor.Seconds(), "wall/floor")
		b.ReportMetric(0, "uploaded_bytes")
		b.ReportMetric(float64(sent)/1024, "ssh_sent_KiB")
	}
}

func median(ds []time.Duration) time.Duration {
	s := slices.Clone(ds)
	slices.Sort(s)
	return s[len(s)/2]
}
