package transport

import (
	"bytes"
	"encoding/binary"
	"io"
	"sync"
	"testing"
	"time"
)

func TestSFTPLimits_WriteSize(t *testing.T) {
	cases := []struct {
		name string
		lim  sftpLimits
		want int
	}{
		{"OpenSSH 9", sftpLimits{packet: 256 << 10, read: 255 << 10, write: 255 << 10, handles: 0}, 255 << 10},
		{"no limits stated: our cap", sftpLimits{}, sftpMaxPacket},
		{"small packets: the header must fit", sftpLimits{packet: 100000, write: 200000}, 100000 - sftpWriteHeader},
		{"reads smaller than writes", sftpLimits{read: 64 << 10, write: 255 << 10}, 64 << 10},
		{"a limit below the default is obeyed", sftpLimits{write: 16 << 10}, 16 << 10},
		{"a packet limit too small for a header", sftpLimits{packet: 100}, 1},
	}
	for _, tc := range cases {
		if got := tc.lim.writeSize(); got != tc.want {
			t.Errorf("%s: writeSize %d, want %d", tc.name, got, tc.want)
		}
	}
}

// packet is an SFTP packet: length, type, id, then body.
func packet(typ byte, id uint32, body ...byte) []byte {
	p := binary.BigEndian.AppendUint32(nil, uint32(1+4+len(body)))
	p = append(p, typ)
	p = binary.BigEndian.AppendUint32(p, id)
	return append(p, body...)
}

func TestQueryLimits_TakesItsAnswerOutOfTheStream(t *testing.T) {
	fromServer, server := io.Pipe()
	tap := newReplyTap(fromServer)
	// pkg/sftp's receiving goroutine: everything it reads.
	got := make(chan []byte)
	go func() {
		data, _ := io.ReadAll(tap)
		got <- data
	}()
	var limits []byte
	for _, v := range []uint64{256 << 10, 255 << 10, 200 << 10, 0} {
		limits = binary.BigEndian.AppendUint64(limits, v)
	}
	before := packet(fxpStatus, 7, 0, 0, 0, 0) // something pkg/sftp waits for
	after := packet(fxpStatus, 8, 0, 0, 0, 0)
	toServer := newRequestWriter()
	go func() {
		_, _ = server.Write(before)
		<-toServer.sent // a server answers what it was asked, not before
		_, _ = server.Write(packet(fxpExtendedReply, limitsID, limits...))
		tap.passThrough()
		_, _ = server.Write(after)
		_ = server.Close()
	}()
	lim, ok := queryLimits(tap, toServer)
	if !ok || lim != (sftpLimits{packet: 256 << 10, read: 255 << 10, write: 200 << 10}) {
		t.Fatalf("limits %+v, %v", lim, ok)
	}
	if want := append(bytes.Clone(before), after...); !bytes.Equal(<-got, want) {
		t.Errorf("pkg/sftp read something else than the other packets")
	}
	req := toServer.Bytes()
	if len(req) < 9 || req[4] != fxpExtended || binary.BigEndian.Uint32(req[5:]) != limitsID ||
		!bytes.HasSuffix(req, []byte(extLimits)) || int(binary.BigEndian.Uint32(req)) != len(req)-4 {
		t.Errorf("query on the wire: %q", req)
	}
}

func TestQueryLimits_Unsupported(t *testing.T) {
	fromServer, server := io.Pipe()
	tap := newReplyTap(fromServer)
	go func() { _, _ = io.Copy(io.Discard, tap) }()
	toServer := newRequestWriter()
	go func() {
		<-toServer.sent
		// SSH_FX_OP_UNSUPPORTED (8), empty message and language.
		_, _ = server.Write(packet(fxpStatus, limitsID, 0, 0, 0, 8, 0, 0, 0, 0, 0, 0, 0, 0))
	}()
	start := time.Now()
	if lim, ok := queryLimits(tap, toServer); ok {
		t.Fatalf("limits %+v from a status reply", lim)
	}
	if waited := time.Since(start); waited >= limitsWait {
		t.Errorf("took %s: the status reply was not taken as the answer, the wait ran out", waited)
	}
	_ = server.Close()
}

// requestWriter is the fake server's input: sent closes once the query has
// been written, so the fake answers only what it was asked. Answering
// before the query is armed would hand the reply to pkg/sftp, which no real
// server can do.
type requestWriter struct {
	bytes.Buffer
	sent chan struct{}
	once sync.Once
}

func newRequestWriter() *requestWriter { return &requestWriter{sent: make(chan struct{})} }

func (w *requestWriter) Write(p []byte) (int, error) {
	n, err := w.Buffer.Write(p)
	w.once.Do(func() { close(w.sent) })
	return n, err
}
