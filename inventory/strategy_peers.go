package inventory

import (
	"errors"
	"fmt"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"
)

// How a rollout gets the release to the hosts (Strategy.Distribute).
const (
	// DistributeController: the controller uploads to every host.
	DistributeController = "controller"
	// DistributePeers: the controller uploads to Strategy.Seeds hosts, and
	// the others fetch it from hosts that already hold it.
	DistributePeers = "peers"
)

// Peer fan-out defaults.
const (
	defaultSeeds = 2
	// DefaultPeerPorts is strategy.peer_port when unset.
	DefaultPeerPorts = "7380-7389"
)

// PortRange is strategy.peer_port: the TCP ports a seed's agent tries, in
// order, to serve the release to its peers.
type PortRange struct{ First, Last int }

func (r PortRange) String() string {
	if r.First == r.Last {
		return strconv.Itoa(r.First)
	}
	return fmt.Sprintf("%d-%d", r.First, r.Last)
}

// Peers reports whether the rollout fans out over peers.
func (s Strategy) Peers() bool { return s.Distribute == DistributePeers }

// SeedCount is strategy.seeds, 2 when unset.
func (s Strategy) SeedCount() int {
	if s.Seeds == 0 {
		return defaultSeeds
	}
	return s.Seeds
}

// PeerPortRange is strategy.peer_port, DefaultPeerPorts when unset.
func (s Strategy) PeerPortRange() PortRange {
	if s.PeerPorts == (PortRange{}) {
		r, _ := ParsePortRange(DefaultPeerPorts)
		return r
	}
	return s.PeerPorts
}

// ParsePortRange reads "N" or "N-M" (1 <= N <= M <= 65535).
func ParsePortRange(s string) (PortRange, error) {
	lo, hi, ranged := strings.Cut(s, "-")
	if !ranged {
		hi = lo
	}
	a, err1 := strconv.Atoi(strings.TrimSpace(lo))
	b, err2 := strconv.Atoi(strings.TrimSpace(hi))
	if err1 != nil || err2 != nil || a < 1 || b > 65535 || a > b {
		return PortRange{}, fmt.Errorf("must be a TCP port or a range such as %s, got %q", DefaultPeerPorts, s)
	}
	return PortRange{First: a, Last: b}, nil
}

// ValidDistribute accepts the values of Strategy.Distribute.
func ValidDistribute(s string) error {
	if s != DistributeController && s != DistributePeers {
		return fmt.Errorf("must be %s or %s, got %q", DistributeController, DistributePeers, s)
	}
	return nil
}

func validSeeds(n int) error {
	if n < 1 {
		return errors.New("must be at least 1: the controller uploads to the seeds, the other hosts fetch from them")
	}
	return nil
}

// peers decodes distribute, seeds and peer_port. seeds and peer_port may
// stand without distribute: peers, for --distribute peers to use.
func (d *decoder) peers(f map[string]*yaml.Node, a at, s *Strategy) {
	setIf(&s.Distribute, optional(d, f, "distribute", a, d.str, ValidDistribute))
	setIf(&s.Seeds, optional(d, f, "seeds", a, d.integer, validSeeds))
	if p := optional(d, f, "peer_port", a, d.str, func(v string) error { _, err := ParsePortRange(v); return err }); p != nil {
		s.PeerPorts, _ = ParsePortRange(*p)
	}
}
