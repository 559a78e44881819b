package hostsim_test

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/json"
	"errors"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/fleetdeploy/fleet/agent"
	"github.com/fleetdeploy/fleet/hostsim"
	"github.com/fleetdeploy/fleet/inventory"
	"github.com/fleetdeploy/fleet/transport"
)

// session is a controller's hold on one simulated host: its connection and
// a started, greeted agent holding the lock.
type session struct {
	c  *transport.Client
	ac *agent.Client
}

func openSessions(t *testing.T, f *hostsim.Fleet) []session {
	t.Helper()
	inv, err := inventory.Load(f.WriteInventory(t, ""))
	if err != nil {
		t.Fatal(err)
	}
	ctx := t.Context()
	bin := []byte("agent")
	var out []session
	for _, h := range inv.Hosts {
		c, err := transport.Dial(ctx, h.Address, transport.Config{
			User: h.SSH.User, Port: h.SSH.Port, IdentityFiles: h.SSH.IdentityFiles,
			KnownHostsFile: h.SSH.KnownHosts, SSHConfigFile: h.SSH.Config, Jump: h.SSH.Jump,
			Keepalive: -1, // no goroutine that outlives the server
		})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { c.Close() })
		installAgent(t, c, bin)
		proc, err := c.Start(ctx, startCmd(sha(bin)))
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { proc.Close() })
		go func() { _, _ = io.Copy(io.Discard, proc.Stderr) }()
		ac := agent.NewClient(proc.Stdin, proc.Stdout)
		t.Cleanup(func() { ac.Close() })
		if _, err := ac.Hello(ctx, agent.HelloArgs{App: appSpec(inv.App), Controller: agent.Holder{User: "u", Machine: "m", PID: 1, Command: "c"}}); err != nil {
			t.Fatal(err)
		}
		if _, err := ac.Lock(ctx); err != nil {
			t.Fatal(err)
		}
		out = append(out, session{c: c, ac: ac})
	}
	return out
}

// stageBytes stages version with the announced checksum sum and uploads
// data (which may not hash to sum).
func (s session) stageBytes(ctx context.Context, version, sum string, data []byte) (agent.StageCommitResult, error) {
	begin, err := s.ac.StageBegin(ctx, agent.StageBeginArgs{Version: version, SHA256: sum, Size: int64(len(data))})
	if err != nil {
		return agent.StageCommitResult{}, err
	}
	if begin.Present {
		return agent.StageCommitResult{}, errors.New("already present")
	}
	if _, err := s.c.Upload(ctx, begin.UploadPath, bytes.NewReader(data), 0o600, nil); err != nil {
		return agent.StageCommitResult{}, err
	}
	return s.ac.StageCommit(ctx, agent.StageCommitArgs{Version: version, SHA256: sum, UploadPath: begin.UploadPath})
}

func randomBytes(t *testing.T, n int) []byte {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return b
}

// TestStandIns_ControllerSeesTheRealArtifact stages a 1 MiB artifact on
// three hosts: the first upload is hashed, the others are compared as they
// arrive. The agent installs the stand-in, and every answer the controller
// gets names the real checksum and size.
func TestStandIns_ControllerSeesTheRealArtifact(t *testing.T) {
	f := hostsim.New(t, 3, hostsim.Options{StandIns: true, Dir: t.TempDir()})
	ctx := t.Context()
	art := randomBytes(t, 1<<20)
	for i, s := range openSessions(t, f) {
		res, err := s.stageBytes(ctx, "v1", sha(art), art)
		if err != nil {
			t.Fatalf("host %d: stage: %v", i, err)
		}
		if res.Release.SHA256 != sha(art) || res.Release.Size != int64(len(art)) {
			t.Errorf("host %d: stage_commit names %s, %d bytes; want the artifact's %s, %d", i, res.Release.SHA256, res.Release.Size, sha(art), len(art))
		}
		st, err := s.ac.Status(ctx)
		if err != nil || len(st.Releases) != 1 || st.Releases[0].SHA256 != sha(art) || st.Releases[0].Size != int64(len(art)) {
			t.Errorf("host %d: status %+v, %v", i, st.Releases, err)
		}
		if _, err := s.ac.Switch(ctx, agent.SwitchArgs{Version: "v1"}); err != nil {
			t.Errorf("host %d: switch (the agent hashes the stand-in): %v", i, err)
		}
		h := f.Host(i)
		bin, err := os.ReadFile(filepath.Join(h.AppRoot(), "releases", "v1", "hello"))
		if err != nil || len(bin) >= len(art) || !bytes.Contains(bin, []byte(sha(art))) {
			t.Errorf("host %d: installed binary is %d bytes (%v), want the small stand-in", i, len(bin), err)
		}
		var meta map[string]any
		raw, _ := os.ReadFile(filepath.Join(h.AppRoot(), "releases", "v1", "release.json"))
		if json.Unmarshal(raw, &meta) != nil || meta["sha256"] == sha(art) {
			t.Errorf("host %d: release.json %s: want the stand-in's checksum on the host", i, raw)
		}
		begin, err := s.ac.StageBegin(ctx, agent.StageBeginArgs{Version: "v1", SHA256: sha(art), Size: int64(len(art))})
		if err != nil || !begin.Present {
			t.Errorf("host %d: second stage_begin %+v, %v; want present", i, begin, err)
		}
	}
}

