package hostsim

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sync"

	"github.com/fleetdeploy/fleet/agent"
)

// standIns is the fleet's register of artifacts and their stand-ins
// (Options.StandIns): the agents work on a small stand-in file while the
// controller uploads, and is answered about, the real artifact.
type standIns struct {
	mu     sync.Mutex
	byReal map[string]*standIn // real sha256 -> stand-in
	// replacements maps each stand-in checksum to the real one, for
	// rewriting the agents' answers.
	replacements map[string]string
}

func newStandIns() *standIns {
	return &standIns{byReal: map[string]*standIn{}, replacements: map[string]string{}}
}

// standIn is one artifact as the controller announced it (checksum, size)
// and the file the agents see instead.
type standIn struct {
	real    string // hex sha256 the controller announced
	size    int64  // size the controller announced
	content []byte // what the agent finds in the upload once verified
	sum     string // hex sha256 of content

	mu  sync.Mutex
	ref []byte // the verified real bytes, from the first upload that hashed to real
}

// get returns the stand-in for an announced artifact, making it on first
// use. Stand-ins are deterministic, so every host gets the same one.
func (s *standIns) get(real string, size int64) *standIn {
	s.mu.Lock()
	defer s.mu.Unlock()
	if st, ok := s.byReal[real]; ok && st.size == size {
		return st
	}
	content := fmt.Appendf(nil, "hostsim stand-in for sha256 %s, %d bytes\n", real, size)
	sum := sha256.Sum256(content)
	st := &standIn{real: real, size: size, content: content, sum: hex.EncodeToString(sum[:])}
	s.byReal[real] = st
	s.replacements[st.sum] = real
	return st
}

// lookup returns the stand-in for real, nil when none was announced.
func (s *standIns) lookup(real string) *standIn {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.byReal[real]
}

// restore rewrites stand-in checksums in an agent's answer back to the
// real ones; ok is false when the line holds none.
func (s *standIns) restore(line []byte) ([]byte, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	found := false
	for sum, real := range s.replacements {
		if bytes.Contains(line, []byte(sum)) {
			line = bytes.ReplaceAll(line, []byte(sum), []byte(real))
			found = true
		}
	}
	return line, found
}

// sizeOf is the real size of the artifact real whose stand-in has size n,
// or n.
func (s *standIns) sizeOf(real string, n int64) int64 {
	s.mu.Lock()
	defer s.mu.Unlock()
	if st, ok := s.byReal[real]; ok && int64(len(st.content)) == n {
		return st.size
	}
	return n
}

// swap checks the upload at path against the real artifact and replaces
// it with the stand-in when every byte matches, or with a file that hashes
// to something else (so the agent answers checksum_mismatch, as it would
// for the real bytes) when they do not. The first upload of an artifact
// is hashed; later ones are compared with its bytes.
func (st *standIn) swap(path string) error {
	ok, err := st.verify(path)
	if err != nil {
		return err
	}
	content := st.content
	if !ok {
		content = st.corrupt()
	}
	tmp := path + ".hostsim-standin"
	if err := os.WriteFile(tmp, content, 0o600); err != nil {
		return err
	}
	if err := os.Rename(tmp, path); err != nil {
		_ = os.Remove(tmp)
		return err
	}
	return nil
}

// corrupt is what the agent finds instead of an upload that did not match:
// it hashes to neither the stand-in nor the artifact.
func (st *standIn) corrupt() []byte {
	return fmt.Appendf(nil, "hostsim: upload does not match sha256 %s, %d bytes\n", st.real, st.size)
}

// reference is the artifact's verified bytes, nil until an upload of them
// has been hashed.
func (st *standIn) reference() []byte {
	st.mu.Lock()
	defer st.mu.Unlock()
	return st.ref
}

