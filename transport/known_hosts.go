package transport

import (
	"bufio"
	"crypto/ed25519"
	"crypto/rand"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"net"
	"os"
	"strconv"
	"sync"

	"golang.org/x/crypto/ssh"
	"golang.org/x/crypto/ssh/knownhosts"
)

// hostKeys verifies one host against a known_hosts file and knows which
// host key algorithms to ask for.
type hostKeys struct {
	file string
	mode HostKeyMode
	log  *slog.Logger
	// check is knownhosts' callback; nil when the file does not exist yet
	// (accept-new only), which makes every host unknown.
	check ssh.HostKeyCallback
	// known are the entries recorded for the host; empty if it is unknown.
	known []knownhosts.KnownKey
	// hasCA is true when an @cert-authority line covers the host.
	hasCA bool
	// caLines are the line numbers of @cert-authority entries.
	caLines map[int]bool
}

// loadHostKeys reads file and finds what it records for addr ("host:port",
// exactly as passed to ssh.NewClientConn).
func loadHostKeys(file string, mode HostKeyMode, addr string, log *slog.Logger) (*hostKeys, error) {
	return (*knownHostsCache)(nil).hostKeys(file, mode, addr, log)
}

// knownHostsDB is one parse of a known_hosts file. It is read-only, so
// every connection of a Dialer can share it.
type knownHostsDB struct {
	check   ssh.HostKeyCallback
	cas     []ssh.PublicKey
	caLines map[int]bool
}

func parseKnownHosts(file string) (*knownHostsDB, error) {
	check, err := knownhosts.New(file)
	if err != nil {
		return nil, err
	}
	cas, caLines, err := certAuthorities(file)
	if err != nil {
		return nil, err
	}
	return &knownHostsDB{check: check, cas: cas, caLines: caLines}, nil
}

// hostKeys is loadHostKeys with the file's parse taken from c (nil: no
// cache, parse it now).
func (c *knownHostsCache) hostKeys(file string, mode HostKeyMode, addr string, log *slog.Logger) (*hostKeys, error) {
	hk := &hostKeys{file: file, mode: mode, log: log}
	db, err := c.load(file)
	switch {
	case errors.Is(err, fs.ErrNotExist) && mode == HostKeyAcceptNew:
		return hk, nil
	case err != nil:
		return nil, knownHostsError(file, addr, err)
	}
	hk.check = db.check
	known, err := probeKnown(db.check, addr)
	if err != nil {
		return nil, err
	}
	hk.caLines = db.caLines
	hk.known = withoutCALines(known, db.caLines)
	hk.hasCA = probeCA(db.check, addr, db.cas)
	return hk, nil
}

// knownHostsError says which file could not be read to verify addr
// ("host:port").
func knownHostsError(file, addr string, err error) *KnownHostsError {
	e := &KnownHostsError{File: file, Host: addr, Err: err}
	if host, port, splitErr := net.SplitHostPort(addr); splitErr == nil {
		e.Host = host
		e.Port, _ = strconv.Atoi(port)
	}
	return e
}

// knownHostsCache keeps the parse of each known_hosts file a Dialer reads,
// until the file changes (accept-new appends to it): dialling n hosts
// listed in one file parses it once, not n times, and the n connections
// share one parse instead of holding a copy each (x/crypto keeps the host
// key callback for re-keying). The zero value is ready; nil caches
// nothing.
type knownHostsCache struct {
	mu    sync.Mutex
	files map[string]cachedKnownHosts
}

type cachedKnownHosts struct {
	info fs.FileInfo // what the file was when parsed
	db   *knownHostsDB
}

