package deploy

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"path"
	"runtime"
	"strings"
	"sync"

	"github.com/fleetdeploy/fleet/bundle"
	"github.com/fleetdeploy/fleet/transport"
)

// remoteAgent is the content-addressed agent binary on a host.
type remoteAgent struct {
	path   string // relative to the SSH user's home
	sha256 string
	// stat is the file's fingerprint (statFormat) the start line may
	// compare instead of hashing; "" hashes.
	stat string
	how  string // how it was checked, for the trace: fingerprint, sha256, upload
}

// agentInstaller puts the verified agent on hosts.
type agentInstaller struct {
	override string    // --agent-binary
	sums     *fileSums // the local binary's checksum, once per command
	known    *knownAgents
}

// installAgent uploads the fleet binary for the host's architecture to
// .fleet/bin/fleet-<sha256> unless a file with that checksum is already
// there. The upload goes to a temporary name and is renamed into place, so
// a half-written agent is never at the content-addressed path.
func installAgent(ctx context.Context, c transport.Conn, override string, sums *fileSums) (remoteAgent, error) {
	return agentInstaller{override: override, sums: sums}.install(ctx, c, "")
}

// recorded is the agent binary ai.known says was verified on the login's
// host, with its fingerprint, for a start line that compares it (no
// round trip before the start): if the record names the binary this
// controller would install there now.
func (ai agentInstaller) recorded(key string) (remoteAgent, bool) {
	k, ok := ai.known.get(key)
	if !ok {
		return remoteAgent{}, false
	}
	goarch, err := goarchOf(k.Machine)
	if err != nil {
		return remoteAgent{}, false
	}
	local, err := agentBinary(ai.override, goarch)
	if err != nil {
		return remoteAgent{}, false
	}
	sum, err := ai.sums.of(local)
	if err != nil {
		return remoteAgent{}, false
	}
	ra := remoteAgent{path: ".fleet/bin/fleet-" + sum, sha256: sum, stat: k.Stat, how: "fingerprint"}
	return ra, ra.path == k.Path
}

// install is installAgent for the login key (loginKey), which hashes the
// binary on the host and, with ai.known, records the fingerprint read
// before the hash for the next run (settledStat).
func (ai agentInstaller) install(ctx context.Context, c transport.Conn, key string) (remoteAgent, error) {
	var uname strings.Builder
	if err := c.Run(ctx, "uname -m", nil, &uname, nil); err != nil {
		return remoteAgent{}, fmt.Errorf("uname: %w", err)
	}
	machine := strings.TrimSpace(uname.String())
	goarch, err := goarchOf(machine)
	if err != nil {
		return remoteAgent{}, err
	}
	local, err := agentBinary(ai.override, goarch)
	if err != nil {
		return remoteAgent{}, err
	}
	sum, err := ai.sums.of(local)
	if err != nil {
		return remoteAgent{}, fmt.Errorf("hash %s: %w", local, err)
	}
	ra := remoteAgent{path: ".fleet/bin/fleet-" + sum, sha256: sum}
	if stat, err := ai.verify(ctx, c, ra); err == nil {
		if stat != "" {
			ai.known.put(key, knownAgent{Machine: machine, Path: ra.path, Stat: stat})
		}
		ra.stat, ra.how = stat, "sha256"
		return ra, nil
	}
	if err := uploadAgent(ctx, c, local, ra); err != nil {
		return remoteAgent{}, err
	}
	if err := verifyRemote(ctx, c, ra); err != nil {
		return remoteAgent{}, fmt.Errorf("verify %s after upload: %w", ra.path, err)
	}
	ra.how = "upload"
	return ra, nil
}

// verify checks the binary's sha256 on the host. With ai.known it also
// reads the host's clock, then the file's fingerprint, then hashes, and
// returns the fingerprint when settledStat trusts it. A shell that does
// not take that command gets the plain check (verifyRemote).
func (ai agentInstaller) verify(ctx context.Context, c transport.Conn, ra remoteAgent) (string, error) {
	if ai.known == nil {
		return "", verifyRemote(ctx, c, ra)
	}
	var out strings.Builder
	err := c.Run(ctx, fingerprintCheck(ra), nil, &out, nil)
	if err == nil {
		return settledStat(out.String()), nil
	}
	var ee *transport.ExitError
	if errors.As(err, &ee) && ee.Code == 1 {
		return "", err // the check ran: no such binary there; the plain one would say the same
	}
	return "", verifyRemote(ctx, c, ra)
}

// fingerprintCheck is sha256Check that first prints the host's clock and
// the file's fingerprint, read before the hash (settledStat).
func fingerprintCheck(ra remoteAgent) string {
	return fmt.Sprintf(`n=$(date +%%s); s=$(stat -L -c %s -- %s 2>/dev/null); %s || exit 1; echo "$n $s"`,
		transport.Quote(statFormat), transport.Quote(ra.path), sha256Check(ra))
}

func verifyRemote(ctx context.Context, c transport.Conn, ra remoteAgent) error {
	return c.Run(ctx, sha256Check(ra), nil, nil, nil)
}

// sha256Check is the shell command that exits 0 only when the binary is
// there and has its checksum.
func sha256Check(ra remoteAgent) string {
	return fmt.Sprintf("printf '%%s  %%s\\n' %s %s | sha256sum --status -c -",
		transport.Quote(ra.sha256), transport.Quote(ra.path))
}

func uploadAgent(ctx context.Context, c transport.Conn, local string, ra remoteAgent) error {
	if err := c.MkdirAll(ctx, path.Dir(ra.path)); err != nil {
		return err // "mkdir <dir>: …"
	}
	f, err := os.Open(local)
	if err != nil {
		return err
	}
	defer f.Close()
	tmp := ra.path + ".tmp-" + randomSuffix()
	if _, err := c.Upload(ctx, tmp, f, 0o755, nil); err != nil {
		_ = c.Remove(context.WithoutCancel(ctx), tmp)
		return fmt.Errorf("upload %s: %w", tmp, err)
	}
	if err := c.Rename(ctx, tmp, ra.path); err != nil {
		_ = c.Remove(context.WithoutCancel(ctx), tmp)
		return err // "rename <tmp>: …"
	}
	return nil
}

// fileSums hashes each local file once for a whole command: every host
// gets the same agent binary, and hashing it per host cost a controller
// ~16 ms of CPU per host for an 18 MiB fleet binary (BENCHMARKS.md). A
// nil *fileSums hashes every time.
type fileSums struct {
	mu   sync.Mutex
	sums map[string]string
}

func (f *fileSums) of(path string) (string, error) {
	if f == nil {
		return bundle.FileSHA256(path)
	}
	f.mu.Lock()
	defer f.mu.Unlock() // hosts wait for the first hash instead of repeating it
	if sum, ok := f.sums[path]; ok {
		return sum, nil
	}
	sum, err := bundle.FileSHA256(path)
	if err != nil {
		return "", err
	}
	if f.sums == nil {
		f.sums = map[string]string{}
	}
	f.sums[path] = sum
	return sum, nil
}

// prefetch hashes the binary a host of the controller's own architecture
// gets while the connections are dialled, not after the first `uname -m`
// (~16 ms for an 18 MiB binary, which every host's agent check waited
// for); hosts of another architecture wait for it at most once.
func (f *fileSums) prefetch(override string) {
	if local, err := agentBinary(override, runtime.GOARCH); err == nil {
		_, _ = f.of(local)
	}
}

func randomSuffix() string {
	b := make([]byte, 6)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}
