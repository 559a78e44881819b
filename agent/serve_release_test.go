package agent_test

import (
	"bytes"
	"context"
	"errors"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/fleetdeploy/fleet/agent"
)

var peerToken = strings.Repeat("ab", 32)

// freePort is a loopback port nobody listens on now.
func freePort(t *testing.T) int {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().(*net.TCPAddr).Port
}

// seed is a host holding release 2 (fetched from a store) and serving it
// to its peers on loopback.
func seed(t *testing.T) (*fetchHost, *agent.Client, string) {
	t.Helper()
	h := newFetchHost(t)
	c := h.open(t)
	ctx := context.Background()
	if _, err := c.Fetch(ctx, fetchArgs(serve(t, &store{body: artifact})+"/a"), nil); err != nil {
		t.Fatal(err)
	}
	p := freePort(t)
	r, err := c.ServeRelease(ctx, agent.ServeReleaseArgs{Version: "2", Address: "127.0.0.1", FirstPort: p, LastPort: p + 5, Token: peerToken})
	if err != nil {
		t.Fatal(err)
	}
	if r.Port < p || r.Port > p+5 || r.Path != "/releases/2/"+testBinary {
		t.Fatalf("serving on port %d at %s, want a port of %d-%d and /releases/2/%s", r.Port, r.Path, p, p+5, testBinary)
	}
	return h, c, "http://127.0.0.1:" + strconv.Itoa(r.Port)
}