func (c *knownHostsCache) load(file string) (*knownHostsDB, error) {
	if c == nil {
		return parseKnownHosts(file)
	}
	info, err := os.Stat(file)
	if err != nil {
		return nil, err
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if e, ok := c.files[file]; ok && sameFileVersion(e.info, info) {
		return e.db, nil
	}
	db, err := parseKnownHosts(file)
	if err != nil {
		return nil, err
	}
	if c.files == nil {
		c.files = map[string]cachedKnownHosts{}
	}
	c.files[file] = cachedKnownHosts{info: info, db: db}
	return db, nil
}

// sameFileVersion reports whether a and b are the same file, unchanged
// (same inode, size and modification time).
func sameFileVersion(a, b fs.FileInfo) bool {
	return os.SameFile(a, b) && a.Size() == b.Size() && a.ModTime().Equal(b.ModTime())
}

// algorithms is the HostKeyAlgorithms list for the handshake.
func (hk *hostKeys) algorithms() []string {
	var types []string
	for _, k := range hk.known {
		types = append(types, k.Key.Type())
	}
	return hostKeyAlgorithms(types, hk.hasCA)
}

// callback is the ssh.HostKeyCallback for the handshake. Errors it returns
// are *HostKeyError (wrapping ErrHostKeyUnknown or ErrHostKeyMismatch), so
// they survive x/crypto's wrapping and callers can errors.Is them.
func (hk *hostKeys) callback(hostname string, remote net.Addr, key ssh.PublicKey) error {
	var err error = &knownhosts.KeyError{}
	if hk.check != nil {
		err = hk.check(hostname, remote, key)
	}
	if err == nil {
		return nil
	}
	var keyErr *knownhosts.KeyError
	if errors.As(err, &keyErr) {
		// A host covered only by a CA that shows a plain key is as unknown
		// as one without entries, as in OpenSSH.
		want := withoutCALines(keyErr.Want, hk.caLines)
		switch {
		case len(want) > 0:
			return hk.keyError(ErrHostKeyMismatch, hostname, key, want, "")
		case hk.mode == HostKeyAcceptNew:
			return hk.acceptNew(hostname, key)
		default:
			return hk.keyError(ErrHostKeyUnknown, hostname, key, nil, "")
		}
	}
	var revoked *knownhosts.RevokedError
	if errors.As(err, &revoked) {
		return hk.keyError(ErrHostKeyMismatch, hostname, key, []knownhosts.KnownKey{revoked.Revoked}, "key is revoked")
	}
	// Anything else is a certificate that a trusted CA covers but that does
	// not verify (expired, wrong principal, bad signature).
	return hk.keyError(ErrHostKeyMismatch, hostname, key, hk.known, err.Error())
}

func (hk *hostKeys) keyError(sentinel error, hostname string, key ssh.PublicKey, want []knownhosts.KnownKey, reason string) error {
	e := &HostKeyError{
		Err:         sentinel,
		Host:        knownhosts.Normalize(hostname),
		KeyType:     key.Type(),
		Fingerprint: ssh.FingerprintSHA256(key),
		KnownHosts:  hk.file,
		Reason:      reason,
	}
	for _, w := range want {
		e.Known = append(e.Known, fmt.Sprintf("%s:%d: %s %s", w.Filename, w.Line, w.Key.Type(), ssh.FingerprintSHA256(w.Key)))
	}
	return e
}

// probeKnown asks knownhosts which keys it holds for addr by checking a key
// that cannot be in the file: the resulting KeyError lists every entry that
// matches the host, including [host]:port and hashed ones, so this stays
// exactly as precise as the verification itself.
func probeKnown(check ssh.HostKeyCallback, addr string) ([]knownhosts.KnownKey, error) {
	dummy, err := throwawayKey()
	if err != nil {
		return nil, err
	}
	err = check(addr, probeRemote(), dummy)
	var keyErr *knownhosts.KeyError
	if !errors.As(err, &keyErr) {
		return nil, fmt.Errorf("probe known_hosts for %s: %w", addr, err)
	}
	return keyErr.Want, nil
}

// probeRemote stands in for the remote address when we call the knownhosts
// callback ourselves; knownhosts checks the hostname it is given instead,
// so this (TEST-NET) address is never matched.
func probeRemote() net.Addr {
	return &net.TCPAddr{IP: net.IPv4(192, 0, 2, 1), Port: 22}
}

func throwawayKey() (ssh.PublicKey, error) {
	pub, _, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		return nil, fmt.Errorf("generate probe key: %w", err)
	}
	return ssh.NewPublicKey(pub)
}

// certAuthorities returns the CA keys of file's @cert-authority lines,
// whatever hosts they are for (probeCA does the host matching), and those
// lines' numbers: knownhosts lists CA lines among a host's known keys, which
// would make a CA's key type look like a recorded host key type.
func certAuthorities(file string) ([]ssh.PublicKey, map[int]bool, error) {
	f, err := os.Open(file)
	if err != nil {
		return nil, nil, fmt.Errorf("read known_hosts: %w", err)
	}
	defer f.Close()
	var cas []ssh.PublicKey
	lines := map[int]bool{}
	sc := bufio.NewScanner(f)
	for n := 1; sc.Scan(); n++ {
		marker, _, key, _, _, err := ssh.ParseKnownHosts(sc.Bytes())
		if err == nil && marker == "cert-authority" {
			cas = append(cas, key)
			lines[n] = true
		}
	}
	if err := sc.Err(); err != nil {
		return nil, nil, fmt.Errorf("read known_hosts: %w", err)
	}
	return cas, lines, nil
}

// withoutCALines drops @cert-authority entries from knownhosts' list.
func withoutCALines(keys []knownhosts.KnownKey, caLines map[int]bool) []knownhosts.KnownKey {
	var out []knownhosts.KnownKey
	for _, k := range keys {
		if !caLines[k.Line] {
			out = append(out, k)
		}
	}
	return out
}
