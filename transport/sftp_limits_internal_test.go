package transport

import (
	"bytes"
	"encoding/binary"
	"io"
	"testing"
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
	toServer := new(bytes.Buffer)
	go func() {
		_, _ = server.Write(before)
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
	go func() {
		// SSH_FX_OP_UNSUPPORTED (8), empty message and language.
		_, _ = server.Write(packet(fxpStatus, limitsID, 0, 0, 0, 8, 0, 0, 0, 0, 0, 0, 0, 0))
	}()
	if lim, ok := queryLimits(tap, io.Discard); ok {
		t.Fatalf("limits %+v from a status reply", lim)
	}
	_ = server.Close()
}
