package transport_test

import (
	"bytes"
	"crypto/rand"
	"log/slog"
	"testing"

	"github.com/fleetdeploy/fleet/transport"
	"github.com/fleetdeploy/fleet/transport/transporttest"
)

// BenchmarkUpload uploads 20 MiB to an in-process server (pkg/sftp over
// x/crypto's SSH server, a file under a temporary directory) on an open
// connection: the client's and the server's work per byte, both in this
// process. It reports the SSH bytes the server read per artifact byte.
func BenchmarkUpload(b *testing.B) {
	srv := transporttest.NewServer(b, transporttest.ServerOptions{Root: b.TempDir()})
	cfg := transport.Config{
		IdentityFiles:  []string{srv.ClientKeyFile},
		KnownHostsFile: transporttest.WriteKnownHosts(b, srv.KnownHostsLine()),
		SSHConfigFile:  "none",
		Logger:         slog.New(slog.DiscardHandler),
	}
	c, err := transport.Dial(b.Context(), srv.Addr, cfg)
	if err != nil {
		b.Fatal(err)
	}
	defer c.Close()
	data := make([]byte, 20<<20)
	_, _ = rand.Read(data)
	b.SetBytes(int64(len(data)))
	before := srv.BytesReceived()
	for b.Loop() {
		if _, err := c.Upload(b.Context(), "artifact", bytes.NewReader(data), 0o600, nil); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(srv.BytesReceived()-before)/float64(b.N*len(data)), "wire/byte")
}
