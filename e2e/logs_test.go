//go:build e2e

package e2e

import (
	"crypto/rand"
	"encoding/hex"
	"net/http"
	"strings"
	"syscall"
	"testing"
	"time"
)

// fleet logs -f, through the deploy user and sudo as any command: a
// request to each host's app shows up, with that host, within a second;
// no lock is taken and nothing journalled while it follows; Ctrl-C ends
// it with exit 0 and leaves no agent or journalctl behind. fleet logs
// without -f ends by itself with each host's last lines.
func TestLogs_FollowShowsEachHostsRequestWithinASecond(t *testing.T) {
	l := theLab
	l.resetHosts(t)
	inv := l.writeInventory(t, inventoryOptions{})
	if r := l.fleet(t, "rollout", "-i", inv, "-o", "json", "--artifact", l.hello["v1"], "--version", "v1"); r.code != 0 {
		t.Fatalf("rollout v1: exit %d\n%s", r.code, r.stdout)
	}
	journalBefore := map[string]string{}
	for _, h := range l.names {
		journalBefore[h] = l.ssh(t, h, "wc -l < /opt/hello/.fleet/journal.jsonl")
	}

	sudoInv := l.writeInventory(t, inventoryOptions{user: "deploy", sudo: true})
	b := l.fleetBackground(t, "logs", "-i", sudoInv, "-f", "-o", "json", "--lines", "1")
	for _, h := range l.names { // its backlog: the host's stream is up
		b.waitEvent(t, "a backlog line of "+h, 30*time.Second, func(e map[string]any) bool { return e["host"] == h })
	}

	nonce := make([]byte, 4)
	_, _ = rand.Read(nonce)
	marker := "/fleet-logs-" + hex.EncodeToString(nonce)
	requested := time.Now().Add(-2 * time.Second)
	client := http.Client{Timeout: time.Second, Transport: &http.Transport{Proxy: nil}}
	for i, h := range l.names {
		path := marker + "-" + h
		start := time.Now()
		resp, err := client.Get("http://" + l.addrs[i] + ":8080" + path)
		if err != nil {
			t.Fatalf("GET %s on %s: %v", path, h, err)
		}
		resp.Body.Close()
		e := b.waitEvent(t, path+" from "+h, time.Second, func(e map[string]any) bool {
			msg, _ := e["message"].(string)
			return strings.Contains(msg, "path="+path+" ")
		})
		took := time.Since(start)
		if e["host"] != h || e["unit"] != "hello.service" || took > time.Second {
			t.Errorf("%s's request: line %v after %s, want host %s, unit hello.service, within 1s", h, e, took, h)
		}
		t.Logf("%s: request to log line in %s", h, took.Round(time.Millisecond))
	}
	for _, h := range l.names {
		// Not held (flock(1) gets it at once), and no holder record of ours.
		if out, err := l.trySSH(h, "flock -n -x /opt/hello/.fleet/lock true && cat /opt/hello/.fleet/lock"); err != nil || strings.Contains(out, " logs ") {
			t.Errorf("%s: lock held or taken by fleet logs while it follows: %v %s", h, err, out)
		}
		if n := l.ssh(t, h, "wc -l < /opt/hello/.fleet/journal.jsonl"); n != journalBefore[h] {
			t.Errorf("%s: fleet logs journalled: %s entries, were %s", h, n, journalBefore[h])
		}
		if u := l.ssh(t, h, "ps -o user= -C journalctl"); u != "root" {
			t.Errorf("%s: journalctl runs as %q, want root (sudo)", h, u)
		}
	}

	if err := b.cmd.Process.Signal(syscall.SIGINT); err != nil {
		t.Fatal(err)
	}
	if r := b.wait(t, 10*time.Second); r.code != 0 {
		t.Errorf("fleet logs -f after SIGINT: exit %d, want 0", r.code)
	}
	for _, h := range l.names {
		waitFor(t, "no agent or journalctl left on "+h, 5*time.Second, func() bool {
			out, _ := l.trySSH(h, "pgrep -f '[a]gent serve' || pgrep -x journalctl || true")
			return strings.TrimSpace(out) == ""
		})
	}

	// Without -f: each host's last 5 lines, then the end. The lab's
	// Consul and HAProxy check /healthz every second, so the requests are
	// read back by time instead.
	r := l.fleet(t, "logs", "-i", inv, "-o", "json", "--lines", "5")
	if r.code != 0 {
		t.Fatalf("fleet logs --lines 5: exit %d", r.code)
	}
	since := l.fleet(t, "logs", "-i", inv, "-o", "json", "--since", time.Since(requested).Round(time.Second).String())
	if since.code != 0 {
		t.Fatalf("fleet logs --since: exit %d", since.code)
	}
	for _, h := range l.names {
		n, marked := 0, false
		for _, e := range r.events {
			if e["host"] == h {
				n++
			}
		}
		for _, e := range since.events {
			msg, _ := e["message"].(string)
			marked = marked || (e["host"] == h && strings.Contains(msg, "path="+marker+"-"+h+" "))
		}
		if n != 5 || !marked {
			t.Errorf("%s: --lines 5 gave %d lines; --since has its request: %v", h, n, marked)
		}
	}
}
