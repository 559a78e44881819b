package agent_test

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/fleetdeploy/fleet/agent"
	"github.com/fleetdeploy/fleet/appspec"
)

// store is an artifact store on loopback: it serves body at every path,
// with range requests when ranges is set, and fails requests as plan
// says: plan[i] is what request i+1 gets ("ok", "503", "404", "cut":
// half the body, then the connection closes).
type store struct {
	body   []byte
	ranges bool
	plan   []string

	mu       sync.Mutex
	requests []*http.Request
	served   int64
}

func (st *store) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	st.mu.Lock()
	n := len(st.requests)
	st.requests = append(st.requests, r.Clone(context.Background()))
	what := "ok"
	if n < len(st.plan) {
		what = st.plan[n]
	}
	st.mu.Unlock()
	if st.ranges {
		w.Header().Set("Accept-Ranges", "bytes")
	}
	switch what {
	case "503":
		http.Error(w, "busy", http.StatusServiceUnavailable)
	case "404":
		http.Error(w, "no such artifact", http.StatusNotFound)
	case "403":
		http.Error(w, "signature does not match", http.StatusForbidden)
	case "cut":
		half := len(st.body) / 2
		w.Header().Set("Content-Length", fmt.Sprint(len(st.body)))
		w.WriteHeader(http.StatusOK)
		_, _ = w.Write(st.body[:half])
		w.(http.Flusher).Flush()
		st.count(int64(half))
		conn, _, err := http.NewResponseController(w).Hijack()
		if err == nil {
			_ = conn.Close()
		}
	default:
		cw := &countWriter{ResponseWriter: w, st: st}
		if st.ranges {
			http.ServeContent(cw, r, "", time.Time{}, bytes.NewReader(st.body))
			return
		}
		_, _ = cw.Write(st.body)
	}
}

func (st *store) count(n int64) {
	st.mu.Lock()
	defer st.mu.Unlock()
	st.served += n
}

func (st *store) seen() []*http.Request {
	st.mu.Lock()
	defer st.mu.Unlock()
	return append([]*http.Request(nil), st.requests...)
}

type countWriter struct {
	http.ResponseWriter
	st *store
}

func (c *countWriter) Write(p []byte) (int, error) {
	n, err := c.ResponseWriter.Write(p)
	c.st.count(int64(n))
	return n, err
}

// fetchHost is a host whose backoff waits are recorded and skipped, with
// its log and its output (all the controller gets) kept.
type fetchHost struct {
	*host
	mu    sync.Mutex
	waits []time.Duration
	log   bytes.Buffer
	out   bytes.Buffer
}

func newFetchHost(t *testing.T) *fetchHost {
	h := &fetchHost{host: newHost(t)}
	h.logger = slog.New(slog.NewTextHandler(&syncWriter{w: &h.log, mu: &h.mu}, &slog.HandlerOptions{Level: slog.LevelDebug}))
	h.transcript = &syncWriter{w: &h.out, mu: &h.mu}
	return h
}

type syncWriter struct {
	w  io.Writer
	mu *sync.Mutex
}

func (s *syncWriter) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.w.Write(p)
}

// open is host.open with the backoff timer replaced.
func (h *fetchHost) open(t *testing.T) *agent.Client {
	t.Helper()
	inR, inW := io.Pipe()
	outR, outW := io.Pipe()
	deps := h.deps()
	deps.NewTimer = func(d time.Duration) (<-chan time.Time, func()) {
		h.mu.Lock()
		h.waits = append(h.waits, d)
		h.mu.Unlock()
		c := make(chan time.Time, 1)
		c <- time.Time{}
		return c, func() {}
	}
	done := make(chan error, 1)
	go func() {
		done <- agent.Serve(context.Background(), inR, io.MultiWriter(outW, h.transcript), deps)
		_ = outW.Close()
	}()
	c := agent.NewClient(inW, outR)
	t.Cleanup(func() {
		_ = c.Close()
		_ = outR.Close()
		if err := <-done; err != nil {
			t.Errorf("Serve: %v", err)
		}
	})
	ctx := context.Background()
	if _, err := c.Hello(ctx, h.hello()); err != nil {
		t.Fatal(err)
	}
	if _, err := c.Lock(ctx); err != nil {
		t.Fatal(err)
	}
	return c
}

func (h *fetchHost) backoffs() []time.Duration {
	h.mu.Lock()
	defer h.mu.Unlock()
	return append([]time.Duration(nil), h.waits...)
}

func serve(t *testing.T, st *store) string {
	srv := httptest.NewServer(st)
	t.Cleanup(srv.Close)
	return srv.URL
}