// TestStandIns_CorruptUploadFails checks both paths the simulator checks
// an upload on: the first upload of a checksum (hashed), and a later one
// (compared with the first's bytes as it arrives).
func TestStandIns_CorruptUploadFails(t *testing.T) {
	f := hostsim.New(t, 3, hostsim.Options{StandIns: true})
	ctx := t.Context()
	art := randomBytes(t, 256<<10)
	bad := bytes.Clone(art)
	bad[len(bad)/2] ^= 1
	ss := openSessions(t, f)
	// First upload of this checksum is corrupt: hashed, refused.
	if _, err := ss[0].stageBytes(ctx, "v1", sha(art), bad); !errors.Is(err, agent.CodeChecksumMismatch) {
		t.Fatalf("corrupt first upload: %v, want checksum_mismatch", err)
	} else if strings.Contains(err.Error(), "stand-in") {
		t.Errorf("the error names the stand-in: %v", err)
	}
	if _, err := ss[1].stageBytes(ctx, "v1", sha(art), art); err != nil {
		t.Fatalf("good upload: %v", err)
	}
	// Now the bytes are known: a corrupt upload is caught while compared,
	// and a short one too.
	if _, err := ss[2].stageBytes(ctx, "v1", sha(art), bad); !errors.Is(err, agent.CodeChecksumMismatch) {
		t.Fatalf("corrupt compared upload: %v, want checksum_mismatch", err)
	}
	if _, err := ss[2].stageBytes(ctx, "v1", sha(art), art[:len(art)-1]); err == nil {
		t.Fatal("short upload: staged")
	}
	if _, err := ss[2].stageBytes(ctx, "v1", sha(art), art); err != nil {
		t.Fatalf("good upload after the bad ones: %v", err)
	}
	if got := f.Host(0).Releases(); len(got) != 0 {
		t.Errorf("host 0 installed %v from a corrupt upload", got)
	}
}

// TestFleet_CloseStopsEveryGoroutine closes a fleet that served a session
// per host before the test ends: nothing of it may keep running.
func TestFleet_CloseStopsEveryGoroutine(t *testing.T) {
	before := runtime.NumGoroutine()
	f := hostsim.New(t, 5, hostsim.Options{StandIns: true})
	for _, s := range openSessions(t, f) {
		if _, err := s.ac.Status(t.Context()); err != nil {
			t.Fatal(err)
		}
	}
	f.Close()
	deadline := time.Now().Add(5 * time.Second)
	for runtime.NumGoroutine() > before+2 {
		if time.Now().After(deadline) {
			t.Fatalf("%d goroutines after Close, %d before the fleet", runtime.NumGoroutine(), before)
		}
		time.Sleep(20 * time.Millisecond)
	}
	f.Close() // idempotent
}

// TestWriteInventory_GateOptions checks the gate timing Options write, and
// that Dir holds the hosts' directories.
func TestWriteInventory_GateOptions(t *testing.T) {
	dir := t.TempDir()
	f := hostsim.New(t, 1, hostsim.Options{
		MinHealthyTime: -1, HealthInterval: 100 * time.Millisecond, HealthLatency: time.Second, Dir: dir,
	})
	inv, err := inventory.Load(f.WriteInventory(t, ""))
	if err != nil {
		t.Fatal(err)
	}
	h := inv.App.Health
	if h.MinHealthyTime != 0 || h.Interval.Std() != 100*time.Millisecond || h.Checks[0].HTTP.Timeout.Std() != 2*time.Second {
		t.Errorf("gate: min %s, interval %s, check timeout %s; want 0s, 100ms, 2s (latency + 1s)",
			h.MinHealthyTime, h.Interval, h.Checks[0].HTTP.Timeout)
	}
	if !strings.HasPrefix(f.Host(0).Dir(), dir+string(filepath.Separator)) {
		t.Errorf("host dir %s is not under Options.Dir %s", f.Host(0).Dir(), dir)
	}
}
