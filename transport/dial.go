package transport

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"os"
	"slices"
	"time"

	"golang.org/x/crypto/ssh"
)

// logKeySSH is the attribute naming the connection, "user@host:port", in
// transport's log lines. It is not "host": callers pass loggers that already
// carry fleet's own "host" attribute (the inventory name).
const logKeySSH = "ssh"

// Dial connects to host, an address or ssh_config alias, optionally written
// "user@host:port"; see Config for where user and port come from otherwise.
// Every hop, jump hosts included, is verified against cfg.KnownHostsFile.
// ctx and cfg.ConnectTimeout bound the dial only; the connection lives until
// Close.
//
// Errors wrap ErrHostKeyUnknown, ErrHostKeyMismatch or ErrAuthFailed where
// they apply; those and configuration errors also wrap ErrNonRetryable. A
// known_hosts file that cannot be read is a *KnownHostsError, and a
// connection through ssh_config's ProxyCommand that does not come up a
// *ProxyCommandError.
func Dial(ctx context.Context, host string, cfg Config) (*Client, error) {
	return dial(ctx, host, cfg, nil, nil)
}

// jumpHolder waits until a dial may go through the jump host or the
// ProxyCommand named by key (route.sharedHop) and returns what gives it
// back (Dialer.holdJump).
type jumpHolder func(ctx context.Context, key string) (release func(), err error)

// dial is Dial with known_hosts parses taken from cache (nil: none), and
// holdJump (nil: none) held around the dial when the route goes through a
// jump host or a ProxyCommand.
func dial(ctx context.Context, host string, cfg Config, cache *knownHostsCache, holdJump jumpHolder) (*Client, error) {
	cfg, err := cfg.withDefaults()
	if err != nil {
		return nil, fmt.Errorf("dial %s: %w", host, nonRetryable(err))
	}
	r, err := resolveRoute(host, cfg)
	if err != nil {
		return nil, fmt.Errorf("dial %s: %w", host, nonRetryable(err))
	}
	if key, label := r.sharedHop(); holdJump != nil && key != "" {
		release, err := holdJump(ctx, key)
		if err != nil {
			return nil, fmt.Errorf("dial %s: %s: %w", r.target, label, err)
		}
		defer release()
	}
	log := cfg.Logger.With(logKeySSH, r.target.String())
	timeout := fmt.Errorf("connect timeout %s: %w", cfg.ConnectTimeout, context.DeadlineExceeded)
	ctx, cancel := context.WithTimeoutCause(ctx, cfg.ConnectTimeout, timeout)
	defer cancel()

	var hops []*ssh.Client
	var used identityRecord // the last hop's, the target's, is kept
	for i, ep := range slices.Concat(r.jumps, []endpoint{r.target}) {
		var via *ssh.Client
		if i > 0 {
			via = hops[i-1]
		}
		c, err := dialHop(ctx, via, ep, cfg, cache, log, &used)
		if err != nil {
			closeHops(hops)
			if i < len(r.jumps) {
				return nil, fmt.Errorf("dial %s: jump host %s: %w", r.target, ep, err)
			}
			return nil, fmt.Errorf("dial %s: %w", r.target, err)
		}
		hops = append(hops, c)
	}
	c := newClient(r.target, hops, cfg, log)
	c.identity = used.get()
	return c, nil
}