var artifact = bytes.Repeat([]byte("fleet artifact "), 10_000) // 150 kB

func fetchArgs(url string) agent.FetchArgs {
	return agent.FetchArgs{Version: "2", SHA256: sum(string(artifact)), URL: url, AllowHTTP: true}
}

// installed reads the release's binary back.
func installed(t *testing.T, root, v string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(root, "releases", v, testBinary))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func incomingEmpty(t *testing.T, root string) {
	t.Helper()
	entries, _ := os.ReadDir(filepath.Join(root, ".incoming"))
	if len(entries) != 0 {
		t.Errorf(".incoming holds %d entries after the fetch, want none", len(entries))
	}
}

func TestFetch_RetriesA503ThenInstalls(t *testing.T) {
	h := newFetchHost(t)
	st := &store{body: artifact, plan: []string{"503", "503"}}
	c := h.open(t)
	var events []agent.Event
	r, err := c.Fetch(context.Background(), fetchArgs(serve(t, st)+"/hello-v2"), func(e agent.Event) { events = append(events, e) })
	if err != nil {
		t.Fatal(err)
	}
	if r.Attempts != 3 || r.Release.SHA256 != sum(string(artifact)) || r.Release.Size != int64(len(artifact)) {
		t.Errorf("result %+v, want 3 attempts and the artifact's sha256 and size", r)
	}
	if got := installed(t, h.root, "2"); !bytes.Equal(got, artifact) {
		t.Errorf("installed %d bytes, want the artifact's %d", len(got), len(artifact))
	}
	if w := h.backoffs(); len(w) != 2 || w[0] != time.Second || w[1] != 2*time.Second {
		t.Errorf("backoff waits %v, want [1s 2s]", w)
	}
	if len(events) != 2 || events[0].Kind != agent.EventFetch || !strings.Contains(events[0].Message, "HTTP 503") {
		t.Errorf("events %+v, want two fetch retries naming HTTP 503", events)
	}
	incomingEmpty(t, h.root)
}

func TestFetch_ResumesACutConnectionByRange(t *testing.T) {
	h := newFetchHost(t)
	st := &store{body: artifact, ranges: true, plan: []string{"cut"}}
	c := h.open(t)
	r, err := c.Fetch(context.Background(), fetchArgs(serve(t, st)+"/hello-v2"), nil)
	if err != nil {
		t.Fatal(err)
	}
	reqs := st.seen()
	if len(reqs) != 2 || reqs[1].Header.Get("Range") != fmt.Sprintf("bytes=%d-", len(artifact)/2) {
		t.Fatalf("requests %d, second Range %q: want a resume from byte %d", len(reqs), reqs[len(reqs)-1].Header.Get("Range"), len(artifact)/2)
	}
	if st.served != int64(len(artifact)) || r.Bytes != int64(len(artifact)) {
		t.Errorf("served %d, received %d bytes, want each byte once (%d)", st.served, r.Bytes, len(artifact))
	}
	if got := installed(t, h.root, "2"); !bytes.Equal(got, artifact) {
		t.Errorf("installed %d bytes differ from the artifact", len(got))
	}
}

func TestFetch_RestartsWhenTheServerTakesNoRanges(t *testing.T) {
	h := newFetchHost(t)
	st := &store{body: artifact, plan: []string{"cut"}}
	c := h.open(t)
	if _, err := c.Fetch(context.Background(), fetchArgs(serve(t, st)+"/a"), nil); err != nil {
		t.Fatal(err)
	}
	reqs := st.seen()
	if len(reqs) != 2 || reqs[1].Header.Get("Range") != "" {
		t.Fatalf("%d requests, second Range %q: want a whole second request", len(reqs), reqs[len(reqs)-1].Header.Get("Range"))
	}
	if got := installed(t, h.root, "2"); !bytes.Equal(got, artifact) {
		t.Errorf("installed %d bytes differ from the artifact", len(got))
	}
}

func TestFetch_404IsNotRetriedAndLeavesNothing(t *testing.T) {
	h := newFetchHost(t)
	st := &store{body: artifact, plan: []string{"404"}}
	c := h.open(t)
	url := serve(t, st) + "/missing"
	_, err := c.Fetch(context.Background(), fetchArgs(url), nil)
	e := wantCode(t, err, agent.CodeFetchFailed)
	for _, want := range []string{"HTTP 404 Not Found", url, "not retried"} {
		if !strings.Contains(e.Message, want) {
			t.Errorf("error %q does not say %q", e.Message, want)
		}
	}
	if n := len(st.seen()); n != 1 || len(h.backoffs()) != 0 {
		t.Errorf("%d requests, %d waits: want 1 and none", n, len(h.backoffs()))
	}
	if got := releaseDirs(t, h.root); len(got) != 0 {
		t.Errorf("releases/ %v, want empty", got)
	}
	incomingEmpty(t, h.root)
}

