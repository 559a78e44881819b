package inventory

import "testing"

func TestParse_Peers(t *testing.T) {
	inv := mustParse(t, appOK+"strategy: {distribute: peers, seeds: 3, peer_port: 7400-7401}\n"+hostsOK)
	s := inv.Strategy
	if !s.Peers() || s.SeedCount() != 3 || s.PeerPortRange() != (PortRange{First: 7400, Last: 7401}) {
		t.Errorf("strategy %+v: want peers, 3 seeds, ports 7400-7401", s)
	}
	inv = mustParse(t, appOK+"strategy: {distribute: peers, peer_port: 9000}\n"+hostsOK)
	if s := inv.Strategy; s.SeedCount() != 2 || s.PeerPortRange() != (PortRange{First: 9000, Last: 9000}) {
		t.Errorf("strategy %+v: want the default 2 seeds and port 9000", s)
	}
	inv = mustParse(t, appOK+hostsOK)
	if s := inv.Strategy; s.Peers() || s.SeedCount() != 2 || s.PeerPortRange().String() != DefaultPeerPorts {
		t.Errorf("no strategy: %+v, want the controller distributing; defaults 2 seeds and %s", s, DefaultPeerPorts)
	}
}

func TestParse_PeersErrors(t *testing.T) {
	for src, want := range map[string]string{
		"strategy:\n  distribute: torrent\n": `fleet.yaml:6:15: strategy.distribute: must be controller or peers, got "torrent"`,
		"strategy:\n  seeds: 0\n":            "fleet.yaml:6:10: strategy.seeds: must be at least 1",
		"strategy:\n  peer_port: 9-3\n":      `fleet.yaml:6:14: strategy.peer_port: must be a TCP port or a range such as 7380-7389, got "9-3"`,
		"strategy:\n  peer_port: 70000\n":    `fleet.yaml:6:14: strategy.peer_port: must be a TCP port`,
	} {
		requireError(t, parseErrors(t, appOK+hostsOK+src), want)
	}
}
