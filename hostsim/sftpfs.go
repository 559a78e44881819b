package hostsim

import (
	"bytes"
	"fmt"
	"io"
	"io/fs"
	"os"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"github.com/pkg/sftp"
)

// sftpHandlers serve the host's SFTP from its directory, like pkg/sftp's
// own server but chrooted there (hostpath.go): the request server hands
// them the host's own absolute paths, relative ones resolved against the
// home, which is the host's /. Failures name the host's paths too.
//
// With Options.StandIns there is one more difference: an upload to a path
// the agent issued, of an artifact whose bytes the fleet already knows, is
// compared with them as it arrives instead of being written, and the file
// gets its stand-in (or a corrupt marker) on close. The controller's side
// of the transfer is untouched: the same requests, answers and bytes on
// the wire.
func (h *Host) sftpHandlers() *sftp.Handlers {
	fsys := osFS{host: h}
	return &sftp.Handlers{FileGet: fsys, FilePut: fsys, FileCmd: fsys, FileList: fsys}
}

// osFS is the host's filesystem for pkg/sftp's request server. Its
// methods take the host's paths and return the host's errors; the osFS
// functions below them work on this process's paths.
type osFS struct{ host *Host }

var (
	_ sftp.PosixRenameFileCmder = osFS{}
	_ sftp.LstatFileLister      = osFS{}
)

func (o osFS) Fileread(r *sftp.Request) (io.ReaderAt, error) {
	f, err := os.Open(o.host.local(r.Filepath))
	if err != nil {
		return nil, o.host.hostError(err)
	}
	return f, nil
}

func (o osFS) Filewrite(r *sftp.Request) (io.WriterAt, error) {
	pf := r.Pflags()
	flags := os.O_WRONLY
	if pf.Read {
		flags = os.O_RDWR
	}
	for _, f := range []struct {
		set  bool
		flag int
	}{{pf.Append, os.O_APPEND}, {pf.Creat, os.O_CREATE}, {pf.Trunc, os.O_TRUNC}, {pf.Excl, os.O_EXCL}} {
		if f.set {
			flags |= f.flag
		}
	}
	f, err := os.OpenFile(o.host.local(r.Filepath), flags, 0o644)
	if err != nil {
		return nil, o.host.hostError(err)
	}
	if st := o.host.knownUpload(r.Filepath); st != nil && pf.Trunc && !pf.Append {
		_ = f.Close()
		return o.host.counted(r.Filepath, &compareWriter{host: o.host, path: r.Filepath, st: st}), nil
	}
	return o.host.counted(r.Filepath, f), nil
}

// counted counts what the SFTP writes to path carry (Host.SFTPBytes,
// Host.UploadBytes).
func (h *Host) counted(path string, w interface {
	io.WriterAt
	io.Closer
}) io.WriterAt {
	c := &countingWriterAt{w: w, all: &h.sftpBytes}
	if h.isUpload(path) {
		c.upload = &h.uploadBytes
	}
	return c
}

// countingWriterAt passes writes and the close on to w, counting bytes.
type countingWriterAt struct {
	w interface {
		io.WriterAt
		io.Closer
	}
	all, upload *atomic.Int64 // upload: nil unless an artifact upload
}

func (c *countingWriterAt) WriteAt(p []byte, off int64) (int, error) {
	n, err := c.w.WriteAt(p, off)
	c.all.Add(int64(n))
	if c.upload != nil {
		c.upload.Add(int64(n))
	}
	return n, err
}

func (c *countingWriterAt) Close() error { return c.w.Close() }

func (o osFS) Filecmd(r *sftp.Request) error {
	return o.host.hostError(o.filecmd(r))
}

func (o osFS) filecmd(r *sftp.Request) error {
	path, target := o.host.local(r.Filepath), o.host.local(r.Target)
	switch r.Method {
	case "Setstat":
		return setstat(path, r)
	case "Rename":
		return os.Rename(path, target)
	case "Rmdir", "Remove":
		return os.Remove(path)
	case "Mkdir":
		return os.Mkdir(path, 0o755)
	case "Link":
		return os.Link(path, target)
	case "Symlink":
		// pkg/sftp: Target is the link, Filepath what it points at (kept
		// as given).
		return os.Symlink(r.Filepath, target)
	}
	return sftp.ErrSSHFxOpUnsupported
}

func setstat(path string, r *sftp.Request) error {
	a, flags := r.Attributes(), r.AttrFlags()
	if flags.Size {
		if err := os.Truncate(path, int64(a.Size)); err != nil {
			return err
		}
	}
	if flags.Permissions {
		if err := os.Chmod(path, a.FileMode().Perm()); err != nil {
			return err
		}
	}
	if flags.Acmodtime {
		return os.Chtimes(path, a.AccessTime(), a.ModTime())
	}
	return nil
}

