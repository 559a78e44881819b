package transport

import (
	"encoding/binary"
	"errors"
	"io"
	"sync"
	"time"
)

// SFTP request sizes other than the 32 KiB every server accepts are used
// only when the server states its limits (OpenSSH's limits@openssh.com;
// the lab's OpenSSH 9.2 allows 255 KiB writes): fewer, larger requests mean
// fewer writes and acknowledgements on the host (BENCHMARKS.md).
const (
	extLimits = "limits@openssh.com"
	// sftpMaxPacket caps what a server's limits may raise writes to:
	// OpenSSH's own cap (SFTP_MAX_MSG_LENGTH - 1024).
	sftpMaxPacket = 255 << 10
	// limitsID is the request id of the limits query. pkg/sftp numbers its
	// requests from 1, and the query is the only request on the wire
	// while it is in flight.
	limitsID = 1<<32 - 1
	// limitsWait bounds how long SFTP() waits for the answer; without
	// one, writes stay at sftpPacket.
	limitsWait = 10 * time.Second

	fxpStatus        = 101
	fxpExtended      = 200
	fxpExtendedReply = 201
	// sftpMaxInbound bounds a packet the reply tap reads whole.
	sftpMaxInbound = 1 << 20
	// sftpWriteHeader is an SSH_FXP_WRITE request without its data:
	// length, type, id, handle (at most 256 bytes), offset and data
	// length.
	sftpWriteHeader = 4 + 1 + 4 + (4 + 256) + 8 + 4
)

// sftpLimits is the answer to limits@openssh.com; 0 means no limit.
type sftpLimits struct {
	packet, read, write, handles uint64
}

// writeSize is the data size of one write request under l: within every
// limit the server states, and at most sftpMaxPacket.
func (l sftpLimits) writeSize() int {
	size := uint64(sftpMaxPacket)
	for _, lim := range []uint64{l.read, l.write} {
		if lim > 0 {
			size = min(size, lim)
		}
	}
	if l.packet > 0 {
		size = min(size, max(l.packet, sftpWriteHeader+1)-sftpWriteHeader)
	}
	return int(size)
}

// queryLimits asks the server for its limits through the tap and the
// session's input, right after pkg/sftp's handshake and before it sends
// anything else (so the query is alone on the wire; pkg/sftp writes each
// packet with two writes, and ours must not land between them). ok is
// false when no usable answer came.
func queryLimits(tap *replyTap, w io.Writer) (sftpLimits, bool) {
	reply := tap.expect(limitsID)
	req := binary.BigEndian.AppendUint32(nil, 0) // length, set below
	req = append(req, fxpExtended)
	req = binary.BigEndian.AppendUint32(req, limitsID)
	req = binary.BigEndian.AppendUint32(req, uint32(len(extLimits)))
	req = append(req, extLimits...)
	binary.BigEndian.PutUint32(req, uint32(len(req)-4))
	if _, err := w.Write(req); err != nil {
		return sftpLimits{}, false
	}
	timer := time.NewTimer(limitsWait)
	defer timer.Stop()
	var body []byte
	select {
	case body = <-reply:
	case <-timer.C:
		// The tap still takes the answer whenever it comes, so that
		// pkg/sftp never sees an id it did not send.
		return sftpLimits{}, false
	}
	// body: type, id, then for an extended reply four uint64s.
	if len(body) < 5+32 || body[0] != fxpExtendedReply {
		return sftpLimits{}, false // a status: unsupported after all
	}
	u := func(i int) uint64 { return binary.BigEndian.Uint64(body[5+8*i:]) }
	return sftpLimits{packet: u(0), read: u(1), write: u(2), handles: u(3)}, true
}

// replyTap sits between the SFTP session's output and pkg/sftp. Until
// passThrough is called, and then while a query of ours is pending, it
// reads whole packets and takes the answer to the query out of the stream;
// after that it passes reads through untouched. It starts out reading
// whole packets because pkg/sftp's receiving goroutine may already be
// waiting in Read when the query goes out.
type replyTap struct {
	r io.Reader

	mu      sync.Mutex
	framing bool        // read whole packets; set by newReplyTap
	id      uint32      // the pending query; 0: none
	reply   chan []byte // where its answer goes (nil body: stream ended)
	buf     []byte      // the rest of a packet read whole, for pkg/sftp
	pkt     []byte      // storage for buf
	hdr     [4]byte
}

func newReplyTap(r io.Reader) *replyTap { return &replyTap{r: r, framing: true} }

// expect arms the tap for the answer to request id.
func (t *replyTap) expect(id uint32) <-chan []byte {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.id, t.reply = id, make(chan []byte, 1)
	return t.reply
}

// passThrough lets reads through untouched once no query is pending.
func (t *replyTap) passThrough() {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.framing = false
}

// Read is called by pkg/sftp's receiving goroutine only.
func (t *replyTap) Read(p []byte) (int, error) {
	for len(t.buf) == 0 {
		t.mu.Lock()
		framing := t.framing || t.id != 0
		t.mu.Unlock()
		if !framing {
			return t.r.Read(p)
		}
		if err := t.readPacket(); err != nil {
			t.fail()
			return 0, err
		}
	}
	n := copy(p, t.buf)
	t.buf = t.buf[n:]
	return n, nil
}

// readPacket reads one packet whole; the pending query's answer goes to
// its waiter, anything else to buf.
func (t *replyTap) readPacket() error {
	if _, err := io.ReadFull(t.r, t.hdr[:]); err != nil {
		return err
	}
	n := binary.BigEndian.Uint32(t.hdr[:])
	if n > sftpMaxInbound {
		return errors.New("sftp: packet too long")
	}
	t.pkt = append(t.pkt[:0], t.hdr[:]...)
	t.pkt = append(t.pkt, make([]byte, n)...)
	if _, err := io.ReadFull(t.r, t.pkt[4:]); err != nil {
		return err
	}
	body := t.pkt[4:]
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.id != 0 && len(body) >= 5 && (body[0] == fxpExtendedReply || body[0] == fxpStatus) &&
		binary.BigEndian.Uint32(body[1:]) == t.id {
		t.reply <- append([]byte(nil), body...)
		t.id, t.reply = 0, nil
		return nil
	}
	t.buf = t.pkt
	return nil
}

// fail wakes a waiter when the stream ends.
func (t *replyTap) fail() {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.reply != nil {
		t.reply <- nil
		t.id, t.reply = 0, nil
	}
}
