package hostsim

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io/fs"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"golang.org/x/crypto/ssh"

	"github.com/fleetdeploy/fleet/agent"
	"github.com/fleetdeploy/fleet/agent/agenttest"
	"github.com/fleetdeploy/fleet/transport/transporttest"
)

// appName is the application the simulated hosts run; its units and app
// root follow fleet's defaults for it.
const appName = "hello"

// Unit is the systemd unit the inventory names for the app.
const Unit = appName + ".service"

// Host is one simulated machine.
type Host struct {
	name    string
	address string // Address
	dir     string // the host's / (hostpath.go), also the SSH user's home
	root    string // the app root, as the inventory names it
	opts    Options
	server  *transporttest.Server
	health  *httptest.Server
	units   *agenttest.Units
	journal *agenttest.Journal
	// consul is the host's local Consul agent, used when the inventory
	// has app.consul (Options.Consul writes one).
	consul *agenttest.Registry
	// standIns is the fleet's register; nil unless Options.StandIns.
	standIns  *standIns
	uploadsMu sync.Mutex
	uploads   map[string]*upload // upload paths the agent issued

	agentSessions atomic.Int64
	fetches       *fetchLog // the agents' Deps.HTTP
	sftpBytes     atomic.Int64
	uploadBytes   atomic.Int64
}

func newHost(t testing.TB, name, address, root string, client ssh.PublicKey, o Options, standIns *standIns) *Host {
	t.Helper()
	h := &Host{
		name:     name,
		address:  address,
		fetches:  newFetchLog(),
		dir:      hostDir(t, o.Dir, name),
		root:     root,
		opts:     o,
		units:    agenttest.NewUnits(),
		journal:  agenttest.NewJournal(),
		consul:   agenttest.NewRegistry(),
		standIns: standIns,
		uploads:  map[string]*upload{},
	}
	// Registered first, so closed last (cleanups run in reverse): the
	// agents probing it stop with the SSH server.
	h.health = httptest.NewServer(http.HandlerFunc(h.serveHealth))
	t.Cleanup(h.health.Close)
	h.server = transporttest.NewServer(t, transporttest.ServerOptions{
		Exec: h.exec,
		// The home, in the host's own paths: the handlers map them all
		// under h.dir.
		Root:           "/",
		SFTPHandlers:   h.sftpHandlers(),
		AuthorizedKeys: []ssh.PublicKey{client},
		Listen:         net.JoinHostPort(address, "0"),
	})
	return h
}

// hostDir makes a fresh directory for the test: under parent when set
// (removed when the test ends), else a t.TempDir.
func hostDir(t testing.TB, parent, name string) string {
	t.Helper()
	if parent == "" {
		return t.TempDir()
	}
	dir, err := os.MkdirTemp(parent, "hostsim-"+name+"-")
	if err != nil {
		t.Fatalf("hostsim: %v", err)
	}
	t.Cleanup(func() {
		if err := os.RemoveAll(dir); err != nil {
			t.Errorf("hostsim: %v", err)
		}
	})
	return dir
}

// close stops the host's servers; see Fleet.Close.
func (h *Host) close() {
	_ = h.server.Close()
	h.health.Close()
	h.fetches.next.CloseIdleConnections()
}

// Name is the host's inventory name, sim<i>.
func (h *Host) Name() string { return h.name }

// Dir is the host's directory: its / for the paths SFTP and the agent are
// given, and the SSH user's home, so the agent binary goes to
// Dir()/.fleet/bin.
func (h *Host) Dir() string { return h.dir }

// AppRoot is where the host's app root lies: the inventory's app root
// under Dir(). current, releases/, .fleet/state.json,
// .fleet/journal.jsonl and .fleet/lock live there.
func (h *Host) AppRoot() string { return h.local(h.root) }

// Server is the host's SSH server.
func (h *Host) Server() *transporttest.Server { return h.server }

// Handshakes counts the SSH connections the host authenticated.
func (h *Host) Handshakes() int { return h.server.Handshakes() }

// AgentSessions counts the agent sessions started on the host.
func (h *Host) AgentSessions() int { return int(h.agentSessions.Load()) }

