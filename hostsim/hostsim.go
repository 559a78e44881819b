// Package hostsim simulates a fleet of Linux hosts in-process, for hermetic
// tests of the controller and for benchmarks with many hosts.
//
// Each simulated host sim<i> is a transporttest.Server on 127.0.0.1 with its
// own directory, which plays the host's / as a chroot would: SFTP maps
// every path under it, and it is also the SSH user's home, where relative
// paths start. Its Exec handler understands the few commands the
// controller sends (deploy's agentinstall.go and session.go):
//
//   - `uname -m` answers x86_64;
//   - the sha256sum check of the content-addressed agent binary
//     (.fleet/bin/fleet-<sha256>, relative to the home) passes only when the
//     file is there and really has that checksum;
//   - the agent start command makes the same check (exit 97 on a mismatch,
//     as the real shell line does) and then runs agent.Serve in-process on
//     the session's stdin and stdout, with a fake systemd (agenttest.Units)
//     and journal per host.
//
// Nothing goes through a shell: commands are matched with regular
// expressions and anything else fails with status 127.
//
// The controller sends every host the same app spec, so one app root and one
// health check URL, which a real fleet resolves once per machine. In one
// process each host gets its own through the agent's own seams, not by
// changing what the controller sent: agent.Deps.RootPrefix is the host's
// directory, so the agent keeps the app root (and every path it derives
// from it) under it, while its answers, errors and journal name the paths
// the controller knows, which SFTP maps back the same way; agent.Deps.Dial
// connects every health check, whatever address it names, to the host's
// own health server (an httptest.Server on 127.0.0.1). The health server
// reads the host's current symlink and answers 500 when Options.Unhealthy
// says so for that host and version, else 200 with
// {"version": "<current>"}.
//
// The protocol passes untouched, except through two optional taps on the
// session, kept because they change what arrives rather than where the
// agent finds it: Options.CorruptUploads cuts the upload a stage_commit
// names short before the agent reads it, and Options.StandIns (below)
// swaps the artifact and rewrites stage and fetch requests and answers.
//
// Peer fan-out (strategy.distribute: peers) runs for real: the agents
// serve and fetch over HTTP between the hosts' inventory addresses, which
// Options.OwnAddresses makes distinct (peers.go); each host records its
// agents' requests (Host.Fetches).
//
// # Scale
//
// A real host spends its own CPU on what it receives: SSH decryption, the
// SFTP writes, and the agent's copy and two SHA-256 passes over the
// artifact (stage_commit, then switch). A simulated fleet spends the
// benchmark machine's instead, which at 1,000 hosts × 20 MiB would
// measure the simulator, not the controller. Two options make the host
// side cheap without changing anything the controller does or sees:
//
//   - Options.Dir puts the hosts' directories on a filesystem of the
//     caller's choice (tmpfs makes the agents' fsyncs free);
//   - Options.StandIns lets the agents work on a small stand-in file per
//     artifact. Every byte of every upload still crosses SSH and SFTP
//     into the host's .incoming file. When stage_commit arrives the
//     simulator checks that file against the artifact — the first upload
//     of a checksum is hashed, later ones are compared byte for byte with
//     it — and replaces it with the artifact's stand-in (or, when a byte
//     differs, with a file that fails the agent's checksum). Requests
//     carry the stand-in's checksum and size to the agent, and answers
//     carry the real ones back, so status, stage and error replies read
//     exactly as for the real artifact. The agent's own code runs
//     unchanged on the stand-in; what the simulator leaves out is the
//     time a real host spends copying and hashing the artifact. This
//     stays a rewrite of the protocol: an agent.Deps option would need a
//     seam in the agent's copy-and-hash path for a benchmark's sake, and
//     the agent would no longer run its own code on what it installs.
package hostsim

import (
	"fmt"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/fleetdeploy/fleet/transport/transporttest"
)

