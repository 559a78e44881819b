//go:build e2e

package labtest

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/hashicorp/consul/api"
	"github.com/pkg/sftp"
	"golang.org/x/crypto/ssh"
)

const (
	helloRoot   = "/opt/hello"
	releaseDir  = helloRoot + "/releases/lab"
	helperDir   = "/opt/fleet-labtest/bin"
	unitPath    = "/etc/systemd/system/hello.service"
	serviceName = "hello"
	servicePort = 8080
)

// artifacts are the local files the test uploads to every host.
type artifacts struct {
	hello, dbusctl, consulreg, unit string
}

// TestLab_DeployHelloToEveryHost proves the lab is real: on every host it
// connects with strict host keys, uploads hello by SFTP, restarts it through
// systemd's D-Bus API, reaches it over HTTP from this machine and registers
// it in the host's Consul agent; then the lab's Consul server must list it on
// every node, passing its health check, and the lab's Prometheus (LB=1 or
// PROM=1) must scrape every instance, labelled with its version.
func TestLab_DeployHelloToEveryHost(t *testing.T) {
	l := openLab(t)
	version := fmt.Sprintf("lab-%d", time.Now().Unix())
	start := time.Now()
	art := buildArtifacts(t, l.root, version)
	t.Logf("built hello %s and helpers in %v", version, time.Since(start).Round(time.Millisecond))

	var mu sync.Mutex
	clients := map[string]*ssh.Client{} // address -> connection
	nodes := map[string]string{}        // address -> host name
	t.Cleanup(func() { cleanupHosts(t, l, clients) })

	deployed := t.Run("deploy", func(t *testing.T) {
		for _, host := range l.hosts {
			t.Run(host, func(t *testing.T) {
				t.Parallel()
				ctx := t.Context()
				c, err := l.dial(ctx, host)
				if err != nil {
					t.Fatal(err)
				}
				mu.Lock()
				clients[host] = c
				mu.Unlock()
				name := deployHost(ctx, t, l, c, host, version, art)
				mu.Lock()
				nodes[host] = name
				mu.Unlock()
			})
		}
	})
	if !deployed {
		t.FailNow()
	}
	t.Run("consul", func(t *testing.T) { assertCatalog(t, l, nodes, version) })
	t.Run("prometheus", func(t *testing.T) { assertPrometheus(t, l, nodes, version) })
	t.Logf("whole test body took %v", time.Since(start).Round(time.Millisecond))
}

// buildArtifacts builds hello (with the version) and the two host helpers as
// static linux binaries.
func buildArtifacts(t *testing.T, root, version string) artifacts {
	t.Helper()
	dir := t.TempDir()
	build := func(out, pkg string, ldflags ...string) string {
		t.Helper()
		args := []string{"build", "-trimpath", "-o", filepath.Join(dir, out)}
		args = append(args, ldflags...)
		cmd := exec.Command("go", append(args, pkg)...)
		cmd.Dir = root
		cmd.Env = append(os.Environ(), "CGO_ENABLED=0", "GOOS=linux")
		if b, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("go build %s: %v\n%s", pkg, err, b)
		}
		return filepath.Join(dir, out)
	}
	return artifacts{
		hello:     build("hello", "./examples/hello", "-ldflags", "-X main.version="+version),
		dbusctl:   build("dbusctl", "./e2e/labtest/internal/dbusctl"),
		consulreg: build("consulreg", "./e2e/labtest/internal/consulreg"),
		unit:      filepath.Join(root, "examples", "hello", "hello.service"),
	}
}

