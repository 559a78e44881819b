//go:build e2e

package e2e

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"os"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"
)

// Peer fan-out on real hosts (issue 18, part 2): strategy.distribute:
// peers with one seed. The controller uploads v2 to the seed only; the
// other two hosts fetch it from a host that has it (their journals name
// the peer's address). On every host: current, the unit and /healthz on
// v2, release.json's sha256. While the rollout runs, the test asks every
// host's first peer port for the binary with no token and a wrong one:
// 401 only, never the bytes; once fleet has exited, the port is closed.
// No output or journal holds the rollout's token.
func TestPeers_FanOutFromOneSeed(t *testing.T) {
	l := theLab
	l.resetHosts(t)
	inv := l.writeInventory(t, inventoryOptions{minHealthyTime: "1s",
		strategy: "  max_unavailable: 3\n  max_failures: 0\n  distribute: peers\n  seeds: 1\n"})
	body, err := os.ReadFile(l.hello["v2"])
	if err != nil {
		t.Fatal(err)
	}
	s := sha256.Sum256(body)
	sum := hex.EncodeToString(s[:])

	r := l.fleet(t, "plan", "-i", inv, "--artifact", l.hello["v2"], "--version", "v2")
	if r.code != 0 || !strings.Contains(r.stdout, "Peers: the controller uploads to "+l.names[0]) ||
		!strings.Contains(r.stdout, l.names[1]+" fetches from "+l.names[0]) {
		t.Errorf("plan: exit %d, want the seed %s and who fetches from whom\n%s", r.code, l.names[0], r.stdout)
	}

	probe := startPeerProbe(l.addrs)
	start := time.Now()
	r = l.fleet(t, "rollout", "-i", inv, "-o", "json", "--artifact", l.hello["v2"], "--version", "v2")
	took := time.Since(start)
	codes := probe.stop()
	if r.code != 0 {
		t.Fatalf("rollout with peers: exit %d\n%s", r.code, r.stdout)
	}
	t.Logf("rollout with peers: %s; wrong-token probes answered %v", took.Round(time.Millisecond), codes)
	l.assertAllOn(t, "v2")
	for _, h := range l.names {
		var rj struct {
			SHA256 string `json:"sha256"`
		}
		if err := json.Unmarshal([]byte(l.ssh(t, h, "cat /opt/hello/releases/v2/release.json")), &rj); err != nil || rj.SHA256 != sum {
			t.Errorf("%s: release.json sha256 %q (%v), want %s", h, rj.SHA256, err, sum)
		}
	}

	// The controller uploaded to the seed only; the others fetched from a peer.
	for _, e := range r.eventsOf("host_step", "upload") {
		if e["host"] != l.names[0] {
			t.Errorf("the controller uploaded to %v, not only to the seed %s", e["host"], l.names[0])
		}
	}
	if n := len(r.eventsOf("host_step", "upload")); n != 1 {
		t.Errorf("%d uploads, want 1 (the seed)", n)
	}
	for _, e := range r.eventsOf("staged", "") {
		if b, _ := e["bytes"].(float64); int(b) != len(body) {
			t.Errorf("staged %v: want %d bytes uploaded (one artifact)", e, len(body))
		}
	}
	fetched := map[string]string{}
	for _, e := range r.eventsOf("host_step", "fetch") {
		if m, _ := e["message"].(string); strings.HasPrefix(m, "from peer ") {
			fetched[e["host"].(string)] = strings.Fields(m)[2]
		}
	}
	t.Logf("fetched from peers: %v", fetched)
	for i, h := range l.names[1:] {
		if fetched[h] == "" {
			t.Errorf("%s fetched from no peer: %v", h, fetched)
		}
		var fromPeer bool
		for _, j := range l.journal(t, h) {
			reason, _ := j["reason"].(string)
			fromPeer = fromPeer || j["op"] == "fetch" && j["error"] == nil && strings.HasPrefix(reason, "http://") &&
				strings.Contains(reason, "/releases/v2/hello") && !strings.Contains(reason, l.addrs[i+1]+":")
		}
		if !fromPeer {
			t.Errorf("%s's journal has no fetch of v2 from another host", h)
		}
	}
	if _, ok := fetched[l.names[0]]; ok {
		t.Errorf("the seed %s fetched: %v", l.names[0], fetched)
	}

	// A request without the token, or with another, never got the bytes,
	// and the seed did answer one (401) while it served.
	if codes[http.StatusOK] > 0 || codes[http.StatusUnauthorized] == 0 {
		t.Errorf("wrong-token probes answered %v, want 401s and no 200", codes)
	}
	// The agents serve only for their session: once fleet has exited
	// (and the agents read the end of their input), the port is closed.
	for _, a := range l.addrs {
		waitFor(t, a+":7380 closed after the rollout", 10*time.Second, func() bool {
			c, err := net.DialTimeout("tcp", net.JoinHostPort(a, "7380"), time.Second)
			if err == nil {
				_ = c.Close()
			}
			return err != nil
		})
	}

	// No output or journal holds a 64-hex secret (the token) but the sha256.
	// The agent binary's name carries its own sha256 (fleet-<sha256>).
	hex64 := regexp.MustCompile(`(fleet-)?([0-9a-f]{64})`)
	texts := map[string]string{"stdout": r.stdout, "stderr": r.stderr}
	for _, h := range l.names {
		texts[h+"'s journal"] = l.ssh(t, h, "cat /opt/hello/.fleet/journal.jsonl")
	}
	for what, text := range texts {
		for _, m := range hex64.FindAllStringSubmatch(text, -1) {
			if m[1] == "" && m[2] != sum {
				t.Errorf("%s holds a 64-hex string that is not the sha256 (the token?): %s", what, m[2])
			}
		}
	}
}

// peerProbe asks each host's first peer port for the binary, without a
// token and with a wrong one, until stopped; it counts the answers.
type peerProbe struct {
	mu    sync.Mutex
	codes map[int]int
	done  chan struct{}
	wg    sync.WaitGroup
}

func startPeerProbe(addrs []string) *peerProbe {
	p := &peerProbe{codes: map[int]int{}, done: make(chan struct{})}
	client := &http.Client{Timeout: time.Second}
	p.wg.Go(func() {
		for i := 0; ; i++ {
			select {
			case <-p.done:
				return
			case <-time.After(50 * time.Millisecond):
			}
			for _, a := range addrs {
				req, _ := http.NewRequest(http.MethodGet, fmt.Sprintf("http://%s:7380/releases/v2/hello", a), nil)
				if i%2 == 1 {
					req.Header.Set("Authorization", "Bearer "+strings.Repeat("0", 64))
				}
				resp, err := client.Do(req)
				if err != nil {
					continue
				}
				_ = resp.Body.Close()
				p.mu.Lock()
				p.codes[resp.StatusCode]++
				p.mu.Unlock()
			}
		}
	})
	return p
}

func (p *peerProbe) stop() map[int]int {
	close(p.done)
	p.wg.Wait()
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.codes
}
