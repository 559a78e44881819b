package transport

import (
	"context"
	"fmt"
	"io"
	"io/fs"
	"net"
	"os"

	"github.com/pkg/sftp"
)

const (
	// sftpPacket is the largest write payload every SFTP server must
	// accept; larger ones break some servers for little gain.
	sftpPacket = 32 << 10
	// sftpInFlight writes of sftpPacket each keep 2 MiB outstanding, the
	// size of x/crypto's channel window: more would only queue locally.
	sftpInFlight = 64
	// extFsync is the OpenSSH extension File.Sync needs.
	extFsync = "fsync@openssh.com"
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
	sc, err := sftp.NewClient(c.conn,
		sftp.UseConcurrentWrites(true),
		sftp.MaxPacketChecked(sftpPacket),
		sftp.MaxConcurrentRequestsPerFile(sftpInFlight),
	)
	if err != nil {
		return nil, fmt.Errorf("sftp: %w", err)
	}
	c.sftp = sc
	return sc, nil
}

// Upload writes src to the remote path dst, created or truncated with
// permissions mode, using concurrent SFTP writes. It writes dst itself:
// callers that need atomicity upload to a temporary name and rename. The
// file is fsync'd when the server supports it. On failure the partial file
// is removed. progress, if not nil, gets the running count of bytes read
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
	n, err := c.writeFile(ctx, sc, f, src, mode, progress)
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

func (c *Client) writeFile(ctx context.Context, sc *sftp.Client, f *sftp.File, src io.Reader, mode fs.FileMode, progress func(int64)) (int64, error) {
	// Set the mode before any data lands, so a binary is never readable
	// with the server's default permissions.
	if err := f.Chmod(mode.Perm()); err != nil {
		return 0, fmt.Errorf("chmod: %w", err)
	}
	// ReadFrom would fall back to sequential writes for a reader of unknown
	// size, so ask for concurrency explicitly (0 means the client maximum).
	n, err := f.ReadFromWithConcurrency(&uploadReader{ctx: ctx, r: src, progress: progress}, 0)
	if err != nil {
		return n, err
	}
	if data, ok := sc.HasExtension(extFsync); ok && data == "1" {
		if err := f.Sync(); err != nil {
			return n, fmt.Errorf("fsync: %w", err)
		}
	} else {
		c.log.Debug("upload: server lacks fsync@openssh.com; not synced", "path", f.Name())
	}
	return n, nil
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
