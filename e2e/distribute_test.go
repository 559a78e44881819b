//go:build e2e

package e2e

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// Issue 18, part 4: the ways a release reaches the hosts, under the
// HAProxy load test, and what a bad peer does. (The controller's own
// upload under the same load is TestHAProxy_InPlaceRollbacksUnderLoad.)
//
//   - url: a store serving other bytes than the --sha256 says is refused
//     with nothing staged on any host; then v2 by URL under load, zero
//     failed requests, every host fetched it once from the store.
//   - peers: v3 with one seed under load, zero failed requests, every
//     host on v3; the others fetched from a host, not from the controller.
//   - peers, a corrupted peer: v4 with one seed under load; once the seed
//     serves, the controller is stopped (SIGSTOP) while the seed's staged
//     file is altered on disk. The next fetch from the seed is refused on
//     its sha256, the seed serves nobody after it, the last host fetches
//     from the other peer; the seed
//     itself refuses to switch (checksum) and the rollout rolls back:
//     zero failed requests, every host on v3, the altered bytes never ran,
//     the others hold v4's true bytes. Run again under load, the seed's
//     damaged release is staged again and every host ends on v4.
//   - peers, the seed killed mid-fan-out: the fetchers' links throttled so
//     that a fetch takes a while; the seed is powered off (lab.sh kill)
//     while lab2 fetches from it. lab2 gives up on the silent seed, the
//     controller uploads to it, lab3 fetches from lab2; the rollout stops
//     on the dead seed with lab2 and lab3 unchanged and holding the true
//     bytes; once the seed is back a re-run puts every host on the release.
func TestDistribute_UnderLoadAndPeerFaults(t *testing.T) {
	l := theLab
	h := l.haproxy(t)
	l.resetConsulHosts(t)
	l.lbUnit(t)
	opts := inventoryOptions{appExtra: withDrain(t, consulApp, lbDrain), port: "{port}", deadline: "15s"}
	direct := l.writeInventory(t, opts)
	opts.strategy = "  max_unavailable: 1\n  max_failures: 0\n  distribute: peers\n  seeds: 1\n"
	peers := l.writeInventory(t, opts)
	if r := l.fleet(t, "rollout", "-i", direct, "-o", "json", "--artifact", l.hello["v1"], "--version", "v1"); r.code != 0 {
		t.Fatalf("rollout v1: exit %d\n%s", r.code, r.stdout)
	}
	l.waitLBFollowsConsul(t, h, len(l.names))

	ok := t.Run("url", func(t *testing.T) {
		v2 := fileSHA256(t, l.hello["v2"])
		wrong := serveOnBridge(t, readFile(t, l.hello["v3"]))
		r := l.fleet(t, "rollout", "-i", direct, "-o", "json", "--artifact", wrong.url+"/hello-v2",
			"--sha256", v2, "--version", "v2", "--allow-http")
		if r.code != 3 || !strings.Contains(r.stderr, "checksum_mismatch") {
			t.Errorf("a store serving other bytes: exit %d, want 3 naming checksum_mismatch\n%s", r.code, r.stderr)
		}
		for _, host := range l.names {
			if got := l.ssh(t, host, "ls -d /opt/hello/releases/v2 2>/dev/null; ls -A /opt/hello/.incoming 2>/dev/null; true"); got != "" {
				t.Errorf("%s: wrong bytes left %q in releases/v2 or .incoming", host, got)
			}
		}
		store := serveOnBridge(t, readFile(t, l.hello["v2"]))
		r, res := l.lbCase(t, h, "url", "rollout", "-i", direct, "-o", "json", "--artifact", store.url+"/hello-v2",
			"--sha256", v2, "--version", "v2", "--allow-http")
		if r.code != 0 {
			t.Fatalf("rollout v2 by URL: exit %d\n%s", r.code, r.stdout)
		}
		assertNoLBErrors(t, res)
		_, byHost, _ := store.stats()
		for i, a := range l.addrs {
			if n := byHost[a]; n != 1 {
				t.Errorf("%s asked the store %d times, want once", l.names[i], n)
			}
		}
		l.assertOneVersionServing(t, "v2")
	})

	ok = ok && t.Run("peers", func(t *testing.T) {
		r, res := l.lbCase(t, h, "peers", "rollout", "-i", peers, "-o", "json", "--artifact", l.hello["v3"], "--version", "v3")
		if r.code != 0 {
			t.Fatalf("rollout v3 by peers: exit %d\n%s", r.code, r.stdout)
		}
		assertNoLBErrors(t, res)
		l.assertOneVersionServing(t, "v3")
		for i, host := range l.names[1:] {
			var fromPeer bool
			for _, j := range l.journal(t, host) {
				reason, _ := j["reason"].(string)
				fromPeer = fromPeer || j["op"] == "fetch" && j["version"] == "v3" && j["error"] == nil &&
					strings.HasPrefix(reason, "http://") && !strings.Contains(reason, "//"+l.addrs[i+1]+":")
			}
			if !fromPeer {
				t.Errorf("%s's journal has no fetch of v3 from another host", host)
			}
		}
	})

	ok = ok && t.Run("peers-corrupted-seed", func(t *testing.T) {
		v4 := fileSHA256(t, l.hello["v4"])
		seed := l.names[0]
		ld := startLBLoad(h.url, 5*time.Minute, 200_000)
		time.Sleep(time.Second)
		b := l.fleetBackground(t, "rollout", "-i", peers, "-o", "json", "--artifact", l.hello["v4"], "--version", "v4")
		b.waitEvent(t, seed+" serving", 60*time.Second, func(e map[string]any) bool {
			return stepIs(seed, "serve")(e) && strings.HasPrefix(fmt.Sprint(e["message"]), "serving the release")
		})
		pid := b.cmd.Process.Pid
		if err := syscall.Kill(pid, syscall.SIGSTOP); err != nil {
			t.Fatal(err)
		}
		l.ssh(t, seed, "printf CORRUPTED-BY-E2E | dd of=/opt/hello/releases/v4/hello bs=1 seek=4096 conv=notrunc status=none")
		if err := syscall.Kill(pid, syscall.SIGCONT); err != nil {
			t.Fatal(err)
		}
		r := b.wait(t, 2*time.Minute)
		time.Sleep(2 * time.Second)
		res := ld.Stop()
		t.Logf("lb case=peers-corrupted-seed requests=%d errors=%d versions=%s exit=%d", res.Requests, res.Errors(), res.versionList(), r.code)
		if r.code == 0 {
			t.Errorf("rollout with a corrupted seed: exit 0, want the seed's switch refused\n%s", r.stdout)
		}
		if res.Requests < 1000 {
			t.Fatalf("only %d requests: the load proves nothing", res.Requests)
		}
		assertNoLBErrors(t, res)
		if res.Versions["v4"] != 0 {
			t.Errorf("versions served %v: v4 was admitted", res.Versions)
		}
		l.assertOneVersionServing(t, "v3")
		for i, host := range l.names {
			got := strings.Fields(l.ssh(t, host, "sha256sum /opt/hello/releases/v4/hello"))[0]
			if (i == 0) != (got != v4) {
				t.Errorf("%s: releases/v4/hello sha256 %s (v4's is %s): want the seed's altered, the others' true", host, got, v4)
			}
		}
		// A fetcher that asked the seed after the change was refused on
		// the bytes: lab2, if its fetch was still running (the seed's agent
		// serves on while the controller is stopped), else lab3. The seed
		// then served nobody: lab3 fetched from lab2.
		var refused []string
		fromPeer := false
		for _, host := range l.names[1:] {
			for _, j := range l.journal(t, host) {
				if j["op"] != "fetch" || j["version"] != "v4" {
					continue
				}
				reason, _ := j["reason"].(string)
				if strings.Contains(reason, "//"+l.addrs[0]+":") && strings.Contains(fmt.Sprint(j["error"]), "sha256") {
					refused = append(refused, host)
				}
				if host == l.names[2] && strings.Contains(reason, "//"+l.addrs[1]+":") && j["error"] == nil {
					fromPeer = true
				}
			}
		}
		t.Logf("refused by the corrupted seed: %v", refused)
		if len(refused) != 1 || !fromPeer {
			t.Errorf("fetches refused by the seed on %v, %s fetched from %s: %v; want one refusal, and %s's bytes from %s",
				refused, l.names[2], l.names[1], fromPeer, l.names[2], l.names[1])
		}

		// Run again: the seed's damaged release is staged again from
		// verified bytes (nothing runs it), and every host ends on v4.
		r, res = l.lbCase(t, h, "peers-rerun", "rollout", "-i", peers, "-o", "json", "--artifact", l.hello["v4"], "--version", "v4")
		if r.code != 0 {
			t.Fatalf("re-run after the corrupted seed: exit %d\n%s", r.code, r.stdout)
		}
		assertNoLBErrors(t, res)
		l.assertOneVersionServing(t, "v4")
		if got := strings.Fields(l.ssh(t, seed, "sha256sum /opt/hello/releases/v4/hello"))[0]; got != v4 {
			t.Errorf("%s: releases/v4/hello sha256 %s after the re-run, want %s", seed, got, v4)
		}
	})

	ok = ok && t.Run("peers-seed-killed", func(t *testing.T) {
		big := bigArtifact(t, l.hello["v5"], 16)
		sum := fileSHA256(t, big)
		for i := 1; i < len(l.names); i++ {
			l.shapeTo(t, i, "64mbit")
		}
		seed, before := l.names[0], l.state(t, 1).current
		start := time.Now()
		b := l.fleetBackground(t, "rollout", "-i", peers, "-o", "json", "--artifact", big, "--version", "v5")
		b.waitEvent(t, l.names[1]+" fetching from the seed", 60*time.Second, func(e map[string]any) bool {
			return stepIs(l.names[1], "fetch")(e) && strings.HasPrefix(fmt.Sprint(e["message"]), "from peer "+seed+" at")
		})
		time.Sleep(500 * time.Millisecond)
		lab := filepath.Join(l.repo, "e2e", "lab", "lab.sh")
		if out, err := exec.Command(lab, "kill", seed).CombinedOutput(); err != nil {
			t.Fatalf("lab.sh kill %s: %v\n%s", seed, err, out)
		}
		up := func() {
			if out, err := exec.Command(lab, "up", fmt.Sprint(len(l.names))).CombinedOutput(); err != nil {
				t.Fatalf("lab.sh up: %v\n%s", err, out)
			}
		}
		t.Cleanup(up)
		t.Logf("%s powered off %s after the start", seed, time.Since(start).Round(time.Millisecond))
		r := b.wait(t, 2*time.Minute)
		t.Logf("the rollout ended %s after the start", time.Since(start).Round(time.Millisecond))
		if r.code == 0 {
			t.Errorf("rollout with its seed powered off: exit 0\n%s", r.stdout)
		}
		for i, host := range l.names[1:] {
			if s := l.state(t, i+1); s.current != before {
				t.Errorf("%s: current %q, want %s (the rollout stopped on the dead seed)", host, s.current, before)
			}
			if got := strings.Fields(l.ssh(t, host, "sha256sum /opt/hello/releases/v5/hello"))[0]; got != sum {
				t.Errorf("%s: releases/v5/hello sha256 %s, want %s", host, got, sum)
			}
		}
		var gaveUp bool
		for _, j := range l.journal(t, l.names[1]) {
			reason, _ := j["reason"].(string)
			gaveUp = gaveUp || j["op"] == "fetch" && j["version"] == "v5" && j["error"] != nil && strings.Contains(reason, "//"+l.addrs[0]+":")
		}
		if !gaveUp {
			t.Errorf("%s's journal holds no failed fetch from the dead seed", l.names[1])
		}
		up()
		waitFor(t, seed+"'s Consul agent answering", time.Minute, func() bool {
			_, err := l.trySSH(seed, "curl -sf -o /dev/null http://127.0.0.1:8500/v1/agent/self")
			return err == nil
		})
		t.Logf("%s back %s after the start", seed, time.Since(start).Round(time.Millisecond))
		if r := l.fleet(t, "rollout", "-i", peers, "-o", "json", "--artifact", big, "--version", "v5"); r.code != 0 {
			t.Fatalf("re-run once the seed is back: exit %d\n%s", r.code, r.stdout)
		}
		// The padded binary is hello v5. A Consul agent that has just
		// started syncs on its own schedule (see waitAllPassingWithin).
		l.assertAllOn(t, "v5")
		l.waitAllPassingWithin(t, len(l.names), time.Minute)
		l.assertMetaMatchesBinary(t, "v5")
	})
	if !ok {
		t.Log("a case failed: the cases after it did not run")
	}
}

// shapeTo limits what the bridge sends to host i (its host-side veth's
// queue) to rate, until the test ends.
func (l *lab) shapeTo(t *testing.T, i int, rate string) {
	t.Helper()
	dev := fmt.Sprintf("fl-lab%d", i+1)
	if out, err := exec.Command("tc", "qdisc", "replace", "dev", dev, "root", "tbf", "rate", rate, "burst", "64kb", "latency", "200ms").CombinedOutput(); err != nil {
		t.Fatalf("tc on %s: %v\n%s", dev, err, out)
	}
	t.Cleanup(func() { _ = exec.Command("tc", "qdisc", "del", "dev", dev, "root").Run() })
}

func readFile(t *testing.T, path string) []byte {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return b
}
