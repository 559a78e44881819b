package transport

import (
	"context"
	"fmt"
	"io"
	"io/fs"
	"net"
	"os"

	"github.com/pkg/sftp"
	"golang.org/x/crypto/ssh"
)

const (
	// sftpPacket is the data of one write request by default: the 32 KiB
	// every SFTP server must accept. A server that states larger limits
	// gets larger writes (sftp_limits.go).
	sftpPacket = 32 << 10
	// sftpInFlight writes of sftpPacket each keep 2 MiB outstanding, the
	// size of the channel window OpenSSH and x/crypto servers grant (with
	// larger writes the window is the bound).
	sftpInFlight = 64
)

// SFTP returns the client's SFTP session, opening it on first use over the
// shared connection. Do not close it; Client.Close does.
func (c *Client) SFTP() (*sftp.Client, error) {
	c.sftpMu.Lock()
	defer c.sftpMu.Unlock()
	if c.closed() {
		return nil, fmt.Errorf("sftp: %w", net.ErrClosed)
	}
	if c.sftp != nil {
		return c.sftp, nil
	}
	sc, sess, size, err := newSFTP(c.conn)
	if err != nil {
		return nil, fmt.Errorf("sftp: %w", err)
	}
	c.log.Debug("sftp session", "write_size", size)
	c.sftp, c.sftpSess = sc, sess
	return sc, nil
}

// newSFTP starts the sftp subsystem in a new session, as sftp.NewClient
// does, and asks the server for its limits when it states them.
func newSFTP(conn *ssh.Client) (*sftp.Client, *ssh.Session, int, error) {
	sess, err := conn.NewSession()
	if err != nil {
		return nil, nil, 0, err
	}
	stdin, err := sess.StdinPipe()
	if err != nil {
		sess.Close()
		return nil, nil, 0, err
	}
	stdout, err := sess.StdoutPipe()
	if err != nil {
		sess.Close()
		return nil, nil, 0, err
	}
	if err := sess.RequestSubsystem("sftp"); err != nil {
		sess.Close()
		return nil, nil, 0, err
	}
	tap := newReplyTap(stdout)
	sc, err := sftp.NewClientPipe(tap, stdin,
		sftp.UseConcurrentWrites(true),
		sftp.MaxPacketChecked(sftpPacket),
		sftp.MaxConcurrentRequestsPerFile(sftpInFlight),
	)
	if err != nil {
		sess.Close()
		return nil, nil, 0, err
	}
	size := sftpPacket
	if v, ok := sc.HasExtension(extLimits); ok && v == "1" {
		if lim, ok := queryLimits(tap, stdin); ok && lim.writeSize() != sftpPacket {
			// Options only set fields; pkg/sftp reads this one per
			// transfer, and sc is not in use yet.
			size = lim.writeSize()
			if err := sftp.MaxPacketUnchecked(size)(sc); err != nil {
				sc.Close()
				sess.Close()
				return nil, nil, 0, err
			}
		}
	}
	tap.passThrough()
	return sc, sess, size, nil
}

// Upload writes src to the remote path dst, created or truncated with
// permissions mode, using concurrent SFTP writes. It writes dst itself:
// callers that need atomicity upload to a temporary name and rename. It
// does not fsync dst: fleet's uploads are checked on the host before use
// (the agent copies a release into place and fsyncs that copy; the agent
// binary is hashed before every run), and an fsync of the upload itself
// cost about a tenth of a 256 MiB upload to a lab host (BENCHMARKS.md).
// On failure the partial file is removed. progress, if not nil, gets the running count of bytes read
// from src and handed to SFTP; it may be called from a pkg/sftp goroutine,
// never from two at once.
func (c *Client) Upload(ctx context.Context, dst string, src io.Reader, mode fs.FileMode, progress func(written int64)) (int64, error) {
	if err := ctx.Err(); err != nil {
		return 0, fmt.Errorf("upload %s: %w", dst, err)
	}
	sc, err := c.SFTP()
	if err != nil {
		return 0, fmt.Errorf("upload %s: %w", dst, err)
	}
	f, err := sc.OpenFile(dst, os.O_WRONLY|os.O_CREATE|os.O_TRUNC)
	if err != nil {
		return 0, fmt.Errorf("upload %s: %w", dst, err)
	}
	n, err := writeFile(ctx, f, src, mode, progress)
	if closeErr := f.Close(); err == nil && closeErr != nil {
		err = closeErr
	}
	if err != nil {
		if rmErr := sc.Remove(dst); rmErr != nil {
			c.log.Debug("upload: remove partial file", "path", dst, "err", rmErr)
		}
		return n, fmt.Errorf("upload %s: %w", dst, err)
	}
	return n, nil
}

func writeFile(ctx context.Context, f *sftp.File, src io.Reader, mode fs.FileMode, progress func(int64)) (int64, error) {
	// Set the mode before any data lands, so a binary is never readable
	// with the server's default permissions.
	if err := f.Chmod(mode.Perm()); err != nil {
		return 0, fmt.Errorf("chmod: %w", err)
	}
	// ReadFrom would fall back to sequential writes for a reader of unknown
	// size, so ask for concurrency explicitly (0 means the client maximum).
	return f.ReadFromWithConcurrency(&uploadReader{ctx: ctx, r: src, progress: progress}, 0)
}

// uploadReader stops the copy when ctx ends and reports progress.
type uploadReader struct {
	ctx      context.Context
	r        io.Reader
	read     int64
	progress func(int64)
}

func (u *uploadReader) Read(p []byte) (int, error) {
	if err := u.ctx.Err(); err != nil {
		return 0, context.Cause(u.ctx)
	}
	n, err := u.r.Read(p)
	if n > 0 {
		u.read += int64(n)
		if u.progress != nil {
			u.progress(u.read)
		}
	}
	return n, err
}

// Stat returns the remote file's info over SFTP.
func (c *Client) Stat(ctx context.Context, path string) (fs.FileInfo, error) {
	fi, err := sftpCall(ctx, c, func(sc *sftp.Client) (fs.FileInfo, error) { return sc.Stat(path) })
	if err != nil {
		return nil, fmt.Errorf("stat %s: %w", path, err)
	}
	return fi, nil
}

// Remove removes a remote file or empty directory over SFTP.
func (c *Client) Remove(ctx context.Context, path string) error {
	_, err := sftpCall(ctx, c, func(sc *sftp.Client) (struct{}, error) { return struct{}{}, sc.Remove(path) })
	if err != nil {
		return fmt.Errorf("remove %s: %w", path, err)
	}
	return nil
}

// sftpCall runs fn, which pkg/sftp cannot cancel, and stops waiting for it
// when ctx ends; fn's own result is then dropped.
func sftpCall[T any](ctx context.Context, c *Client, fn func(*sftp.Client) (T, error)) (T, error) {
	var zero T
	if err := ctx.Err(); err != nil {
		return zero, err
	}
	sc, err := c.SFTP()
	if err != nil {
		return zero, err
	}
	type result struct {
		v   T
		err error
	}
	done := make(chan result, 1)
	go func() {
		v, err := fn(sc)
		done <- result{v, err}
	}()
	select {
	case r := <-done:
		return r.v, r.err
	case <-ctx.Done():
		return zero, context.Cause(ctx)
	}
}
