// Package transport is fleet's SSH seam: one verified SSH connection per
// host, reused for every command session and for SFTP uploads.
//
// Host keys are always checked against a known_hosts file. Before dialling,
// Dial looks up which key types known_hosts records for the host and puts
// those first in the host key algorithms it offers, so Go negotiates the key
// OpenSSH recorded instead of whichever type Go happens to prefer (the
// classic "ssh: handshake failed: knownhosts: key mismatch" on hosts that
// have both ed25519 and RSA keys).
//
// Callers that only run commands and upload files depend on the small [Conn]
// interface; package transporttest provides an in-process SSH/SFTP server and
// a recording fake of Conn.
package transport
