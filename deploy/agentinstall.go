package deploy

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"os"
	"path"
	"strings"
	"sync"

	"github.com/fleetdeploy/fleet/bundle"
	"github.com/fleetdeploy/fleet/transport"
)

// remoteAgent is the content-addressed agent binary on a host.
type remoteAgent struct {
	path   string // relative to the SSH user's home
	sha256 string
}

// installAgent uploads the fleet binary for the host's architecture to
// .fleet/bin/fleet-<sha256> unless a file with that checksum is already
// there. The upload goes to a temporary name and is renamed into place, so
// a half-written agent is never at the content-addressed path.
func installAgent(ctx context.Context, c transport.Conn, override string, sums *fileSums) (remoteAgent, error) {
	var uname strings.Builder
	if err := c.Run(ctx, "uname -m", nil, &uname, nil); err != nil {
		return remoteAgent{}, fmt.Errorf("uname: %w", err)
	}
	goarch, err := goarchOf(strings.TrimSpace(uname.String()))
	if err != nil {
		return remoteAgent{}, err
	}
	local, err := agentBinary(override, goarch)
	if err != nil {
		return remoteAgent{}, err
	}
	sum, err := sums.of(local)
	if err != nil {
		return remoteAgent{}, fmt.Errorf("hash %s: %w", local, err)
	}
	ra := remoteAgent{path: ".fleet/bin/fleet-" + sum, sha256: sum}
	if verifyRemote(ctx, c, ra) == nil {
		return ra, nil
	}
	if err := uploadAgent(ctx, c, local, ra); err != nil {
		return remoteAgent{}, err
	}
	if err := verifyRemote(ctx, c, ra); err != nil {
		return remoteAgent{}, fmt.Errorf("verify %s after upload: %w", ra.path, err)
	}
	return ra, nil
}

func verifyRemote(ctx context.Context, c transport.Conn, ra remoteAgent) error {
	cmd := fmt.Sprintf("printf '%%s  %%s\\n' %s %s | sha256sum --status -c -",
		transport.Quote(ra.sha256), transport.Quote(ra.path))
	return c.Run(ctx, cmd, nil, nil, nil)
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

func randomSuffix() string {
	b := make([]byte, 6)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}
