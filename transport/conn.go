package transport

import (
	"context"
	"fmt"
	"io"
	"io/fs"

	"github.com/pkg/sftp"
)

// Conn is the part of a host connection that fleet's deploy layer needs
// to run commands and manage files on a host (deploy.Conn adds the
// long-lived agent process). *Client implements it; transporttest.Conn is
// a recording fake of it.
type Conn interface {
	// Run runs cmd to completion; see Client.Run.
	Run(ctx context.Context, cmd string, stdin io.Reader, stdout, stderr io.Writer) error
	// Upload writes src to dst with mode; see Client.Upload.
	Upload(ctx context.Context, dst string, src io.Reader, mode fs.FileMode, progress func(written int64)) (int64, error)
	// MkdirAll creates dir and its parents; see Client.MkdirAll.
	MkdirAll(ctx context.Context, dir string) error
	// Rename replaces newpath with oldpath atomically; see Client.Rename.
	Rename(ctx context.Context, oldpath, newpath string) error
	// Remove removes a file or empty directory; see Client.Remove.
	Remove(ctx context.Context, path string) error
	Close() error
	// String names the connection, "user@host:port".
	String() string
}

var _ Conn = (*Client)(nil)

// MkdirAll creates the remote directory dir and any parents, as the SSH
// user, over SFTP; an existing directory is no error.
func (c *Client) MkdirAll(ctx context.Context, dir string) error {
	_, err := sftpCall(ctx, c, func(sc *sftp.Client) (struct{}, error) { return struct{}{}, sc.MkdirAll(dir) })
	if err != nil {
		return fmt.Errorf("mkdir %s: %w", dir, err)
	}
	return nil
}

// Rename renames oldpath to newpath over SFTP, replacing newpath
// atomically when it exists (the posix-rename extension), so a reader
// sees the old file or the new one, never neither.
func (c *Client) Rename(ctx context.Context, oldpath, newpath string) error {
	_, err := sftpCall(ctx, c, func(sc *sftp.Client) (struct{}, error) { return struct{}{}, sc.PosixRename(oldpath, newpath) })
	if err != nil {
		return fmt.Errorf("rename %s: %w", oldpath, err)
	}
	return nil
}