// dialHop opens one verified, authenticated SSH connection to ep, over via
// when it is not nil.
func dialHop(ctx context.Context, via *ssh.Client, ep endpoint, cfg Config, cache *knownHostsCache, log *slog.Logger, used *identityRecord) (*ssh.Client, error) {
	addr := ep.addr()
	hk, err := cache.hostKeys(cfg.KnownHostsFile, cfg.HostKeyMode, addr, log)
	if err != nil {
		return nil, nonRetryable(err)
	}
	auth, closeAuth, err := authMethod(ep, cfg, log, used)
	if err != nil {
		return nil, nonRetryable(err)
	}
	defer closeAuth()
	conn, err := dialConn(ctx, via, ep)
	if err != nil {
		return nil, fmt.Errorf("connect %s: %w", addr, causeIfDone(ctx, err))
	}
	conf := &ssh.ClientConfig{
		User:              ep.user,
		Auth:              []ssh.AuthMethod{auth},
		HostKeyCallback:   hk.callback,
		HostKeyAlgorithms: hk.algorithms(),
	}
	log.Debug("ssh handshake", "addr", addr, "proxy_command", ep.proxy.command, "known_keys", len(hk.known), "host_key_algorithms", conf.HostKeyAlgorithms)
	sc, chans, reqs, err := handshake(ctx, conn, addr, conf)
	if err != nil {
		err = classifyHandshake(ctx, err)
		if pc, ok := conn.(*proxyConn); ok && !errors.Is(err, ErrNonRetryable) {
			// The connection never came up: what the proxy command said
			// is the likely reason.
			return nil, pc.failure(ctx, err)
		}
		return nil, err
	}
	return ssh.NewClient(sc, chans, reqs), nil
}

// dialConn opens the byte stream to ep: a channel through via, the stdin
// and stdout of ep's ProxyCommand, or a TCP connection.
func dialConn(ctx context.Context, via *ssh.Client, ep endpoint) (net.Conn, error) {
	switch {
	case via != nil:
		return via.DialContext(ctx, "tcp", ep.addr())
	case ep.proxy.command != "":
		c, err := startProxyCommand(ep.proxy, ep.addr())
		if err != nil {
			// No shell, or no pipes: dialling again will not help.
			return nil, nonRetryable(err)
		}
		return c, nil
	}
	var d net.Dialer
	return d.DialContext(ctx, "tcp", ep.addr())
}

// handshake runs the SSH handshake on conn within ctx. A TCP conn gets ctx's
// deadline; a channel through a jump host has no deadlines, so closing conn
// when ctx ends is what bounds the handshake there.
func handshake(ctx context.Context, conn net.Conn, addr string, conf *ssh.ClientConfig) (ssh.Conn, <-chan ssh.NewChannel, <-chan *ssh.Request, error) {
	if dl, ok := ctx.Deadline(); ok {
		_ = conn.SetDeadline(dl) // unsupported over a jump host; see above
	}
	stop := context.AfterFunc(ctx, func() { conn.Close() })
	sc, chans, reqs, err := ssh.NewClientConn(conn, addr, conf)
	if !stop() && err == nil {
		// ctx ended just as the handshake finished; conn is closed.
		sc.Close()
		return nil, nil, nil, context.Cause(ctx)
	}
	if err != nil {
		if errors.Is(err, os.ErrDeadlineExceeded) {
			// Our deadline is ctx's, which the timer may not have marked
			// done yet; wait the instant so the caller sees ctx's cause.
			<-ctx.Done()
		}
		return nil, nil, nil, err // NewClientConn closed conn
	}
	_ = conn.SetDeadline(time.Time{})
	return sc, chans, reqs, nil
}

// classifyHandshake tags handshake failures that dialling again will not
// fix, and reports a ctx timeout or cancel rather than the closed-conn error
// it caused.
func classifyHandshake(ctx context.Context, err error) error {
	var hkErr *HostKeyError
	switch {
	case errors.As(err, &hkErr):
		return nonRetryable(hkErr)
	case errors.Is(err, ErrNonRetryable):
		return err
	case isAuthFailure(err):
		return nonRetryable(fmt.Errorf("%w: %w", ErrAuthFailed, err))
	}
	return fmt.Errorf("handshake: %w", causeIfDone(ctx, err))
}

// causeIfDone returns why ctx ended if it has, else err: once ctx is done,
// errors like "use of closed network connection" are its consequence.
func causeIfDone(ctx context.Context, err error) error {
	if ctx.Err() != nil {
		return context.Cause(ctx)
	}
	return err
}

func closeHops(hops []*ssh.Client) {
	for i := len(hops) - 1; i >= 0; i-- {
		_ = hops[i].Close()
	}
}
