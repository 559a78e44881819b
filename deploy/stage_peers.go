package deploy

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"net"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/fleetdeploy/fleet/agent"
	"github.com/fleetdeploy/fleet/appspec"
	"github.com/fleetdeploy/fleet/bundle"
	"github.com/fleetdeploy/fleet/inventory"
	"github.com/fleetdeploy/fleet/plan"
)

// Peer fan-out (strategy.distribute: peers): the controller uploads to
// strategy.seeds hosts; every host that holds the release serves it
// (the agent's serve_release) to the others for the rest of the rollout,
// on a port of strategy.peer_port, to requests carrying the rollout's
// random token. The others fetch in waves, each from one of the hosts
// that hold it, round-robin, so that the hosts serving double every wave
// and the controller sends about one artifact per seed. A fetch that
// fails tries the next peer, then the controller uploads as usual; the
// peer that failed it serves nobody in the later waves. The
// fetching agent checks the sha256 before anything lands: a wrong or
// hostile peer wastes time, it cannot change the bytes.

// PeerFetch is one host's place in the fan-out: in Wave (from 1) it
// fetches from From[0], on failure from the next, and then the
// controller uploads to it.
type PeerFetch struct {
	Host string
	Wave int
	From []string
}

// PeerTree is who fetches from whom: the controller uploads to Seeds,
// the others fetch as Fetches say (every host succeeding).
type PeerTree struct {
	Seeds   []string
	Fetches []PeerFetch
}

// peerTries is how many peers a host tries before the upload.
const peerTries = 2

// peerAttempts bounds the requests of one peer fetch: a peer that fails
// twice is left for the next.
const peerAttempts = 2

// peerStall ends a peer fetch attempt that receives nothing for that
// long. Peers share the hosts' network: a peer that died mid-transfer
// (powered off, cut off) sends no error, only silence, and the agent's
// default (30 s, for artifact stores far away) would hold each fetcher
// a minute before the next source.
const peerStall = 5 * time.Second

// NewPeerTree lays the fan-out over names (plan order): the first seeds
// are uploaded to, then waves as nextPeerWave makes them.
func NewPeerTree(names []string, seeds, parallel int) PeerTree {
	n := min(max(seeds, 1), len(names))
	t := PeerTree{Seeds: names[:n]}
	have := append([]string(nil), names[:n]...)
	for rest, wave := names[n:], 1; len(rest) > 0; wave++ {
		w := nextPeerWave(have, rest, parallel, wave)
		t.Fetches = append(t.Fetches, w...)
		for _, f := range w {
			have = append(have, f.Host)
		}
		rest = rest[len(w):]
	}
	return t
}

// nextPeerWave gives the first hosts of rest a peer each from have,
// round-robin, one fetcher per peer (at most parallel in all), each with
// the next peer as its fallback. No peer: every host of rest, uploaded to.
func nextPeerWave(have, rest []string, parallel, wave int) []PeerFetch {
	if len(have) == 0 {
		out := make([]PeerFetch, len(rest))
		for i, h := range rest {
			out[i] = PeerFetch{Host: h, Wave: wave}
		}
		return out
	}
	out := make([]PeerFetch, min(len(have), len(rest), max(parallel, 1)))
	for i := range out {
		var from []string
		for k := range min(peerTries, len(have)) {
			from = append(from, have[(i+k)%len(have)])
		}
		out[i] = PeerFetch{Host: rest[i], Wave: wave, From: from}
	}
	return out
}

// Lines is the tree for people: the seeds, then one line per fetcher.
func (t PeerTree) Lines() []string {
	out := []string{"the controller uploads to " + strings.Join(t.Seeds, ", ")}
	for _, f := range t.Fetches {
		out = append(out, fmt.Sprintf("wave %d: %s fetches from %s", f.Wave, f.Host, peerSources(f.From)))
	}
	return out
}

