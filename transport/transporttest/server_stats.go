package transporttest

import (
	"net"
	"slices"
	"sync/atomic"
)

// Handshakes counts authenticated connections, one per successful Dial
// (the count is taken as the server accepts the client key, so it is
// already up to date when Dial returns).
func (s *Server) Handshakes() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.handshakes
}

// Connections counts accepted TCP connections, failed handshakes included.
func (s *Server) Connections() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.accepted
}

// MaxConcurrentHandshakes is the most connections that were inside
// HandshakeDelay at the same time. A dialling client is blocked for the
// whole delay, so this bounds how many dials a client had in flight.
func (s *Server) MaxConcurrentHandshakes() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.maxWaiting
}

// OpenConns is the number of authenticated connections still open.
func (s *Server) OpenConns() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.established
}

// Logins lists the user names of successful logins, in order.
func (s *Server) Logins() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.logins)
}

// BytesReceived counts the bytes the server read from its clients' TCP
// connections: everything they sent, SSH framing and encryption included.
func (s *Server) BytesReceived() int64 { return s.received.Load() }

// countingConn adds what is read from a connection to n.
type countingConn struct {
	net.Conn
	n *atomic.Int64
}

func (c countingConn) Read(p []byte) (int, error) {
	n, err := c.Conn.Read(p)
	c.n.Add(int64(n))
	return n, err
}
