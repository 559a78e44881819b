//go:build e2e

package e2e

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"os"
	"strings"
	"sync"
	"testing"
	"time"
)

// Artifact by URL on real hosts (issue 18, part 1): the test serves hello
// v2 over HTTP on the lab bridge's own address, as an artifact store
// would, and every host downloads it itself. Refused first: an http://
// URL without --allow-http (exit 3, no host contacted, the store asked
// nothing) and a wrong --sha256 (exit 3, no release on any host). Then
// the rollout, with the store failing the first request with a 503 and
// cutting the second mid-body: on every host current, the unit and
// /healthz on v2, release.json's sha256; the store served each host the
// whole artifact once, the cut host resumed by range; fleet uploaded
// nothing and no output, log or host journal holds the URL's query.
func TestFetch_ArtifactByURL(t *testing.T) {
	l := theLab
	l.resetHosts(t)
	inv := l.writeInventory(t, inventoryOptions{minHealthyTime: "1s", strategy: "  max_unavailable: 3\n  max_failures: 0\n"})
	body, err := os.ReadFile(l.hello["v2"])
	if err != nil {
		t.Fatal(err)
	}
	s := sha256.Sum256(body)
	sum := hex.EncodeToString(s[:])
	store := serveOnBridge(t, body)
	url := store.url + "/hello-v2?X-Amz-Signature=SECRETSIG"
	shown := store.url + "/hello-v2?…"
	noSecret := func(what, text string) {
		t.Helper()
		if strings.Contains(text, "SECRETSIG") {
			t.Errorf("%s holds the URL's query:\n%s", what, text)
		}
	}

	r := l.fleet(t, "rollout", "-i", inv, "-o", "json", "--artifact", url, "--sha256", sum, "--version", "v2")
	if r.code != 3 || !strings.Contains(r.stderr, "--allow-http") {
		t.Errorf("http:// without --allow-http: exit %d, want 3 naming --allow-http\n%s", r.code, r.stderr)
	}
	noSecret("stderr", r.stderr)
	for _, h := range l.names {
		if out, err := l.trySSH(h, "test ! -e /opt/hello"); err != nil {
			t.Errorf("%s: /opt/hello exists after a refused http:// URL: the host was contacted (%s)", h, out)
		}
	}
	if n := store.requests(); n != 0 {
		t.Errorf("the store got %d requests before --allow-http", n)
	}

	r = l.fleet(t, "rollout", "-i", inv, "-o", "json", "--artifact", url, "--sha256", strings.Repeat("0", 64), "--version", "v2", "--allow-http")
	if r.code != 3 || !strings.Contains(r.stderr, "checksum_mismatch") || !strings.Contains(r.stderr, shown) {
		t.Errorf("wrong --sha256: exit %d, want 3 with checksum_mismatch naming %s\n%s", r.code, shown, r.stderr)
	}
	noSecret("stderr", r.stderr)
	for _, h := range l.names {
		if !strings.Contains(r.stderr, h) {
			t.Errorf("the checksum error does not name %s", h)
		}
		if got := l.ssh(t, h, "ls -A /opt/hello/releases 2>/dev/null; ls -A /opt/hello/.incoming 2>/dev/null; true"); got != "" {
			t.Errorf("%s: releases/ and .incoming hold %q after a wrong sha256", h, got)
		}
	}

	if r := l.fleet(t, "plan", "-i", inv, "--artifact", url, "--sha256", sum, "--version", "v2", "--allow-http"); r.code != 0 ||
		!strings.Contains(r.stdout, "Fetch: each host downloads it from "+shown) {
		t.Errorf("plan: exit %d, want it to say the hosts fetch from %s\n%s", r.code, shown, r.stdout)
	}

	store.reset("503", "cut")
	start := time.Now()
	r = l.fleet(t, "rollout", "-i", inv, "-o", "json", "--artifact", url, "--sha256", sum, "--version", "v2", "--allow-http")
	if r.code != 0 {
		t.Fatalf("rollout from the URL: exit %d\n%s", r.code, r.stdout)
	}
	t.Logf("rollout with a 503 and a cut connection: %s", time.Since(start).Round(time.Millisecond))
	l.assertAllOn(t, "v2")
	for _, h := range l.names {
		var rj struct {
			SHA256 string `json:"sha256"`
		}
		if err := json.Unmarshal([]byte(l.ssh(t, h, "cat /opt/hello/releases/v2/release.json")), &rj); err != nil || rj.SHA256 != sum {
			t.Errorf("%s: release.json sha256 %q (%v), want %s", h, rj.SHA256, err, sum)
		}
		noSecret(h+"'s journal", l.ssh(t, h, "cat /opt/hello/.fleet/journal.jsonl"))
	}
	served, byHost, ranged := store.stats()
	if served != int64(len(body))*int64(len(l.names)) || ranged != 1 {
		t.Errorf("the store served %d bytes with %d range requests, want each host the %d bytes once and one resume", served, ranged, len(body))
	}
	for i, h := range l.names {
		if byHost[l.addrs[i]] == 0 {
			t.Errorf("%s (%s) never asked the store: %v", h, l.addrs[i], byHost)
		}
	}
	noSecret("stdout", r.stdout)
	noSecret("stderr", r.stderr)
	if evs := r.eventsOf("upload_progress", ""); len(evs) != 0 || len(r.eventsOf("host_step", "upload")) != 0 {
		t.Errorf("upload events in a URL rollout: %v", evs)
	}
	for _, e := range r.eventsOf("staged", "") {
		if e["bytes"] != nil {
			t.Errorf("staged %v: the controller uploaded bytes", e)
		}
	}
	var retried, resumed bool
	for _, e := range r.eventsOf("host_step", "fetch") {
		m, _ := e["message"].(string)
		retried = retried || strings.Contains(m, "HTTP 503")
		resumed = resumed || strings.Contains(m, "resuming at byte")
	}
	if !retried || !resumed {
		t.Errorf("host_step fetch events: retried %v, resumed %v; want both", retried, resumed)
	}
}

