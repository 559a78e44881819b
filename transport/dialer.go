package transport

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"sync"
	"time"
)

const (
	// defaultJumpLimit stays below the 10 unauthenticated connections at
	// which OpenSSH's default MaxStartups (10:30:100) starts dropping.
	defaultJumpLimit    = 8
	defaultDialLimit    = 20
	defaultDialAttempts = 3
	defaultDialBackoff  = 500 * time.Millisecond
)

// Dialer dials many hosts without a connection storm: at most Limit
// handshakes run at once (sshd's MaxStartups drops connections beyond ~10
// unauthenticated ones per server, and a jump host is one server for the
// whole fleet), and failures that may be transient are retried with
// jittered exponential backoff. The zero value is ready to use; a Dialer
// must not be copied after first use.
type Dialer struct {
	// Limit is how many dials may run at once; default 20.
	Limit int
	// JumpLimit is how many of them may go through the same first jump
	// host, or the same ssh_config ProxyCommand, at once; default 8. Every
	// host behind a bastion is a new connection to that one sshd, so the
	// fleet-wide Limit would exceed its MaxStartups and have connections
	// dropped at random.
	JumpLimit int
	// Attempts is the number of tries per host; default 3.
	Attempts int
	// Backoff is the base delay before the second try, doubled for each
	// further one and jittered; default 500ms.
	Backoff time.Duration

	once  sync.Once
	sem   chan struct{}
	hosts knownHostsCache // one parse of each known_hosts for all dials

	jumpMu   sync.Mutex
	jumpSems map[string]chan struct{} // by route.sharedHop
}

// Dial is Dial with the concurrency limit and retries. Errors wrapping
// ErrNonRetryable (host key, auth, configuration) and ctx ending are never
// retried.
func (d *Dialer) Dial(ctx context.Context, host string, cfg Config) (*Client, error) {
	d.once.Do(func() { d.sem = make(chan struct{}, cmpOr(d.Limit, defaultDialLimit)) })
	attempts := cmpOr(d.Attempts, defaultDialAttempts)
	backoff := cmpOr(d.Backoff, defaultDialBackoff)
	var err error
	for attempt := range attempts {
		if attempt > 0 {
			if waitErr := sleep(ctx, jitter(backoff<<(attempt-1))); waitErr != nil {
				return nil, fmt.Errorf("dial %s: %w (last error: %w)", host, waitErr, err)
			}
		}
		var c *Client
		c, err = d.dialOnce(ctx, host, cfg)
		if err == nil {
			return c, nil
		}
		if errors.Is(err, ErrNonRetryable) || ctx.Err() != nil {
			return nil, err
		}
		if cfg.Logger != nil {
			cfg.Logger.Debug("dial failed; will retry", logKeySSH, host, "attempt", attempt+1, "err", err)
		}
	}
	return nil, fmt.Errorf("%d attempts: %w", attempts, err)
}

// dialOnce holds a slot of the semaphore for one dial.
func (d *Dialer) dialOnce(ctx context.Context, host string, cfg Config) (*Client, error) {
	select {
	case d.sem <- struct{}{}:
	case <-ctx.Done():
		return nil, fmt.Errorf("dial %s: %w", host, context.Cause(ctx))
	}
	defer func() { <-d.sem }()
	return dial(ctx, host, cfg, &d.hosts, d.holdJump)
}

// holdJump waits for a slot among the dials that share key
// (route.sharedHop: a jump host's host:port, MaxStartups being per sshd,
// or one ProxyCommand) and returns its release.
func (d *Dialer) holdJump(ctx context.Context, key string) (func(), error) {
	d.jumpMu.Lock()
	if d.jumpSems == nil {
		d.jumpSems = make(map[string]chan struct{})
	}
	sem, ok := d.jumpSems[key]
	if !ok {
		sem = make(chan struct{}, cmpOr(d.JumpLimit, defaultJumpLimit))
		d.jumpSems[key] = sem
	}
	d.jumpMu.Unlock()
	select {
	case sem <- struct{}{}:
		return func() { <-sem }, nil
	case <-ctx.Done():
		return nil, context.Cause(ctx)
	}
}

// jitter spreads retries of many hosts over [d/2, d) so they do not come
// back in lockstep.
func jitter(d time.Duration) time.Duration {
	if d <= 1 {
		return d
	}
	return d/2 + rand.N(d/2)
}

// sleep waits d or until ctx ends.
func sleep(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return context.Cause(ctx)
	}
}

// cmpOr is cmp.Or restricted to positive values: zero and negative
// settings mean "default".
func cmpOr[T int | time.Duration](v, def T) T {
	if v > 0 {
		return v
	}
	return def
}