func TestFetch_GivesUpAfterItsAttempts(t *testing.T) {
	h := newFetchHost(t)
	st := &store{body: artifact, plan: []string{"503", "503", "503"}}
	c := h.open(t)
	a := fetchArgs(serve(t, st) + "/a")
	a.Attempts = 3
	_, err := c.Fetch(context.Background(), a, nil)
	e := wantCode(t, err, agent.CodeFetchFailed)
	if !strings.Contains(e.Message, "gave up after 3 attempts: HTTP 503") || len(st.seen()) != 3 {
		t.Errorf("error %q after %d requests, want 3 attempts ending in HTTP 503", e.Message, len(st.seen()))
	}
}

func TestFetch_WrongChecksumInstallsNothing(t *testing.T) {
	h := newFetchHost(t)
	st := &store{body: []byte("not the build you are looking for")}
	c := h.open(t)
	_, err := c.Fetch(context.Background(), fetchArgs(serve(t, st)+"/a"), nil)
	e := wantCode(t, err, agent.CodeChecksumMismatch)
	if !strings.Contains(e.Message, "nothing was installed") {
		t.Errorf("error %q", e.Message)
	}
	if got := releaseDirs(t, h.root); len(got) != 0 {
		t.Errorf("releases/ %v, want empty", got)
	}
	incomingEmpty(t, h.root)
}

