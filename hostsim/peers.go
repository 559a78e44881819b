package hostsim

import (
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"sync"
	"sync/atomic"

	"github.com/fleetdeploy/fleet/agent"
)

// Peer fan-out (strategy.distribute: peers) has each host that holds the
// release serve it over HTTP on its inventory address, at the first free
// port of strategy.peer_port (10 ports by default), and the others fetch
// it from there with the agent's fetch op. Real hosts each have their own
// address; simulated ones all on 127.0.0.1 could not serve more than ten
// at once. Options.OwnAddresses gives each host its own loopback address
// (all of 127/8 is loopback on Linux) for its SSH server and in the
// inventory, which is where the controller dials and the agent serves.

// ownAddress is host i's (from 1) address in a fleet whose addresses are
// 127.<second>.x.y: 250 hosts per third octet, no .0 or .255 as the last.
func ownAddress(second byte, i int) string {
	return fmt.Sprintf("127.%d.%d.%d", second, (i-1)/250, (i-1)%250+1)
}

// addressOctet picks a fleet's second octet at random (1..254), so that
// fleets of test processes running at once seldom share addresses, whose
// peer ports they would then compete for.
func addressOctet() byte { return byte(1 + rand.IntN(254)) }

// Fetch is one HTTP request a host's agent made for the fetch op, as the
// host saw it: where it went, what came back and how many body bytes it
// read.
type Fetch struct {
	Host   string // host:port of the URL
	Path   string
	Status int    // 0 when no answer came
	Err    string // the transport's error, if any
	Bytes  int64  // body bytes the agent read
}

// fetchLog records a host's fetch requests (Deps.HTTP): what the
// simulated host's side of a peer fan-out is checked against.
type fetchLog struct {
	next *http.Client

	mu      sync.Mutex
	fetches []*fetchRecord
}

type fetchRecord struct {
	Fetch
	bytes atomic.Int64
}

func newFetchLog() *fetchLog {
	// The agent's own client (Deps.HTTP's default); loopback requests go
	// direct whatever the environment's proxy.
	return &fetchLog{next: agent.NewHTTPClient()}
}

var _ agent.HTTPDoer = (*fetchLog)(nil)

// Do sends req unchanged and records it; the body counts what is read.
func (l *fetchLog) Do(req *http.Request) (*http.Response, error) {
	rec := &fetchRecord{Fetch: Fetch{Host: req.URL.Host, Path: req.URL.Path}}
	resp, err := l.next.Do(req)
	if err != nil {
		rec.Err = err.Error()
	} else {
		rec.Status = resp.StatusCode
		resp.Body = countingBody{ReadCloser: resp.Body, n: &rec.bytes}
	}
	l.mu.Lock()
	l.fetches = append(l.fetches, rec)
	l.mu.Unlock()
	return resp, err
}

func (l *fetchLog) list() []Fetch {
	l.mu.Lock()
	defer l.mu.Unlock()
	out := make([]Fetch, len(l.fetches))
	for i, r := range l.fetches {
		out[i] = r.Fetch
		out[i].Bytes = r.bytes.Load()
	}
	return out
}

type countingBody struct {
	io.ReadCloser
	n *atomic.Int64
}

func (b countingBody) Read(p []byte) (int, error) {
	n, err := b.ReadCloser.Read(p)
	b.n.Add(int64(n))
	return n, err
}

// Fetches lists the HTTP requests the host's agent made for fetch ops
// (peer fetches, or an artifact URL), in order.
func (h *Host) Fetches() []Fetch { return h.fetches.list() }

// Address is the host's inventory address: where its SSH server listens
// and, with peer fan-out, where its agent serves the release. 127.0.0.1
// unless Options.OwnAddresses.
func (h *Host) Address() string { return h.address }

// ByAddress returns the host whose Address is addr, or nil.
func (f *Fleet) ByAddress(addr string) *Host {
	for _, h := range f.hosts {
		if h.address == addr {
			return h
		}
	}
	return nil
}