// bridgeStore is an artifact store on the lab bridge's address: it
// serves body at /hello-v2 with range requests, failing the requests
// faults names in order ("503"; "cut": half the body, then the
// connection closes).
type bridgeStore struct {
	url  string
	body []byte

	mu     sync.Mutex
	faults []string
	reqs   int
	served int64
	byHost map[string]int
	ranged int
}

func serveOnBridge(t *testing.T, body []byte) *bridgeStore {
	t.Helper()
	ifc, err := net.InterfaceByName("fleetbr0")
	if err != nil {
		t.Fatal(err)
	}
	addrs, err := ifc.Addrs()
	if err != nil {
		t.Fatal(err)
	}
	var ip net.IP
	for _, a := range addrs {
		if n, ok := a.(*net.IPNet); ok && n.IP.To4() != nil {
			ip = n.IP
		}
	}
	if ip == nil {
		t.Fatal("fleetbr0 has no IPv4 address")
	}
	ln, err := net.Listen("tcp", net.JoinHostPort(ip.String(), "0"))
	if err != nil {
		t.Fatal(err)
	}
	s := &bridgeStore{url: "http://" + ln.Addr().String(), body: body, byHost: map[string]int{}}
	srv := &http.Server{Handler: s, ReadHeaderTimeout: 10 * time.Second}
	go func() { _ = srv.Serve(ln) }()
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		_ = srv.Shutdown(ctx)
	})
	return s
}

func (s *bridgeStore) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	host, _, _ := net.SplitHostPort(r.RemoteAddr)
	s.mu.Lock()
	s.reqs++
	s.byHost[host]++
	fault := ""
	if len(s.faults) > 0 {
		fault, s.faults = s.faults[0], s.faults[1:]
	}
	if r.Header.Get("Range") != "" {
		s.ranged++
	}
	s.mu.Unlock()
	if r.URL.Path != "/hello-v2" {
		http.NotFound(w, r)
		return
	}
	w.Header().Set("Accept-Ranges", "bytes")
	switch fault {
	case "503":
		http.Error(w, "busy", http.StatusServiceUnavailable)
	case "cut":
		half := len(s.body) / 2
		w.Header().Set("Content-Length", fmt.Sprint(len(s.body)))
		w.WriteHeader(http.StatusOK)
		n, _ := w.Write(s.body[:half])
		_ = http.NewResponseController(w).Flush()
		s.count(n)
		if conn, _, err := http.NewResponseController(w).Hijack(); err == nil {
			_ = conn.Close()
		}
	default:
		http.ServeContent(countingWriter{w, s}, r, "", time.Time{}, bytes.NewReader(s.body))
	}
}

func (s *bridgeStore) count(n int) {
	s.mu.Lock()
	s.served += int64(n)
	s.mu.Unlock()
}

func (s *bridgeStore) reset(faults ...string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.faults, s.reqs, s.served, s.byHost, s.ranged = faults, 0, 0, map[string]int{}, 0
}

func (s *bridgeStore) requests() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.reqs
}

func (s *bridgeStore) stats() (served int64, byHost map[string]int, ranged int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.served, s.byHost, s.ranged
}

type countingWriter struct {
	http.ResponseWriter
	s *bridgeStore
}

func (c countingWriter) Write(p []byte) (int, error) {
	n, err := c.ResponseWriter.Write(p)
	c.s.count(n)
	return n, err
}
