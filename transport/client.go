package transport

import (
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"sync"

	"github.com/pkg/sftp"
	"golang.org/x/crypto/ssh"
)

// Client is one SSH connection to a host, shared by every command session
// and by SFTP. It is safe for concurrent use.
type Client struct {
	conn *ssh.Client
	// hops are the jump host connections, outermost first; conn runs over
	// the last of them.
	hops []*ssh.Client
	name string
	log  *slog.Logger
	// identity is the key the target's login used (Identity).
	identity Identity

	done      chan struct{} // closed by Close; stops the keepalive loop
	closeOnce sync.Once
	closeErr  error
	keepalive sync.WaitGroup

	sftpMu   sync.Mutex
	sftp     *sftp.Client
	sftpSess *ssh.Session // the session sftp runs in
}

// Client satisfies the small interface callers depend on.
var _ Conn = (*Client)(nil)

// newClient wraps the dialled hops, the last being the target.
func newClient(target endpoint, hops []*ssh.Client, cfg Config, log *slog.Logger) *Client {
	c := &Client{
		conn: hops[len(hops)-1],
		hops: hops[:len(hops)-1],
		name: target.String(),
		log:  log,
		done: make(chan struct{}),
	}
	if cfg.Keepalive > 0 {
		c.keepalive.Add(1)
		go func() {
			defer c.keepalive.Done()
			runKeepalive(c.done, cfg.Keepalive, c.ping, c.deadConn)
		}()
	}
	return c
}

// String returns "user@host:port", host as given to Dial.
func (c *Client) String() string { return c.name }

// Close closes SFTP, the connection and the jump host connections. Sessions
// still running fail. Close is idempotent.
func (c *Client) Close() error {
	c.closeOnce.Do(func() {
		close(c.done)
		var errs []error
		c.sftpMu.Lock()
		if c.sftp != nil {
			errs = append(errs, c.sftp.Close(), c.sftpSess.Close())
		}
		c.sftpMu.Unlock()
		errs = append(errs, c.conn.Close())
		for i := len(c.hops) - 1; i >= 0; i-- {
			errs = append(errs, c.hops[i].Close())
		}
		c.keepalive.Wait()
		c.closeErr = closeErrors(errs)
	})
	return c.closeErr
}

// closeErrors joins errs, dropping the ones that only say a connection was
// already closed (by the keepalive loop or the peer).
func closeErrors(errs []error) error {
	var kept []error
	for _, err := range errs {
		if err != nil && !errors.Is(err, net.ErrClosed) && !errors.Is(err, io.EOF) {
			kept = append(kept, err)
		}
	}
	if err := errors.Join(kept...); err != nil {
		return fmt.Errorf("close: %w", err)
	}
	return nil
}

// closed reports whether Close was called.
func (c *Client) closed() bool {
	select {
	case <-c.done:
		return true
	default:
		return false
	}
}

// newSession opens a session channel, refusing once Close was called.
func (c *Client) newSession() (*ssh.Session, error) {
	if c.closed() {
		return nil, net.ErrClosed
	}
	return c.conn.NewSession()
}