func (o osFS) PosixRename(r *sftp.Request) error {
	return o.host.hostError(os.Rename(o.host.local(r.Filepath), o.host.local(r.Target)))
}

func (o osFS) Filelist(r *sftp.Request) (sftp.ListerAt, error) {
	l, err := filelist(r.Method, o.host.local(r.Filepath))
	return l, o.host.hostError(err)
}

func filelist(method, path string) (sftp.ListerAt, error) {
	switch method {
	case "List":
		entries, err := os.ReadDir(path)
		if err != nil {
			return nil, err
		}
		infos := make([]fs.FileInfo, 0, len(entries))
		for _, e := range entries {
			if fi, err := e.Info(); err == nil {
				infos = append(infos, fi)
			}
		}
		return listerAt(infos), nil
	case "Stat":
		fi, err := os.Stat(path)
		if err != nil {
			return nil, err
		}
		return listerAt{fi}, nil
	case "Readlink":
		target, err := os.Readlink(path)
		if err != nil {
			return nil, err
		}
		return listerAt{linkName(target)}, nil
	}
	return nil, sftp.ErrSSHFxOpUnsupported
}

func (o osFS) Lstat(r *sftp.Request) (sftp.ListerAt, error) {
	fi, err := os.Lstat(o.host.local(r.Filepath))
	if err != nil {
		return nil, o.host.hostError(err)
	}
	return listerAt{fi}, nil
}

type listerAt []fs.FileInfo

func (l listerAt) ListAt(dst []fs.FileInfo, off int64) (int, error) {
	if off >= int64(len(l)) {
		return 0, io.EOF
	}
	n := copy(dst, l[off:])
	if n < len(dst) {
		return n, io.EOF
	}
	return n, nil
}

// linkName is the FileInfo pkg/sftp wants for a readlink answer: the
// target as the name.
type linkName string

func (l linkName) Name() string       { return string(l) }
func (l linkName) Size() int64        { return 0 }
func (l linkName) Mode() fs.FileMode  { return 0 }
func (l linkName) ModTime() time.Time { return time.Time{} }
func (l linkName) IsDir() bool        { return false }
func (l linkName) Sys() any           { return nil }

// compareWriter receives an upload of a known artifact: it compares what
// arrives with the artifact's bytes and keeps track of the ranges written;
// on close the file gets the stand-in when every byte arrived and matched,
// else a marker the agent's checksum rejects.
type compareWriter struct {
	host *Host
	path string // the host's
	st   *standIn

	mu       sync.Mutex
	mismatch bool
	extents  [][2]int64 // written ranges [from, to), sorted, merged
}

func (w *compareWriter) WriteAt(p []byte, off int64) (int, error) {
	ref := w.st.reference()
	end := off + int64(len(p))
	w.mu.Lock()
	defer w.mu.Unlock()
	if off < 0 || end > int64(len(ref)) || !bytes.Equal(p, ref[off:end]) {
		w.mismatch = true
	}
	w.extents = addExtent(w.extents, off, end)
	return len(p), nil
}

// addExtent merges [from, to) into sorted, disjoint extents.
func addExtent(ext [][2]int64, from, to int64) [][2]int64 {
	if from >= to {
		return ext
	}
	i, _ := slices.BinarySearchFunc(ext, from, func(e [2]int64, v int64) int {
		switch {
		case e[1] < v:
			return -1
		case e[0] > v:
			return 1
		}
		return 0
	})
	j := i
	for j < len(ext) && ext[j][0] <= to {
		from, to = min(from, ext[j][0]), max(to, ext[j][1])
		j++
	}
	return slices.Replace(ext, i, j, [2]int64{from, to})
}

func (w *compareWriter) Close() error {
	w.mu.Lock()
	complete := !w.mismatch && len(w.extents) == 1 && w.extents[0] == [2]int64{0, w.st.size}
	w.mu.Unlock()
	content := w.st.content
	if !complete {
		content = w.st.corrupt()
	}
	f, err := os.OpenFile(w.host.local(w.path), os.O_WRONLY|os.O_TRUNC, 0)
	if err != nil {
		return w.host.hostError(err)
	}
	if _, err := f.Write(content); err != nil {
		_ = f.Close()
		return w.host.hostError(err)
	}
	if err := f.Close(); err != nil {
		return fmt.Errorf("close %s: %w", w.path, w.host.hostError(err))
	}
	w.host.uploadSwapped(w.path)
	return nil
}