// deployHost installs and starts hello on one host; returns its host name.
func deployHost(ctx context.Context, t *testing.T, l *lab, c *ssh.Client, host, version string, art artifacts) string {
	step := time.Now()
	name, err := run(ctx, c, "hostname", nil)
	if err != nil {
		t.Fatal(err)
	}
	name = strings.TrimSpace(name)

	sc, err := sftp.NewClient(c, sftp.UseConcurrentWrites(true))
	if err != nil {
		t.Fatalf("sftp: %v", err)
	}
	defer sc.Close()
	for _, d := range []string{releaseDir, helperDir} {
		if err := sc.MkdirAll(d); err != nil {
			t.Fatalf("mkdir %s: %v", d, err)
		}
	}
	for _, f := range []struct {
		local, remote string
		mode          fs.FileMode
	}{
		{art.hello, releaseDir + "/hello", 0o755},
		{art.dbusctl, helperDir + "/dbusctl", 0o755},
		{art.consulreg, helperDir + "/consulreg", 0o755},
		{art.unit, unitPath, 0o644},
	} {
		if err := upload(sc, f.local, f.remote, f.mode); err != nil {
			t.Fatal(err)
		}
	}
	if err := switchSymlink(sc, "releases/lab", helloRoot+"/current"); err != nil {
		t.Fatal(err)
	}
	t.Logf("%s (%s): uploaded by SFTP, current -> releases/lab (%v)", name, host, time.Since(step).Round(time.Millisecond))

	step = time.Now()
	out, err := run(ctx, c, helperDir+"/dbusctl restart hello.service", nil)
	if err != nil {
		t.Fatalf("restart over D-Bus: %v", err)
	}
	t.Logf("%s: %s (%v)", name, strings.TrimSpace(out), time.Since(step).Round(time.Millisecond))

	step = time.Now()
	waitHealthy(ctx, t, l, host, version)
	body := get(ctx, t, l, fmt.Sprintf("http://%s/", net.JoinHostPort(host, fmt.Sprint(servicePort))))
	if want := fmt.Sprintf("hello from %s on %s\n", version, name); body != want {
		t.Errorf("GET / = %q, want %q", body, want)
	}
	t.Logf("%s: /healthz reports %s from the controller (%v)", name, version, time.Since(step).Round(time.Millisecond))

	reg := fmt.Sprintf("%s/consulreg register -id %s -name %s -port %d -check-http http://127.0.0.1:%d/healthz -meta version=%s",
		helperDir, serviceName, serviceName, servicePort, servicePort, version)
	if _, err := run(ctx, c, reg, nil); err != nil {
		t.Fatalf("consul register: %v", err)
	}
	return name
}

// upload writes local to remote via a temporary name and a rename, so a
// running binary is never overwritten in place.
func upload(sc *sftp.Client, local, remote string, mode fs.FileMode) error {
	src, err := os.Open(local)
	if err != nil {
		return err
	}
	defer src.Close()
	tmp := remote + ".labtest-tmp"
	dst, err := sc.OpenFile(tmp, os.O_WRONLY|os.O_CREATE|os.O_TRUNC)
	if err != nil {
		return fmt.Errorf("create %s: %w", tmp, err)
	}
	if _, err := dst.ReadFrom(src); err != nil {
		_ = dst.Close()
		return fmt.Errorf("upload %s: %w", remote, err)
	}
	if err := dst.Chmod(mode); err != nil {
		_ = dst.Close()
		return fmt.Errorf("chmod %s: %w", tmp, err)
	}
	if err := dst.Close(); err != nil {
		return fmt.Errorf("close %s: %w", tmp, err)
	}
	if err := sc.PosixRename(tmp, remote); err != nil {
		return fmt.Errorf("rename %s: %w", remote, err)
	}
	return nil
}

// switchSymlink points link at target atomically (symlink + rename).
func switchSymlink(sc *sftp.Client, target, link string) error {
	tmp := link + ".labtest-tmp"
	if err := sc.Remove(tmp); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("remove %s: %w", tmp, err)
	}
	if err := sc.Symlink(target, tmp); err != nil {
		return fmt.Errorf("symlink %s: %w", tmp, err)
	}
	if err := sc.PosixRename(tmp, link); err != nil {
		return fmt.Errorf("rename %s: %w", link, err)
	}
	got, err := sc.ReadLink(link)
	if err != nil {
		return fmt.Errorf("readlink %s: %w", link, err)
	}
	if got != target {
		return fmt.Errorf("%s -> %s, want %s", link, got, target)
	}
	return nil
}

// waitHealthy polls /healthz from this machine until it reports version.
func waitHealthy(ctx context.Context, t *testing.T, l *lab, host, version string) {
	t.Helper()
	url := fmt.Sprintf("http://%s/healthz", net.JoinHostPort(host, fmt.Sprint(servicePort)))
	if err := l.checkURL(url[:strings.LastIndex(url, "/")]); err != nil {
		t.Fatal(err)
	}
	client := newLabHTTP()
	deadline := time.Now().Add(15 * time.Second)
	var last string
	for {
		h, err := getHealth(ctx, client, url)
		switch {
		case err != nil:
			last = err.Error()
		case h.Status == "ok" && h.Version == version:
			return
		default:
			last = fmt.Sprintf("%+v", h)
		}
		if time.Now().After(deadline) {
			t.Fatalf("GET %s: want status ok, version %s; last: %s", url, version, last)
		}
		select {
		case <-ctx.Done():
			t.Fatal(ctx.Err())
		case <-time.After(200 * time.Millisecond):
		}
	}
}

type health struct {
	Status  string `json:"status"`
	Version string `json:"version"`
}

func getHealth(ctx context.Context, client *http.Client, url string) (health, error) {
	var h health
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return h, err
	}
	resp, err := client.Do(req)
	if err != nil {
		return h, err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return h, fmt.Errorf("status %s", resp.Status)
	}
	if err := json.NewDecoder(resp.Body).Decode(&h); err != nil {
		return h, fmt.Errorf("decode: %w", err)
	}
	return h, nil
}