// Options tunes a simulated fleet. The zero value is a fast, healthy fleet.
type Options struct {
	// RestartLatency delays every unit restart: the agent's restart op
	// (systemd's job) takes this long, as for a service that starts
	// slowly. HealthLatency delays every answer of the host's health
	// endpoint, so a health gate takes at least that long. A round of the
	// gate waits for its checks, so an answer slower than the check's
	// timeout fails: WriteInventory sets the timeout above HealthLatency
	// (see CheckTimeout).
	RestartLatency time.Duration
	HealthLatency  time.Duration
	// Unhealthy, when set, is asked on every health request; true makes
	// the host's health server answer 500. version is what the host's
	// current symlink points at ("" when there is none). It is called
	// from the health server's goroutines, concurrently for several
	// hosts. It may block (a test holding a gate open) but must be
	// unblocked before the fleet's cleanup, which waits for it: release
	// it in a t.Cleanup registered after New.
	Unhealthy func(host, version string) bool
	// CorruptUploads, when set, is asked at every stage_commit; true cuts
	// the uploaded file short first, as an interrupted transfer would
	// leave it, so the agent's checksum refuses it.
	CorruptUploads func(host string) bool
	// HealthyDeadline is the health gate's deadline WriteInventory
	// writes; zero means 5s. A test that expects a gate to fail can
	// shorten it, since an unhealthy verdict only comes at the deadline.
	HealthyDeadline time.Duration
	// MinHealthyTime and HealthInterval are the gate timing WriteInventory
	// writes; zero means MinHealthyTime and HealthInterval (the
	// constants). A negative MinHealthyTime writes 0: the first passing
	// round is enough, so a gate costs exactly one health answer.
	MinHealthyTime time.Duration
	HealthInterval time.Duration
	// CheckTimeout is the HTTP check's timeout WriteInventory writes; zero
	// means the agent's default (the interval), or HealthLatency + 1s
	// when HealthLatency is set.
	CheckTimeout time.Duration
	// Consul makes WriteInventory register the app in Consul (service
	// hello, port 8080, no drain wait); each host's agent talks to its
	// own simulated Consul agent (Host.Consul). Without it, an inventory
	// with app.consul makes the agent dial the address it names.
	Consul bool
	// AppExtra is YAML WriteInventory adds to the app section, indented
	// by two spaces (app.analysis, say).
	AppExtra string

	// Dir is where the hosts' home directories are made; "" means the
	// test's temporary directory. A benchmark passes a tmpfs directory
	// (such as /dev/shm) so that the agents' fsyncs do not hit a disk.
	Dir string
	// StandIns lets the agents install a small stand-in for each uploaded
	// artifact once its bytes are checked (see the package comment). The
	// files under releases/ then hold stand-ins, and release.json their
	// checksums: a test that reads release binaries must not set it. A
	// fetch of an uploaded artifact expects its stand-in, which is what
	// peers serve; a URL serving the real bytes would be refused.
	StandIns bool
	// OwnAddresses gives each host its own loopback address (127.R.x.y,
	// R random per fleet) for its SSH server and in the inventory,
	// instead of 127.0.0.1 for all: peer fan-out needs it beyond ten
	// hosts (peers.go).
	OwnAddresses bool
}

// Fleet is a set of simulated hosts that all accept one client key.
type Fleet struct {
	hosts    []*Host
	keyFile  string // the client's private key, accepted by every host
	opts     Options
	standIns *standIns // nil unless Options.StandIns
	// virtualRoot is the app root written into the inventory. Each host
	// keeps it under its own directory (agent.Deps.RootPrefix), so
	// nothing is ever written at the path itself; it lies in a fresh
	// temporary directory so that a mapping bug shows up there, not in a
	// system path.
	virtualRoot string
}

// New starts n hosts, sim1 to sim<n>, for the duration of the test.
func New(t testing.TB, n int, o Options) *Fleet {
	t.Helper()
	keyFile, signer := transporttest.WriteKeyFile(t)
	f := &Fleet{
		keyFile:     keyFile,
		opts:        o,
		virtualRoot: filepath.Join(t.TempDir(), "unmapped", "opt", appName),
	}
	if o.StandIns {
		f.standIns = newStandIns()
	}
	second := addressOctet()
	for i := 1; i <= n; i++ {
		addr := "127.0.0.1"
		if o.OwnAddresses {
			addr = ownAddress(second, i)
		}
		f.hosts = append(f.hosts, newHost(t, fmt.Sprintf("sim%d", i), addr, f.virtualRoot, signer.PublicKey(), o, f.standIns))
	}
	return f
}

// Close stops every host's SSH and health servers now, waiting for their
// goroutines (agents included), instead of at the end of the test: a test
// or benchmark that checks for leaked goroutines calls it first. The
// hosts' directories stay until the test ends. Close is idempotent.
func (f *Fleet) Close() {
	var wg sync.WaitGroup
	for _, h := range f.hosts {
		wg.Go(h.close)
	}
	wg.Wait()
}

// Len is the number of hosts.
func (f *Fleet) Len() int { return len(f.hosts) }

// Host returns the i-th host, 0-based: Host(0) is sim1.
func (f *Fleet) Host(i int) *Host { return f.hosts[i] }

// Hosts returns every host, in order.
func (f *Fleet) Hosts() []*Host { return append([]*Host(nil), f.hosts...) }

// ByName returns the host called name, or nil.
func (f *Fleet) ByName(name string) *Host {
	for _, h := range f.hosts {
		if h.name == name {
			return h
		}
	}
	return nil
}

// ClientKeyFile is the private key every host accepts.
func (f *Fleet) ClientKeyFile() string { return f.keyFile }