func (st *standIn) verify(path string) (bool, error) {
	f, err := os.Open(path)
	if err != nil {
		return false, err
	}
	defer f.Close()
	st.mu.Lock()
	ref := st.ref
	if ref == nil {
		// The first upload: hash it (the other hosts wait for it).
		defer st.mu.Unlock()
		data, err := io.ReadAll(io.LimitReader(f, st.size+1))
		if err != nil {
			return false, err
		}
		sum := sha256.Sum256(data)
		if int64(len(data)) != st.size || hex.EncodeToString(sum[:]) != st.real {
			return false, nil
		}
		st.ref = data
		return true, nil
	}
	st.mu.Unlock()
	return sameBytes(f, ref)
}

// sameBytes reports whether r holds exactly want.
func sameBytes(r io.Reader, want []byte) (bool, error) {
	buf := make([]byte, 1<<20)
	for {
		n, err := io.ReadFull(r, buf)
		if n > len(want) || !bytes.Equal(buf[:n], want[:n]) {
			return false, nil
		}
		want = want[n:]
		if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
			return len(want) == 0, nil
		}
		if err != nil {
			return false, err
		}
	}
}

// standInTap translates one agent session between the real artifacts (the
// controller's side) and their stand-ins (the agent's side).
type standInTap struct {
	host *Host
	reg  *standIns
	w    io.Writer // the session's stdout

	mu      sync.Mutex
	partial []byte              // output not yet ended by a newline
	begins  map[uint64]*standIn // stage_begin requests not answered yet
}

// request rewrites stage_begin, stage_commit and fetch for the agent; on
// stage_commit it first swaps the upload for its stand-in.
func (t *standInTap) request(line []byte) []byte {
	req, err := agent.DecodeRequest(bytes.TrimSpace(line))
	if err != nil || (req.Op != agent.OpStageBegin && req.Op != agent.OpStageCommit && req.Op != agent.OpFetch) {
		return line
	}
	var args map[string]any
	dec := json.NewDecoder(bytes.NewReader(req.Args))
	dec.UseNumber()
	if dec.Decode(&args) != nil {
		return line
	}
	real, _ := args["sha256"].(string)
	var st *standIn
	switch req.Op {
	case agent.OpStageBegin:
		size, err := numberOf(args["size"])
		if err != nil || real == "" {
			return line
		}
		st = t.reg.get(real, size)
		args["size"] = len(st.content)
		t.mu.Lock()
		t.begins[req.ID] = st
		t.mu.Unlock()
	case agent.OpFetch:
		// A peer serves what it installed: the stand-in, which the
		// fetching agent then checks against the stand-in's checksum.
		// An artifact no upload announced passes as it is.
		if st = t.reg.lookup(real); st == nil {
			return line
		}
	case agent.OpStageCommit:
		if st = t.reg.lookup(real); st == nil {
			return line
		}
		// An upload compareWriter received has its stand-in already;
		// one written to disk (the artifact's first) is checked now.
		if path, _ := args["upload_path"].(string); t.host.isUpload(path) && !t.host.takeSwapped(path) {
			if err := st.swap(t.host.local(path)); err != nil {
				return line // the agent reports the broken upload
			}
		}
	}
	args["sha256"] = st.sum
	return encodeRequest(req, args, line)
}

func numberOf(v any) (int64, error) {
	n, ok := v.(json.Number)
	if !ok {
		return 0, errors.New("not a number")
	}
	return n.Int64()
}

func encodeRequest(req agent.Request, args map[string]any, orig []byte) []byte {
	raw, err := json.Marshal(args)
	if err != nil {
		return orig
	}
	req.Args = raw
	out, err := json.Marshal(req)
	if err != nil {
		return orig
	}
	return append(out, '\n')
}

// expectUpload notes that the agent handed out path for st's artifact.
func (h *Host) expectUpload(path string, st *standIn) {
	h.uploadsMu.Lock()
	defer h.uploadsMu.Unlock()
	h.uploads[path] = &upload{st: st}
}

