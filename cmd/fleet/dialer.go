package main

import (
	"context"

	"github.com/fleetdeploy/fleet/deploy"
	"github.com/fleetdeploy/fleet/transport"
)

// sshDialer is deploy.Dialer over transport: the real SSH connections, at
// most parallel (strategy.parallel, default 20) dials at once.
type sshDialer struct{ d *transport.Dialer }

func newDialer(parallel int) sshDialer {
	if parallel <= 0 {
		parallel = 20
	}
	return sshDialer{d: &transport.Dialer{Limit: parallel}}
}

func (s sshDialer) Dial(ctx context.Context, host string, cfg transport.Config) (deploy.Conn, error) {
	c, err := s.d.Dial(ctx, host, cfg)
	if err != nil {
		return nil, err // never a typed nil
	}
	return c, nil
}