// peerTree is the fan-out a rollout of a would run over p's changing
// hosts; nil unless strategy.distribute is peers.
func (t *target) peerTree(p plan.Plan, a Artifact) *PeerTree {
	if !t.inv.Strategy.Peers() || a.URL != "" {
		return nil
	}
	var names []string
	for _, hp := range p.Hosts {
		if hp.Action == plan.ActionUpdate {
			names = append(names, hp.Host)
		}
	}
	if len(names) == 0 {
		return nil
	}
	tr := NewPeerTree(names, t.inv.Strategy.SeedCount(), t.inv.Strategy.Parallel)
	return &tr
}

// Events is the tree for machines (fleet plan -o json): one plan_peer
// per host, the seeds with no wave.
func (t *PeerTree) Events() []Event {
	if t == nil {
		return nil
	}
	var evs []Event
	for _, s := range t.Seeds {
		evs = append(evs, Event{Kind: KindPlanPeer, Host: s, Message: "the controller uploads"})
	}
	for _, f := range t.Fetches {
		evs = append(evs, Event{Kind: KindPlanPeer, Host: f.Host, Wave: f.Wave, Message: "fetches from " + peerSources(f.From)})
	}
	return evs
}

func peerSources(from []string) string {
	if len(from) == 0 {
		return "nobody: the controller uploads"
	}
	return strings.Join(from, ", then ") + ", then the controller uploads"
}

// refusePeers is why a rollout cannot fan out over peers: a bundle's
// archive is not kept on the hosts once unpacked, so there is nothing
// to serve.
func refusePeers(inv *inventory.Inventory, a Artifact) error {
	if !inv.Strategy.Peers() || a.URL != "" || a.Format == bundle.Binary {
		return nil
	}
	return fmt.Errorf("%s: strategy.distribute: peers serves bare binaries only (the hosts keep no %s archive once unpacked); roll this bundle out with distribute: controller", inv.File, a.Format)
}

// newPeerToken is a rollout's secret for its peers: 32 random bytes.
func newPeerToken() (string, error) {
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		return "", fmt.Errorf("peer token: %w", err)
	}
	return hex.EncodeToString(b), nil
}

// peerStager is one rollout's fan-out: the URL each serving host gave.
type peerStager struct {
	art   Artifact
	out   *emitter
	token string // secret: never logged nor in an event
	ports inventory.PortRange

	mu       sync.Mutex
	urls     map[string]string
	sent     atomic.Int64
	fetched  atomic.Int64
	uploaded atomic.Int64
}

// stagePeers stages the release on names by peer fan-out.
func (t *target) stagePeers(ctx context.Context, fc *fleetConn, names []string, a Artifact) error {
	token, err := newPeerToken()
	if err != nil {
		return err
	}
	st := t.inv.Strategy
	g := &peerStager{art: a, out: t.out, token: token, ports: st.PeerPortRange(), urls: map[string]string{}}
	n := min(st.SeedCount(), len(names))
	errs := []error{fc.eachHost(ctx, names[:n], st.Parallel, "stage", func(ctx context.Context, s *hostSession) error {
		return g.upload(ctx, s)
	})}
	for rest, wave := names[n:], 1; len(rest) > 0; wave++ {
		w := nextPeerWave(g.serving(names), rest, st.Parallel, wave)
		from := make(map[string][]string, len(w))
		hosts := make([]string, len(w))
		for i, f := range w {
			from[f.Host], hosts[i] = f.From, f.Host
		}
		errs = append(errs, fc.eachHost(ctx, hosts, st.Parallel, "stage", func(ctx context.Context, s *hostSession) error {
			return g.fetch(ctx, s, from[s.host.Name])
		}))
		rest = rest[len(w):]
	}
	t.out.emit(Event{Kind: KindStaged, To: a.Version, Hosts: len(names), Bytes: g.sent.Load(),
		Message: fmt.Sprintf("%d hosts, %d bytes uploaded: %d uploaded to by the controller, %d fetched from peers",
			len(names), g.sent.Load(), g.uploaded.Load(), g.fetched.Load())})
	return errors.Join(errs...)
}