func TestFetch_RedactsCredentialsAndQuery(t *testing.T) {
	h := newFetchHost(t)
	st := &store{body: artifact, plan: []string{"403"}}
	c := h.open(t)
	base := serve(t, st)
	url := strings.Replace(base, "http://", "http://deploy:hunter2@", 1) + "/a?X-Amz-Signature=SECRETSIG&X-Amz-Credential=AKIAXX"
	_, err := c.Fetch(context.Background(), fetchArgs(url), nil)
	e := wantCode(t, err, agent.CodeFetchFailed)
	if want := base + "/a?…"; !strings.Contains(e.Message, want) || !strings.Contains(e.Message, "HTTP 403") {
		t.Errorf("error %q does not name %s and HTTP 403", e.Message, want)
	}
	if reqs := st.seen(); len(reqs) != 1 || reqs[0].URL.Query().Get("X-Amz-Signature") != "SECRETSIG" {
		t.Fatalf("the store did not get the presigned query: %v", reqs)
	}
	j, err := c.Journal(context.Background(), agent.JournalArgs{})
	if err != nil {
		t.Fatal(err)
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	for what, text := range map[string]string{"error": err2s(e), "log": h.log.String(), "output": h.out.String(), "journal": fmt.Sprint(j)} {
		for _, secret := range []string{"SECRETSIG", "AKIAXX", "hunter2"} {
			if strings.Contains(text, secret) {
				t.Errorf("the agent's %s holds %q:\n%s", what, secret, text)
			}
		}
	}
	if !strings.Contains(h.log.String(), base+"/a?…") {
		t.Errorf("the log does not name the redacted URL:\n%s", h.log.String())
	}
}

func err2s(e *agent.Error) string { return e.Error() }

func TestFetch_RefusesHTTPUnlessAllowedAndChecksBeforeAnyRequest(t *testing.T) {
	h := newFetchHost(t)
	st := &store{body: artifact}
	c := h.open(t)
	url := serve(t, st) + "/a"
	a := fetchArgs(url)
	a.AllowHTTP = false
	_, err := c.Fetch(context.Background(), a, nil)
	if e := wantCode(t, err, agent.CodeBadRequest); !strings.Contains(e.Message, "--allow-http") {
		t.Errorf("error %q does not say how to allow http", e.Message)
	}
	// Installed with other bytes: a conflict, found before any request.
	stage(t, c, "1", "first build")
	a = fetchArgs(url)
	a.Version = "1"
	_, err = c.Fetch(context.Background(), a, nil)
	wantCode(t, err, agent.CodeVersionConflict)
	// Installed with these bytes: present, not fetched again.
	if _, err := c.Fetch(context.Background(), fetchArgs(url), nil); err != nil {
		t.Fatal(err)
	}
	r, err := c.Fetch(context.Background(), fetchArgs(url), nil)
	if err != nil || !r.Present {
		t.Errorf("second fetch: %+v, %v, want present", r, err)
	}
	if n := len(st.seen()); n != 1 {
		t.Errorf("the store got %d requests, want 1 (refusals and a present release ask nothing)", n)
	}
}

func TestFetch_Bundle(t *testing.T) {
	h := newFetchHost(t)
	archive := tarGz(t, tarEnt{name: testBinary, body: "#!/bin/sh\n", mode: 0o755})
	st := &store{body: archive}
	c := h.open(t)
	a := agent.FetchArgs{Version: "3", SHA256: sum(string(archive)), URL: serve(t, st) + "/app.tar.gz", Format: "tar.gz", AllowHTTP: true}
	if _, err := c.Fetch(context.Background(), a, nil); err != nil {
		t.Fatal(err)
	}
	if got := installed(t, h.root, "3"); string(got) != "#!/bin/sh\n" {
		t.Errorf("app.binary from the bundle: %q", got)
	}
}

func TestFetch_NeedsTheLock(t *testing.T) {
	h := newHost(t)
	s := h.start(t)
	if _, err := s.c.Hello(context.Background(), h.hello()); err != nil {
		t.Fatal(err)
	}
	_, err := s.c.Fetch(context.Background(), fetchArgs("https://store.invalid/a"), nil)
	wantCode(t, err, agent.CodeBadRequest)
}

func TestRedactURL(t *testing.T) {
	for in, want := range map[string]string{
		"https://store.example/r/app-v2":                           "https://store.example/r/app-v2",
		"https://u:p@store.example/r/app?X-Amz-Signature=abc#frag": "https://store.example/r/app?…",
		"https://store.example/r/app?":                             "https://store.example/r/app?…",
		"https://store.example:8443/a%20b":                         "https://store.example:8443/a%20b",
		"http://[::1]:80/x?token=t":                                "http://[::1]:80/x?…",
		"https://u:p@exa mple/?t=secret":                           "(an unparsable URL)",
	} {
		if got := agent.RedactURL(in); got != want {
			t.Errorf("RedactURL(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestValidateFetchURL(t *testing.T) {
	for _, tc := range []struct {
		url   string
		allow bool
		bad   string // "" when valid
	}{
		{"https://store.example/a", false, ""},
		{"http://store.example/a", true, ""},
		{"http://store.example/a?sig=SECRET", false, "--allow-http"},
		{"ftp://store.example/a", true, `scheme "ftp"`},
		{"store.example/a", true, "want https://host/path"},
		{"https:///a", true, "want https://host/path"},
		{"file:///etc/passwd", true, "want https://host/path"},
	} {
		err := agent.ValidateFetchURL(tc.url, tc.allow)
		switch {
		case tc.bad == "" && err != nil:
			t.Errorf("%s: %v", tc.url, err)
		case tc.bad != "" && (err == nil || !strings.Contains(err.Error(), tc.bad)):
			t.Errorf("%s: %v, want an error saying %q", tc.url, err, tc.bad)
		case err != nil && strings.Contains(err.Error(), "SECRET"):
			t.Errorf("%s: the error shows the query: %v", tc.url, err)
		}
	}
}

// A server that goes silent mid-body (a peer powered off) ends the
// attempt after FetchArgs.Stall, not the default 30 s, and nothing lands.
func TestFetch_StallEndsASilentAttempt(t *testing.T) {
	h := newFetchHost(t)
	silent := make(chan struct{})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Length", fmt.Sprint(len(artifact)))
		_, _ = w.Write(artifact[:len(artifact)/2])
		w.(http.Flusher).Flush()
		<-silent
	}))
	t.Cleanup(srv.Close)
	t.Cleanup(func() { close(silent) })
	c := h.open(t)
	a := fetchArgs(srv.URL + "/hello-v2")
	a.Attempts, a.Stall = 1, appspec.Duration(200*time.Millisecond)
	start := time.Now()
	_, err := c.Fetch(context.Background(), a, nil)
	if err == nil || !strings.Contains(err.Error(), "nothing received for 200ms") {
		t.Fatalf("fetch from a silent server: %v, want nothing received for 200ms", err)
	}
	if took := time.Since(start); took > 10*time.Second {
		t.Errorf("the silent attempt ended after %s, want about the 200ms stall", took)
	}
	if _, err := os.Stat(filepath.Join(h.root, "releases", "2")); err == nil {
		t.Error("release 2 installed from a silent server")
	}
	incomingEmpty(t, h.root)
}
