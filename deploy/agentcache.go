package deploy

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/fleetdeploy/fleet/inventory"
)

// The agent binary on a host is checked before every exec. Hashing it in
// full (~18 MiB, ~50 ms of the host's CPU) twice a run was most of a
// no-change re-run's time (BENCHMARKS.md), so the controller remembers,
// per host, the file's fingerprint from the last run that hashed it, and
// the start line compares the fingerprint instead of hashing while it is
// unchanged. DESIGN.md ("The agent binary's fingerprint") says why that
// stays safe against a replaced or rewritten file.

// statFormat is the fingerprint, as GNU stat prints it: device, inode,
// size, mtime and ctime in nanoseconds. A write, truncate, rename over it,
// chmod or chown sets ctime to the host's clock, which only root can set.
const statFormat = "%d %i %s %.9Y %.9Z"

var statLine = regexp.MustCompile(`^[0-9]+ [0-9]+ [0-9]+ [0-9]+\.[0-9]{9} ([0-9]+)\.[0-9]{9}$`)

// settleTime is how much older than the hash's start a file's ctime must
// be for its fingerprint to be trusted: a change after the fingerprint was
// read then has a ctime at least a second later, however coarse the file
// system's timestamps (git's "racily clean" rule).
const settleTime = 2

// knownAgentTTL bounds how long a fingerprint stands in for the hash: the
// binary is hashed in full again at least once a day.
const knownAgentTTL = 24 * time.Hour

// knownAgent is the agent binary last verified on one host.
type knownAgent struct {
	Machine  string    `json:"machine"`  // uname -m
	Path     string    `json:"path"`     // .fleet/bin/fleet-<sha256>, from the login's home
	Stat     string    `json:"stat"`     // statFormat, read before the hash that verified it
	Verified time.Time `json:"verified"` // the controller's clock
}

// knownAgents is the controller's record of verified agent binaries,
// keyed by login (user@address:port), in one JSON file (0600 in a 0700
// directory: whoever can write it could make a host skip the hash, so it
// is as private as known_hosts). A nil *knownAgents knows nothing and
// records nothing: every run hashes.
type knownAgents struct {
	path  string
	now   func() time.Time
	mu    sync.Mutex
	hosts map[string]knownAgent
	dirty bool
}

// AgentCachePath is where the controller keeps knownAgents: fleet/agents.json
// in the user's cache directory; "" when there is none.
func AgentCachePath() string {
	dir, err := os.UserCacheDir()
	if err != nil {
		return ""
	}
	return filepath.Join(dir, "fleet", "agents.json")
}

// loadKnownAgents reads path; a missing or unreadable file is an empty
// record (it only costs a hash), "" is none at all.
func loadKnownAgents(path string, now func() time.Time) *knownAgents {
	if path == "" {
		return nil
	}
	k := &knownAgents{path: path, now: now, hosts: map[string]knownAgent{}}
	if data, err := os.ReadFile(path); err == nil {
		_ = json.Unmarshal(data, &k.hosts)
	}
	return k
}

func loginKey(h inventory.Host) string {
	return fmt.Sprintf("%s@%s:%d", h.SSH.User, h.Address, h.SSH.Port)
}

// get returns the host's entry unless it is older than knownAgentTTL.
func (k *knownAgents) get(key string) (knownAgent, bool) {
	if k == nil {
		return knownAgent{}, false
	}
	k.mu.Lock()
	defer k.mu.Unlock()
	a, ok := k.hosts[key]
	if !ok || k.now().Sub(a.Verified) > knownAgentTTL || a.Verified.After(k.now()) {
		return knownAgent{}, false
	}
	return a, true
}

func (k *knownAgents) put(key string, a knownAgent) {
	if k == nil {
		return
	}
	k.mu.Lock()
	defer k.mu.Unlock()
	a.Verified = k.now().UTC()
	k.hosts[key], k.dirty = a, true
}

func (k *knownAgents) forget(key string) {
	if k == nil {
		return
	}
	k.mu.Lock()
	defer k.mu.Unlock()
	if _, ok := k.hosts[key]; ok {
		delete(k.hosts, key)
		k.dirty = true
	}
}

// save writes the record when it changed, atomically (another fleet may
// save at the same time: the last one wins, which only costs a hash).
func (k *knownAgents) save() error {
	if k == nil {
		return nil
	}
	k.mu.Lock()
	defer k.mu.Unlock()
	if !k.dirty {
		return nil
	}
	for key, a := range k.hosts { // expired entries would only grow the file
		if k.now().Sub(a.Verified) > knownAgentTTL {
			delete(k.hosts, key)
		}
	}
	data, err := json.MarshalIndent(k.hosts, "", "  ")
	if err != nil {
		return err
	}
	if err := os.MkdirAll(filepath.Dir(k.path), 0o700); err != nil {
		return err
	}
	tmp, err := os.CreateTemp(filepath.Dir(k.path), ".agents-*.json")
	if err != nil {
		return err
	}
	_, werr := tmp.Write(append(data, '\n'))
	cerr := tmp.Close()
	if err := errors.Join(werr, cerr); err != nil {
		_ = os.Remove(tmp.Name())
		return err
	}
	if err := os.Rename(tmp.Name(), k.path); err != nil {
		_ = os.Remove(tmp.Name())
		return err
	}
	k.dirty = false
	return nil
}

// settledStat parses the verify command's output, "<host's unix time>
// <fingerprint>", and returns the fingerprint if it may stand in for the
// hash: well formed, and the file's ctime at least settleTime seconds
// before the host's clock was read (the clock was read before the
// fingerprint, and the fingerprint before the hash). Anything else is "".
func settledStat(out string) string {
	now, stat, ok := strings.Cut(strings.TrimSpace(out), " ")
	if !ok {
		return ""
	}
	m := statLine.FindStringSubmatch(stat)
	n, err := strconv.ParseInt(now, 10, 64)
	if m == nil || err != nil {
		return ""
	}
	ctime, err := strconv.ParseInt(m[1], 10, 64)
	if err != nil || ctime+settleTime > n {
		return ""
	}
	return stat
}