// serving is the hosts of names that serve the release, in that order.
func (g *peerStager) serving(names []string) []string {
	g.mu.Lock()
	defer g.mu.Unlock()
	var out []string
	for _, n := range names {
		if g.urls[n] != "" {
			out = append(out, n)
		}
	}
	return out
}

// drop takes a peer out of the next waves: one that sent wrong bytes or
// went silent once would cost every later fetcher the same wait.
func (g *peerStager) drop(host string) {
	g.mu.Lock()
	defer g.mu.Unlock()
	delete(g.urls, host)
}

func (g *peerStager) url(host string) string {
	g.mu.Lock()
	defer g.mu.Unlock()
	return g.urls[host]
}

// upload is the controller's upload (stage), then serving.
func (g *peerStager) upload(ctx context.Context, s *hostSession) error {
	n, err := stage(ctx, s, g.art, g.out)
	g.sent.Add(n)
	if err != nil {
		return err
	}
	if n > 0 {
		g.uploaded.Add(1)
	}
	g.serve(ctx, s)
	return nil
}

// fetch tries each peer of from, then the upload; the host then serves.
func (g *peerStager) fetch(ctx context.Context, s *hostSession, from []string) error {
	for _, p := range from {
		url := g.url(p)
		err := g.fetchFrom(ctx, s, p, url)
		if err == nil {
			g.fetched.Add(1)
			g.serve(ctx, s)
			return nil
		}
		if errors.Is(err, agent.CodeVersionConflict) || ctx.Err() != nil {
			return err
		}
		g.drop(p)
		g.step(s, "fetch", fmt.Sprintf("from peer %s failed: %v; %s serves no other host; trying the next source", p, err, p))
	}
	return g.upload(ctx, s)
}

func (g *peerStager) fetchFrom(ctx context.Context, s *hostSession, peer, url string) error {
	a := g.art
	g.step(s, "fetch", "from peer "+peer+" at "+url)
	r, err := s.agent.Fetch(ctx, agent.FetchArgs{Version: a.Version, SHA256: a.SHA256, URL: url, AllowHTTP: true,
		Provenance: a.provenanceOf(), Attempts: peerAttempts, Stall: appspec.Duration(peerStall), Token: g.token}, func(e agent.Event) { g.step(s, "fetch", e.Message) })
	if errors.Is(err, agent.CodeVersionConflict) {
		return fmt.Errorf("%w (a version names one artifact for good: give this build another version)", err)
	}
	if err != nil {
		return err
	}
	if r.Present {
		g.step(s, "stage", "already present")
	} else {
		g.step(s, "stage", fmt.Sprintf("verified, %d bytes fetched from peer %s in %d attempts", r.Bytes, peer, r.Attempts))
	}
	return nil
}

// serve has the host serve the release to the next waves. A host that
// cannot is only not a peer: the others fetch from the rest.
func (g *peerStager) serve(ctx context.Context, s *hostSession) {
	r, err := s.agent.ServeRelease(ctx, agent.ServeReleaseArgs{Version: g.art.Version, Address: s.host.Address,
		FirstPort: g.ports.First, LastPort: g.ports.Last, Token: g.token})
	if err != nil {
		g.step(s, "serve", fmt.Sprintf("not serving the release to peers: %v", err))
		return
	}
	url := "http://" + net.JoinHostPort(s.host.Address, strconv.Itoa(r.Port)) + r.Path
	g.mu.Lock()
	g.urls[s.host.Name] = url
	g.mu.Unlock()
	g.step(s, "serve", "serving the release to peers at "+url)
}

func (g *peerStager) step(s *hostSession, name, msg string) {
	g.out.emit(Event{Kind: KindHostStep, Host: s.host.Name, Step: name, From: s.current, To: g.art.Version, Message: msg})
}
