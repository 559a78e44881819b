package main

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"

	"github.com/fleetdeploy/fleet/hostsim"
)

// TestAgentBinary_UploadedOnce: the agent goes to each host once; later
// commands find it by checksum. A changed file is replaced.
func TestAgentBinary_UploadedOnce(t *testing.T) {
	s := newSim(t, 2, hostsim.Options{}, "")
	bin, err := os.ReadFile(s.agentBin)
	if err != nil {
		t.Fatal(err)
	}
	sum, err := fileSHA256(s.agentBin)
	if err != nil {
		t.Fatal(err)
	}
	remote := func(h *hostsim.Host) string { return filepath.Join(h.Dir(), ".fleet", "bin", "fleet-"+sum) }
	stat := func(h *hostsim.Host) os.FileInfo {
		t.Helper()
		fi, err := os.Stat(remote(h))
		if err != nil {
			t.Fatalf("%s: %v", h.Name(), err)
		}
		entries, _ := os.ReadDir(filepath.Dir(remote(h)))
		if len(entries) != 1 {
			t.Errorf("%s: .fleet/bin holds %d entries, want only the agent", h.Name(), len(entries))
		}
		return fi
	}

	s.run(t.Context(), "status").wantCode(t, exitOK)
	first := map[string]os.FileInfo{}
	for _, h := range s.fleet.Hosts() {
		first[h.Name()] = stat(h)
		if got, _ := os.ReadFile(remote(h)); !bytes.Equal(got, bin) {
			t.Errorf("%s: agent content %q", h.Name(), got)
		}
	}

	s.mustRollout("v1")
	for _, h := range s.fleet.Hosts() {
		if fi := stat(h); !os.SameFile(fi, first[h.Name()]) || !fi.ModTime().Equal(first[h.Name()].ModTime()) {
			t.Errorf("%s: the agent was uploaded again", h.Name())
		}
		if h.Handshakes() != 2 {
			t.Errorf("%s: %d connections for 2 commands", h.Name(), h.Handshakes())
		}
	}

	// A changed agent on sim1 fails its checksum and is replaced there only.
	sim1, sim2 := s.fleet.Host(0), s.fleet.Host(1)
	if err := os.WriteFile(remote(sim1), []byte("tampered"), 0o755); err != nil {
		t.Fatal(err)
	}
	s.run(t.Context(), "status").wantCode(t, exitOK)
	if got, _ := os.ReadFile(remote(sim1)); !bytes.Equal(got, bin) {
		t.Errorf("sim1: agent not replaced: %q", got)
	}
	if fi := stat(sim2); !os.SameFile(fi, first["sim2"]) {
		t.Error("sim2: the agent was uploaded again")
	}
}
