// Package hostsim simulates a fleet of Linux hosts in-process, for hermetic
// tests of the controller and for benchmarks with many hosts.
//
// Each simulated host sim<i> is a transporttest.Server on 127.0.0.1 with its
// own directory, which plays the SSH user's home: SFTP serves relative paths
// under it, absolute paths as they are. Its Exec handler understands the few
// commands the controller sends (cmd/fleet's agentinstall.go and session.go):
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
// process the simulator gives each host its own: the agent's input is
// filtered so that hello's app root becomes <home>/opt/hello and every HTTP
// check URL the host's own health server (an httptest.Server on 127.0.0.1).
// The rest of the protocol passes untouched. The health server reads the
// host's current symlink and answers 500 when Options.Unhealthy says so for
// that host and version, else 200 with {"version": "<current>"}.
package hostsim

import (
	"fmt"
	"path/filepath"
	"testing"
	"time"

	"github.com/fleetdeploy/fleet/transport/transporttest"
)

// Options tunes a simulated fleet. The zero value is a fast, healthy fleet.
type Options struct {
	// RestartLatency delays every unit restart (a service that starts
	// slowly); HealthLatency delays every health answer.
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
	// HealthyDeadline is the health gate's deadline WriteInventory
	// writes; zero means 5s. A test that expects a gate to fail can
	// shorten it, since an unhealthy verdict only comes at the deadline.
	HealthyDeadline time.Duration
}

// Fleet is a set of simulated hosts that all accept one client key.
type Fleet struct {
	hosts   []*Host
	keyFile string // the client's private key, accepted by every host
	opts    Options
	// virtualRoot is the app root written into the inventory. No agent
	// ever uses it (each host maps it to its own root), so it lives in a
	// fresh temporary directory: a mapping bug shows up there, not in a
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
	for i := 1; i <= n; i++ {
		f.hosts = append(f.hosts, newHost(t, fmt.Sprintf("sim%d", i), signer.PublicKey(), o))
	}
	return f
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