func get(ctx context.Context, t *testing.T, l *lab, url string) string {
	t.Helper()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := l.checkAddr(req.URL.Hostname()); err != nil {
		t.Fatal(err)
	}
	resp, err := newLabHTTP().Do(req)
	if err != nil {
		t.Fatalf("GET %s: %v", url, err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatalf("GET %s: %v", url, err)
	}
	return string(b)
}

func consulClient(t *testing.T, l *lab) *api.Client {
	t.Helper()
	cfg := api.DefaultConfig()
	cfg.Address = l.consulAddr
	cfg.HttpClient = newLabHTTP()
	c, err := api.NewClient(cfg)
	if err != nil {
		t.Fatalf("consul client: %v", err)
	}
	return c
}

// assertCatalog: the lab's Consul server lists hello on exactly the lab's
// nodes, with this run's version, and every instance passes its check.
func assertCatalog(t *testing.T, l *lab, nodes map[string]string, version string) {
	t.Helper()
	ctx := t.Context()
	client := consulClient(t, l)
	var want []string
	for _, n := range nodes {
		want = append(want, n)
	}
	slices.Sort(want)

	start := time.Now()
	deadline := start.Add(20 * time.Second)
	var last string
	for {
		q := (&api.QueryOptions{}).WithContext(ctx)
		svcs, _, err := client.Catalog().Service(serviceName, "", q)
		if err != nil {
			t.Fatalf("catalog: %v", err)
		}
		var inCatalog []string
		for _, s := range svcs {
			if s.ServiceMeta["version"] == version {
				inCatalog = append(inCatalog, s.Node)
			}
		}
		slices.Sort(inCatalog)
		entries, _, err := client.Health().Service(serviceName, "", true, q)
		if err != nil {
			t.Fatalf("health: %v", err)
		}
		var passing []string
		for _, e := range entries {
			passing = append(passing, e.Node.Node)
		}
		slices.Sort(passing)
		if slices.Equal(inCatalog, want) && slices.Equal(passing, want) {
			t.Logf("consul catalog: %s on %v, all passing (%v)", serviceName, want, time.Since(start).Round(time.Millisecond))
			return
		}
		last = fmt.Sprintf("catalog %v, passing %v", inCatalog, passing)
		if time.Now().After(deadline) {
			t.Fatalf("consul: want %s %s on %v, all passing; got %s", serviceName, version, want, last)
		}
		select {
		case <-ctx.Done():
			t.Fatal(ctx.Err())
		case <-time.After(250 * time.Millisecond):
		}
	}
}

// cleanupHosts deregisters and stops hello and removes what the test put on
// each host, so other e2e tests start clean; then checks the catalog.
func cleanupHosts(t *testing.T, l *lab, clients map[string]*ssh.Client) {
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	hosts := make([]string, 0, len(clients))
	for h := range clients {
		hosts = append(hosts, h)
	}
	slices.Sort(hosts)
	script := strings.Join([]string{
		fmt.Sprintf("if [ -x %[1]s/consulreg ]; then %[1]s/consulreg deregister -id %[2]s; fi", helperDir, serviceName),
		fmt.Sprintf("if [ -x %[1]s/dbusctl ] && [ -e %[2]s ]; then %[1]s/dbusctl stop hello.service >/dev/null; fi", helperDir, unitPath),
		fmt.Sprintf("rm -rf %s %s %s", helloRoot, path.Dir(helperDir), unitPath),
		"systemctl daemon-reload",
		"systemctl reset-failed hello.service 2>/dev/null || true",
	}, "\n")
	for _, h := range hosts {
		c := clients[h]
		if _, err := run(ctx, c, "sh -e", []byte(script)); err != nil {
			t.Errorf("cleanup %s: %v", h, err)
		}
		if err := c.Close(); err != nil && !errors.Is(err, net.ErrClosed) {
			t.Logf("close %s: %v", h, err)
		}
	}
	if len(hosts) == 0 {
		return
	}
	client := consulClient(t, l)
	deadline := time.Now().Add(10 * time.Second)
	for {
		svcs, _, err := client.Catalog().Service(serviceName, "", (&api.QueryOptions{}).WithContext(ctx))
		if err == nil && len(svcs) == 0 {
			return
		}
		if time.Now().After(deadline) {
			t.Errorf("after cleanup the catalog still lists %s: %d instances (err %v)", serviceName, len(svcs), err)
			return
		}
		select {
		case <-ctx.Done():
			t.Errorf("cleanup: %v", ctx.Err())
			return
		case <-time.After(200 * time.Millisecond):
		}
	}
}