func get(t *testing.T, url, auth string) (int, []byte) {
	t.Helper()
	req, _ := http.NewRequest(http.MethodGet, url, nil)
	if auth != "" {
		req.Header.Set("Authorization", auth)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, body
}

// TestServeRelease_OnlyTheBinaryOnlyWithTheToken: no token, another
// token, another scheme: 401; the token and any other path (the release's
// metadata, another version, the root): 404; the token and the release's
// binary: its bytes.
func TestServeRelease_OnlyTheBinaryOnlyWithTheToken(t *testing.T) {
	_, _, base := seed(t)
	bin := base + "/releases/2/" + testBinary
	for _, auth := range []string{"", "Bearer " + strings.Repeat("cd", 32), "Bearer " + peerToken[:63], "Basic " + peerToken, peerToken} {
		if code, body := get(t, bin, auth); code != http.StatusUnauthorized || bytes.Contains(body, artifact[:20]) {
			t.Errorf("Authorization %q: HTTP %d, want 401 and no bytes", auth, code)
		}
	}
	for _, p := range []string{"/releases/2/release.json", "/releases/1/" + testBinary, "/", "/releases/2/../2/release.json", "/releases/2/" + testBinary + "/x"} {
		if code, _ := get(t, base+p, "Bearer "+peerToken); code != http.StatusNotFound {
			t.Errorf("%s with the token: HTTP %d, want 404", p, code)
		}
	}
	code, body := get(t, bin, "Bearer "+peerToken)
	if code != http.StatusOK || !bytes.Equal(body, artifact) {
		t.Errorf("the binary with the token: HTTP %d, %d bytes, want 200 and the artifact's %d", code, len(body), len(artifact))
	}
}

// TestServeRelease_PeerFetchesWithTheTokenNeverShown: a fetch with a wrong
// token is refused (401, not retried, nothing installed); with the right
// one the peer installs the release. Neither host's log, journal or
// answers hold the token.
func TestServeRelease_PeerFetchesWithTheTokenNeverShown(t *testing.T) {
	sh, _, base := seed(t)
	peer := newFetchHost(t)
	c := peer.open(t)
	ctx := context.Background()
	a := fetchArgs(base + "/releases/2/" + testBinary)
	a.Token = strings.Repeat("cd", 32)
	_, err := c.Fetch(ctx, a, nil)
	if !errors.Is(err, agent.CodeFetchFailed) || !strings.Contains(err.Error(), "401") {
		t.Fatalf("fetch with a wrong token: %v, want fetch_failed naming HTTP 401", err)
	}
	if _, err := os.Stat(filepath.Join(peer.root, "releases", "2")); !os.IsNotExist(err) {
		t.Errorf("releases/2 after a refused fetch: %v", err)
	}
	a.Token = peerToken
	if _, err := c.Fetch(ctx, a, nil); err != nil {
		t.Fatal(err)
	}
	if got := installed(t, peer.root, "2"); !bytes.Equal(got, artifact) {
		t.Errorf("the peer installed %d bytes, want the artifact", len(got))
	}
	for _, h := range []*fetchHost{sh, peer} {
		journal, _ := os.ReadFile(filepath.Join(h.root, ".fleet", "journal.jsonl"))
		h.mu.Lock()
		texts := map[string]string{"log": h.log.String(), "output": h.out.String(), "journal": string(journal)}
		h.mu.Unlock()
		for what, text := range texts {
			if strings.Contains(text, peerToken) || strings.Contains(text, "cdcdcdcd") {
				t.Errorf("the %s holds the token:\n%s", what, text)
			}
		}
		if texts["journal"] == "" || texts["log"] == "" {
			t.Errorf("journal %d bytes, log %d bytes: want both written", len(journal), len(texts["log"]))
		}
	}
}

// TestServeRelease_StopsWithTheSession: once the controller closes the
// session, the port takes no connection.
func TestServeRelease_StopsWithTheSession(t *testing.T) {
	_, c, base := seed(t)
	addr := strings.TrimPrefix(base, "http://")
	if conn, err := net.Dial("tcp", addr); err != nil {
		t.Fatalf("not serving before the session ends: %v", err)
	} else {
		_ = conn.Close()
	}
	_ = c.Close()
	deadline := time.Now().Add(5 * time.Second)
	for {
		conn, err := net.Dial("tcp", addr)
		if err != nil {
			return
		}
		_ = conn.Close()
		if time.Now().After(deadline) {
			t.Fatal("still serving 5s after the session ended")
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// TestServeRelease_Refusals: a short token, no address, a release not
// installed, a bundle (its archive is not kept), a port range all taken.
func TestServeRelease_Refusals(t *testing.T) {
	h := newHost(t)
	s := h.openWith(t, nil, "")
	ctx := context.Background()
	p := freePort(t)
	ok := agent.ServeReleaseArgs{Version: "2", Address: "127.0.0.1", FirstPort: p, LastPort: p, Token: peerToken}
	short, noAddr := ok, ok
	short.Token = "abc"
	noAddr.Address = ""
	for name, a := range map[string]agent.ServeReleaseArgs{"short token": short, "no address": noAddr} {
		if _, err := s.c.ServeRelease(ctx, a); !errors.Is(err, agent.CodeBadRequest) {
			t.Errorf("%s: %v, want bad_request", name, err)
		}
	}
	if _, err := s.c.ServeRelease(ctx, ok); !errors.Is(err, agent.CodeNotFound) {
		t.Errorf("not installed: %v, want not_found", err)
	}
	if err := stageBundle(s.c, "2", helloBundle(t, "hallo")); err != nil {
		t.Fatal(err)
	}
	if _, err := s.c.ServeRelease(ctx, ok); !errors.Is(err, agent.CodeBadRequest) || !strings.Contains(err.Error(), "bare binary") {
		t.Errorf("a bundle: %v, want bad_request saying only a bare binary", err)
	}

	fh := newFetchHost(t)
	c := fh.open(t)
	if _, err := c.Fetch(ctx, fetchArgs(serve(t, &store{body: artifact})+"/a"), nil); err != nil {
		t.Fatal(err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	taken := ln.Addr().(*net.TCPAddr).Port
	ok.FirstPort, ok.LastPort = taken, taken
	if _, err := c.ServeRelease(ctx, ok); !errors.Is(err, agent.CodeIO) || !strings.Contains(err.Error(), "no port") {
		t.Errorf("every port taken: %v, want io saying no port is free", err)
	}
}