// BytesReceived counts what the host's SSH server read from its clients:
// every byte sent to the host, SSH framing and encryption included.
func (h *Host) BytesReceived() int64 { return h.server.BytesReceived() }

// SFTPBytes counts the bytes SFTP writes carried to the host's files:
// the agent binary and artifact uploads, without SSH's framing.
func (h *Host) SFTPBytes() int64 { return h.sftpBytes.Load() }

// UploadBytes counts the part of SFTPBytes written to artifact uploads
// (files in the app's .incoming): the artifact bytes the controller
// itself sent this host.
func (h *Host) UploadBytes() int64 { return h.uploadBytes.Load() }

// Units is the host's fake systemd: inject failures with its …Fn fields
// or FailRestarts before the controller runs, read its Calls after.
func (h *Host) Units() *agenttest.Units { return h.units }

// Journal is the host's fake systemd journal (unit logs).
func (h *Host) Journal() *agenttest.Journal { return h.journal }

// Current is the version the host's current symlink points at, "" when
// there is none.
func (h *Host) Current() string {
	target, err := os.Readlink(filepath.Join(h.AppRoot(), "current"))
	if err != nil {
		return ""
	}
	return strings.TrimPrefix(target, "releases/")
}

// Releases lists the installed releases (the directories under releases/,
// hidden temporary ones excluded), sorted by name.
func (h *Host) Releases() []string {
	entries, err := os.ReadDir(filepath.Join(h.AppRoot(), "releases"))
	if err != nil {
		return nil
	}
	var out []string
	for _, e := range entries {
		if e.IsDir() && !strings.HasPrefix(e.Name(), ".") {
			out = append(out, e.Name())
		}
	}
	return out
}

// Restarts counts the restarts of the app's unit so far.
func (h *Host) Restarts() int {
	n := 0
	for _, c := range h.units.Calls() {
		if c == "restart "+Unit {
			n++
		}
	}
	return n
}

// JournalEntries reads the host's deploy journal, .fleet/journal.jsonl
// under the app root; none when it does not exist yet.
func (h *Host) JournalEntries(t testing.TB) []agent.JournalEntry {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(h.AppRoot(), ".fleet", "journal.jsonl"))
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		t.Fatalf("hostsim: %s: read journal: %v", h.name, err)
	}
	var entries []agent.JournalEntry
	sc := bufio.NewScanner(bytes.NewReader(data))
	for sc.Scan() {
		var e agent.JournalEntry
		if err := json.Unmarshal(sc.Bytes(), &e); err != nil {
			t.Fatalf("hostsim: %s: journal line %q: %v", h.name, sc.Text(), err)
		}
		entries = append(entries, e)
	}
	return entries
}

// serveHealth is the app's health endpoint, as the agent's HTTP check sees
// it.
func (h *Host) serveHealth(w http.ResponseWriter, r *http.Request) {
	if !sleep(r.Context(), h.opts.HealthLatency) {
		return
	}
	version := h.Current()
	if h.opts.Unhealthy != nil && h.opts.Unhealthy(h.name, version) {
		http.Error(w, "unhealthy", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(w).Encode(map[string]string{"version": version})
}

// dialHealth is the agent's Deps.Dial: whatever address a check names,
// it reaches the host's health server, which stands for every service
// the host runs.
func (h *Host) dialHealth(ctx context.Context, _, _ string) (net.Conn, error) {
	var d net.Dialer
	return d.DialContext(ctx, "tcp", h.health.Listener.Addr().String())
}

// sleep waits d unless ctx ends first; it reports whether d passed.
func sleep(ctx context.Context, d time.Duration) bool {
	if d <= 0 {
		return true
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-ctx.Done():
		return false
	}
}

// slowUnits adds Options.RestartLatency to the fake systemd's restarts.
type slowUnits struct {
	*agenttest.Units
	latency time.Duration
}

func (u slowUnits) Restart(ctx context.Context, name string) error {
	if !sleep(ctx, u.latency) {
		return ctx.Err()
	}
	return u.Units.Restart(ctx, name)
}

// Consul is the host's simulated local Consul agent: what the agent
// registered there, with its weights and maintenance.
func (h *Host) Consul() *agenttest.Registry { return h.consul }
