package agent

import (
	"context"
	"crypto/subtle"
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"strconv"
	"time"

	"github.com/fleetdeploy/fleet/bundle"
)

// ServeReleaseArgs has the agent serve an installed release's binary to
// the other hosts of a rollout (strategy.distribute: peers) over HTTP on
// Address, at the first free port of FirstPort..LastPort, until the
// session ends. Only requests carrying "Authorization: Bearer <Token>"
// get it. The token is the rollout's secret: never logged, journalled or
// shown. The fetching agent checks the sha256 before anything lands, so
// plain HTTP only risks wasted time, never wrong bytes.
type ServeReleaseArgs struct {
	Version   string `json:"version"`
	Address   string `json:"address"`
	FirstPort int    `json:"first_port"`
	LastPort  int    `json:"last_port"`
	Token     string `json:"token"`
}

// ServeReleaseResult says where the release is served: Port on the
// address asked, at Path (/releases/<v>/<binary>).
type ServeReleaseResult struct {
	Port int    `json:"port"`
	Path string `json:"path"`
}

// Peer serving limits: the token is 32 random bytes in hex.
const (
	peerTokenLen      = 64
	peerHeaderTimeout = 10 * time.Second
)

// peerServer is the HTTP server of serve_release; session.close stops it.
type peerServer struct {
	srv     *http.Server
	version string
	res     ServeReleaseResult
}

func (s *session) serveRelease(_ context.Context, a ServeReleaseArgs) (ServeReleaseResult, error) {
	if err := s.validateServeRelease(a); err != nil {
		return ServeReleaseResult{}, err
	}
	if s.peer != nil {
		if s.peer.version == a.Version {
			return s.peer.res, nil
		}
		return ServeReleaseResult{}, errorf(CodeBadRequest, "serve_release %s: this session already serves %s", a.Version, s.peer.version)
	}
	m, err := s.layout.readRelease(a.Version)
	if errors.Is(err, os.ErrNotExist) {
		return ServeReleaseResult{}, errorf(CodeNotFound, "serve_release %s: not installed on this host", a.Version)
	}
	if err != nil {
		return ServeReleaseResult{}, ioError("serve_release", err)
	}
	if m.Format != bundle.Binary {
		// The bundle's archive is not kept once unpacked.
		return ServeReleaseResult{}, errorf(CodeBadRequest, "serve_release %s: a %s bundle cannot be served to peers, only a bare binary", a.Version, m.Format)
	}
	ln, err := listenFirst(a.Address, a.FirstPort, a.LastPort)
	if err != nil {
		return ServeReleaseResult{}, ioError("serve_release", err)
	}
	path := "/" + releasesDir + "/" + a.Version + "/" + s.spec.Binary
	h := &peerHandler{path: path, file: s.layout.binary(a.Version, s.spec.Binary), token: []byte(a.Token)}
	srv := &http.Server{Handler: h, ReadHeaderTimeout: peerHeaderTimeout}
	go func() { _ = srv.Serve(ln) }()
	res := ServeReleaseResult{Port: ln.Addr().(*net.TCPAddr).Port, Path: path}
	s.peer = &peerServer{srv: srv, version: a.Version, res: res}
	s.log.Info("serving the release to peers", keyVersion, a.Version, "address", ln.Addr().String())
	return res, nil
}

func (s *session) validateServeRelease(a ServeReleaseArgs) error {
	if err := ValidateVersion(a.Version); err != nil {
		return errorf(CodeBadRequest, "serve_release: %w", err)
	}
	if len(a.Token) < peerTokenLen {
		return errorf(CodeBadRequest, "serve_release: the token must be at least %d characters", peerTokenLen)
	}
	if a.Address == "" || a.FirstPort < 1 || a.LastPort > 65535 || a.FirstPort > a.LastPort {
		return errorf(CodeBadRequest, "serve_release: address %q, ports %d-%d: want an address and 1 <= first <= last <= 65535",
			a.Address, a.FirstPort, a.LastPort)
	}
	return nil
}

// listenFirst listens on the first port of first..last that is free.
func listenFirst(addr string, first, last int) (net.Listener, error) {
	var errs []error
	for p := first; p <= last; p++ {
		ln, err := net.Listen("tcp", net.JoinHostPort(addr, strconv.Itoa(p)))
		if err == nil {
			return ln, nil
		}
		errs = append(errs, err)
	}
	return nil, fmt.Errorf("no port of %d-%d free on %s: %w", first, last, addr, errors.Join(errs...))
}

// stopPeer ends serve_release's server with the session.
func (s *session) stopPeer() {
	if s.peer == nil {
		return
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Second)
	defer cancel()
	if err := s.peer.srv.Shutdown(ctx); err != nil {
		_ = s.peer.srv.Close() // a peer still downloading falls back
	}
	s.peer = nil
}

// peerHandler serves one file, at one path, to holders of the token.
type peerHandler struct {
	path  string
	file  string
	token []byte
}

func (h *peerHandler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	got, ok := bearer(r.Header.Get("Authorization"))
	if !ok || subtle.ConstantTimeCompare(got, h.token) != 1 {
		http.Error(w, "a peer token is required", http.StatusUnauthorized)
		return
	}
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		http.Error(w, "GET only", http.StatusMethodNotAllowed)
		return
	}
	if r.URL.Path != h.path {
		http.NotFound(w, r)
		return
	}
	f, err := os.Open(h.file)
	if err != nil {
		http.Error(w, "the release is gone", http.StatusNotFound)
		return
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		http.Error(w, "the release cannot be read", http.StatusInternalServerError)
		return
	}
	http.ServeContent(w, r, "", fi.ModTime(), f)
}

func bearer(v string) ([]byte, bool) {
	const prefix = "Bearer "
	if len(v) <= len(prefix) || v[:len(prefix)] != prefix {
		return nil, false
	}
	return []byte(v[len(prefix):]), true
}
