package hostsim_test

import (
	"bytes"
	"context"
	"fmt"
	"math/rand/v2"
	"net"
	"os"
	"path/filepath"
	"strconv"
	"testing"

	"github.com/fleetdeploy/fleet/deploy"
	"github.com/fleetdeploy/fleet/hostsim"
	"github.com/fleetdeploy/fleet/inventory"
	"github.com/fleetdeploy/fleet/plan"
	"github.com/fleetdeploy/fleet/transport"
)

type dialer struct{ d *transport.Dialer }

func (d dialer) Dial(ctx context.Context, host string, cfg transport.Config) (deploy.Conn, error) {
	c, err := d.d.Dial(ctx, host, cfg)
	if err != nil {
		return nil, err
	}
	return c, nil
}

// freePort is a loopback port nothing listens on now.
func freePort(t *testing.T) int {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().(*net.TCPAddr).Port
}

// TestFleet_PeerFanOut rolls a release out to 12 hosts on their own
// loopback addresses with strategy.distribute: peers, 2 seeds and a
// single peer port (so that on one shared address only one host could
// serve), through the real controller (deploy.Rollout) and the real
// agents, with and without stand-ins. It checks on the simulated hosts,
// not in fleet's output: the controller's SFTP wrote the artifact to the
// two seeds only; every other host's agent made exactly one HTTP request,
// answered 200, to another host's address on that port, and read the
// release from it (the stand-in with StandIns, else every byte); the
// serving hosts are more than the seeds (a tree, not a star); every host
// runs it.
func TestFleet_PeerFanOut(t *testing.T) {
	for _, standIns := range []bool{false, true} {
		t.Run(fmt.Sprintf("standins-%v", standIns), func(t *testing.T) { testPeerFanOut(t, standIns) })
	}
}

func testPeerFanOut(t *testing.T, standIns bool) {
	const hosts, seeds = 12, 2
	f := hostsim.New(t, hosts, hostsim.Options{OwnAddresses: true, StandIns: standIns})
	port := freePort(t)
	inv, err := inventory.Load(f.WriteInventory(t, fmt.Sprintf("strategy: {distribute: peers, seeds: %d, peer_port: %d}\n", seeds, port)))
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	body := make([]byte, 256<<10)
	r := rand.NewChaCha8([32]byte{'p', 'e', 'e', 'r'})
	_, _ = r.Read(body)
	artifactPath, agentBin := filepath.Join(dir, "hello-v1"), filepath.Join(dir, "fleet-agent")
	for p, data := range map[string][]byte{artifactPath: body, agentBin: []byte("#!/bin/false\nsimulated agent\n")} {
		if err := os.WriteFile(p, data, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	a, err := deploy.OpenArtifact(artifactPath, "v1")
	if err != nil {
		t.Fatal(err)
	}
	rec, err := deploy.Rollout(t.Context(), deploy.Options{Inventory: inv, Hosts: inv.Hosts,
		Dialer: dialer{&transport.Dialer{Limit: 4}}, AgentBinary: agentBin, CommandLine: "hostsim test",
		Artifact: a, Strategy: plan.Strategy{MaxUnavailable: plan.IntOrPercent{Value: 3}}})
	if err != nil || rec.Result.Err() != nil {
		t.Fatalf("rollout: %v %+v", err, rec.Result)
	}

	servers := map[string]bool{}
	var seeded []string
	for _, h := range f.Hosts() {
		if h.Address() == "127.0.0.1" || f.ByAddress(h.Address()) != h {
			t.Fatalf("%s: address %s is not its own", h.Name(), h.Address())
		}
		if h.Current() != "v1" || h.Handshakes() != 1 {
			t.Errorf("%s: current %q, %d handshakes; want v1, 1", h.Name(), h.Current(), h.Handshakes())
		}
		if !standIns {
			got, err := os.ReadFile(filepath.Join(h.AppRoot(), "releases", "v1", "hello"))
			if err != nil || !bytes.Equal(got, body) {
				t.Errorf("%s: releases/v1/hello: %d bytes, %v; want the artifact", h.Name(), len(got), err)
			}
		}
		// The seeds are the first hosts in plan order (sorted by name):
		// whichever they are, they got the upload and fetched nothing.
		fetches := h.Fetches()
		if n := h.UploadBytes(); n != 0 {
			if n != int64(len(body)) || len(fetches) != 0 {
				t.Errorf("%s: %d artifact bytes by SFTP and fetches %+v; want the artifact and no fetch (a seed), or a fetch only", h.Name(), n, fetches)
			}
			seeded = append(seeded, h.Name())
			continue
		}
		if len(fetches) != 1 {
			t.Errorf("%s: %d fetch requests %+v; want 1", h.Name(), len(fetches), fetches)
			continue
		}
		fe := fetches[0]
		addr, p, _ := net.SplitHostPort(fe.Host)
		peer := f.ByAddress(addr)
		want := int64(len(body))
		if standIns {
			want = int64(len(standInOf(t, peer)))
		}
		if fe.Status != 200 || peer == nil || peer == h || p != strconv.Itoa(port) || fe.Bytes != want {
			t.Errorf("%s: fetched %+v; want 200 and %d bytes from another host's address, port %d", h.Name(), fe, want, port)
			continue
		}
		servers[peer.Name()] = true
	}
	if len(seeded) != seeds {
		t.Errorf("the controller uploaded the artifact to %v; want %d seeds", seeded, seeds)
	}
	if len(servers) <= seeds {
		t.Errorf("only %v served the release; want the hosts that fetched it to serve too", servers)
	}
}

// standInOf is what the peer holds as the release: with stand-ins, the
// small file the agent installed instead of the artifact.
func standInOf(t *testing.T, peer *hostsim.Host) []byte {
	t.Helper()
	if peer == nil {
		return nil
	}
	data, err := os.ReadFile(filepath.Join(peer.AppRoot(), "releases", "v1", "hello"))
	if err != nil {
		t.Fatal(err)
	}
	if len(data) >= 256<<10 {
		t.Fatalf("%s holds %d bytes as the release: no stand-in", peer.Name(), len(data))
	}
	return data
}