// knownUpload is the artifact of an expected upload whose bytes the fleet
// already knows (so they can be compared as they arrive), or nil.
func (h *Host) knownUpload(path string) *standIn {
	h.uploadsMu.Lock()
	u := h.uploads[path]
	h.uploadsMu.Unlock()
	if u == nil || u.st.reference() == nil {
		return nil
	}
	return u.st
}

// uploadSwapped records that the file at path holds its stand-in.
func (h *Host) uploadSwapped(path string) {
	h.uploadsMu.Lock()
	defer h.uploadsMu.Unlock()
	if u := h.uploads[path]; u != nil {
		u.swapped = true
	}
}

// takeSwapped forgets the upload at path and reports whether its file
// already holds the stand-in.
func (h *Host) takeSwapped(path string) bool {
	h.uploadsMu.Lock()
	defer h.uploadsMu.Unlock()
	u := h.uploads[path]
	delete(h.uploads, path)
	return u != nil && u.swapped
}

// upload is an upload path the agent handed out, for a known artifact.
type upload struct {
	st      *standIn
	swapped bool // compareWriter gave the file its stand-in
}

// isUpload reports whether path, one of the host's own, is a file in the
// app's .incoming, the only place the agent hands out upload paths.
func (h *Host) isUpload(path string) bool {
	return filepath.IsAbs(path) && filepath.Dir(filepath.Clean(path)) == filepath.Join(h.root, ".incoming")
}

// Write passes the agent's output on, line by line, with stand-in
// checksums (and the sizes next to them) turned back into the real ones.
// The agent writes whole lines, so this buffers nothing in practice.
func (t *standInTap) Write(p []byte) (int, error) {
	t.mu.Lock()
	data := append(t.partial, p...)
	end := bytes.LastIndexByte(data, '\n') + 1
	t.partial = bytes.Clone(data[end:])
	var out []byte
	for _, line := range bytes.SplitAfter(data[:end], []byte{'\n'}) {
		t.noteUpload(line)
		out = append(out, t.restore(line)...)
	}
	t.mu.Unlock()
	if len(out) > 0 {
		if _, err := t.w.Write(out); err != nil {
			return 0, err
		}
	}
	return len(p), nil
}

// noteUpload registers the upload path of a stage_begin answer with the
// host, before the controller can use it; t.mu is held.
func (t *standInTap) noteUpload(line []byte) {
	if len(t.begins) == 0 || len(line) == 0 {
		return
	}
	var resp struct {
		ID     uint64 `json:"id"`
		Result struct {
			UploadPath string `json:"upload_path"`
		} `json:"result"`
		Event json.RawMessage `json:"event"`
	}
	if json.Unmarshal(line, &resp) != nil || resp.Event != nil {
		return
	}
	st, ok := t.begins[resp.ID]
	if !ok {
		return
	}
	delete(t.begins, resp.ID)
	if resp.Result.UploadPath != "" && t.host.isUpload(resp.Result.UploadPath) {
		t.host.expectUpload(resp.Result.UploadPath, st)
	}
}

func (t *standInTap) restore(line []byte) []byte {
	restored, found := t.reg.restore(line)
	if !found {
		return line
	}
	var v any
	dec := json.NewDecoder(bytes.NewReader(restored))
	dec.UseNumber()
	if dec.Decode(&v) != nil {
		return restored
	}
	t.restoreSizes(v)
	out, err := json.Marshal(v)
	if err != nil {
		return restored
	}
	return append(out, '\n')
}

// restoreSizes sets "size" back to the real artifact's in every object
// that names a real checksum next to a stand-in's size (a Release).
func (t *standInTap) restoreSizes(v any) {
	switch v := v.(type) {
	case map[string]any:
		if sum, ok := v["sha256"].(string); ok {
			if n, err := numberOf(v["size"]); err == nil {
				v["size"] = t.reg.sizeOf(sum, n)
			}
		}
		for _, e := range v {
			t.restoreSizes(e)
		}
	case []any:
		for _, e := range v {
			t.restoreSizes(e)
		}
	}
}
