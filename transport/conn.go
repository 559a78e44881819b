package transport

import (
	"context"
	"io"
	"io/fs"
)

// Conn is the part of a host connection that deployment steps need. *Client
// implements it; transporttest.Conn is a recording fake of it.
type Conn interface {
	// Run runs cmd to completion; see Client.Run.
	Run(ctx context.Context, cmd string, stdin io.Reader, stdout, stderr io.Writer) error
	// Upload writes src to dst with mode; see Client.Upload.
	Upload(ctx context.Context, dst string, src io.Reader, mode fs.FileMode, progress func(written int64)) (int64, error)
	Close() error
	// String names the connection, "user@host:port".
	String() string
}
