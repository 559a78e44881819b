// Package transporttest helps test code that uses package transport: Server
// is a real SSH server with SFTP inside the test process, listening on
// 127.0.0.1, and Conn is a recording fake of transport.Conn with scripted
// command handlers and recorded uploads and file operations (deploy's
// agent-install tests run against it).
package transporttest
