package deploy_test

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/fleetdeploy/fleet/agent"
	"github.com/fleetdeploy/fleet/bundle"
	"github.com/fleetdeploy/fleet/deploy"
	"github.com/fleetdeploy/fleet/hostsim"
	"github.com/fleetdeploy/fleet/plan"
)

// artifactStore serves body at /hello-v2 and, when sidecar is set, it at
// /hello-v2.sha256; it counts the requests per path.
type artifactStore struct {
	body    []byte
	sidecar string

	mu   sync.Mutex
	gets map[string]int
}

func (s *artifactStore) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	s.gets[r.URL.Path]++
	s.mu.Unlock()
	switch {
	case r.URL.Path == "/hello-v2":
		_, _ = w.Write(s.body)
	case r.URL.Path == "/hello-v2.sha256" && s.sidecar != "":
		_, _ = fmt.Fprint(w, s.sidecar)
	default:
		http.NotFound(w, r)
	}
}

func (s *artifactStore) count(path string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.gets[path]
}

func newArtifactStore(t *testing.T, body []byte, sidecar string) (*artifactStore, string) {
	s := &artifactStore{body: body, sidecar: sidecar, gets: map[string]int{}}
	srv := httptest.NewServer(s)
	t.Cleanup(srv.Close)
	return s, srv.URL
}

func sha(b []byte) string {
	s := sha256.Sum256(b)
	return hex.EncodeToString(s[:])
}

// TestRollout_FetchFromURL: with a URL artifact every host downloads the
// release itself (sha256 from the sidecar); the controller uploads none
// of it, and nothing fleet shows holds the URL's query.
func TestRollout_FetchFromURL(t *testing.T) {
	body := bytes.Repeat([]byte("hello v2\n"), 200_000) // 1.8 MB
	store, base := newArtifactStore(t, body, sha(body)+"  hello-v2\n")
	f := hostsim.New(t, 2, hostsim.Options{})
	evs := &events{}
	o := simOptions(t, f, "", evs)
	url := base + "/hello-v2?X-Amz-Signature=SECRETSIG"
	o.CommandLine = "fleet rollout --artifact " + url + " --sha256=x --artifact=" + url
	a, err := deploy.OpenReleaseFlags(t.Context(), deploy.ReleaseFlags{Artifact: url, Version: "v2", AllowHTTP: true}, "hello", nil)
	if err != nil {
		t.Fatal(err)
	}
	if a.SHA256 != sha(body) || a.Size != 0 || a.Format != bundle.Binary || a.Provenance.NoBuildInfo == "" {
		t.Fatalf("OpenReleaseFlags = %+v", a)
	}
	o.Artifact = a
	rep, err := deploy.Plan(t.Context(), o)
	if err != nil {
		t.Fatal(err)
	}
	for _, h := range f.Hosts() {
		if u := rep.Uploads[h.Name()]; !u.Fetch || u.Bytes != 0 {
			t.Errorf("plan for %s: %+v, want a fetch", h.Name(), u)
		}
	}
	if ev := rep.Events()[0]; !strings.Contains(ev.Message, "hosts fetch it from "+base+"/hello-v2?…") {
		t.Errorf("plan event %q does not say the hosts fetch", ev.Message)
	}

	rec, err := deploy.Rollout(t.Context(), o)
	if err != nil || rec.Result.Err() != nil {
		t.Fatalf("rollout: %v %+v", err, rec.Result)
	}
	for _, h := range f.Hosts() {
		if h.Current() != "v2" {
			t.Errorf("%s: current %q, want v2", h.Name(), h.Current())
		}
		got, err := os.ReadFile(filepath.Join(h.AppRoot(), "releases", "v2", "hello"))
		if err != nil || !bytes.Equal(got, body) {
			t.Errorf("%s: releases/v2/hello: %d bytes, %v", h.Name(), len(got), err)
		}
		for _, e := range h.JournalEntries(t) {
			if strings.Contains(fmt.Sprint(e), "SECRETSIG") {
				t.Errorf("%s: journal entry holds the URL's query: %+v", h.Name(), e)
			}
			if e.Op == agent.OpLock && e.Command != "fleet rollout --artifact "+base+"/hello-v2?… --sha256=x --artifact="+base+"/hello-v2?…" {
				t.Errorf("%s: journalled command %q", h.Name(), e.Command)
			}
		}
		if n := h.BytesReceived(); n >= int64(len(body)) {
			t.Errorf("%s: the controller sent %d bytes by SFTP, more than the artifact's %d", h.Name(), n, len(body))
		}
	}
	if n := store.count("/hello-v2"); n != 2 {
		t.Errorf("the store served the artifact %d times, want once per host", n)
	}
	if n := store.count("/hello-v2.sha256"); n != 1 {
		t.Errorf("the store served the sidecar %d times, want once (the controller)", n)
	}
	var fetches int
	for _, ev := range evs.evs {
		data, _ := json.Marshal(ev)
		if strings.Contains(string(data), "SECRETSIG") {
			t.Errorf("event holds the URL's query: %s", data)
		}
		switch {
		case ev.Kind == deploy.KindUploadProgress || ev.Kind == deploy.KindHostStep && ev.Step == "upload":
			t.Errorf("upload event: %s", data)
		case ev.Kind == deploy.KindStaged && ev.Bytes != 0:
			t.Errorf("staged event with bytes: %s", data)
		case ev.Kind == deploy.KindHostStep && ev.Step == "fetch":
			fetches++
		}
	}
	if fetches != 2 {
		t.Errorf("%d host_step fetch events, want one per host", fetches)
	}
}

// TestRollout_FetchWrongSHA256: the hosts refuse other bytes; the error
// names each host and nothing is installed or changed.
func TestRollout_FetchWrongSHA256(t *testing.T) {
	body := []byte("hello v2\n")
	_, base := newArtifactStore(t, body, "")
	f := hostsim.New(t, 2, hostsim.Options{})
	o := simOptions(t, f, "", &events{})
	var err error
	o.Artifact, err = deploy.OpenReleaseFlags(t.Context(), deploy.ReleaseFlags{Artifact: base + "/hello-v2?token=SECRET", Version: "v2",
		SHA256: strings.Repeat("ab", 32), AllowHTTP: true}, "hello", nil)
	if err != nil {
		t.Fatal(err)
	}
	_, err = deploy.Rollout(t.Context(), o)
	if !errors.Is(err, agent.CodeChecksumMismatch) || strings.Contains(err.Error(), "SECRET") {
		t.Fatalf("rollout: %v, want checksum_mismatch without the query", err)
	}
	var he *plan.HostError
	if !errors.As(err, &he) || !strings.Contains(err.Error(), base+"/hello-v2?…") {
		t.Errorf("error %v: want it to name the host and the redacted URL", err)
	}
	for _, h := range f.Hosts() {
		if rels := h.Releases(); len(rels) != 0 || h.Current() != "" {
			t.Errorf("%s: releases %v, current %q after a refused fetch", h.Name(), rels, h.Current())
		}
	}
}

// TestOpenURLRelease_Refusals: what a user gets wrong is refused on the
// controller before any host is contacted, naming the flag.
func TestOpenURLRelease_Refusals(t *testing.T) {
	store, base := newArtifactStore(t, []byte("x"), "")
	good := strings.Repeat("0", 64)
	for _, tc := range []struct {
		name string
		f    deploy.ReleaseFlags
		want string
	}{
		{"http without the flag", deploy.ReleaseFlags{Artifact: base + "/hello-v2?sig=SECRET", Version: "v2", SHA256: good}, "--allow-http"},
		{"no version", deploy.ReleaseFlags{Artifact: base + "/hello-v2", SHA256: good, AllowHTTP: true}, "--version: required with a URL"},
		{"bad version", deploy.ReleaseFlags{Artifact: base + "/hello-v2", Version: "../x", SHA256: good, AllowHTTP: true}, "--version"},
		{"short sha256", deploy.ReleaseFlags{Artifact: base + "/hello-v2", Version: "v2", SHA256: "abc", AllowHTTP: true}, "--sha256: want 64"},
		{"no sidecar", deploy.ReleaseFlags{Artifact: base + "/nothing?sig=SECRET", Version: "v2", AllowHTTP: true}, "HTTP 404 Not Found: give --sha256"},
		{"bad revision", deploy.ReleaseFlags{Artifact: base + "/hello-v2", Version: "v2", SHA256: good, AllowHTTP: true, Revision: "main"}, "--revision"},
		{"ftp", deploy.ReleaseFlags{Artifact: "ftp://store/hello", Version: "v2", SHA256: good}, `scheme "ftp"`},
	} {
		_, err := deploy.OpenReleaseFlags(t.Context(), tc.f, "hello", nil)
		if err == nil || !strings.Contains(err.Error(), tc.want) || strings.Contains(err.Error(), "SECRET") {
			t.Errorf("%s: %v, want an error saying %q (without the query)", tc.name, err, tc.want)
		}
	}
	if n := store.count("/hello-v2") + store.count("/hello-v2.sha256"); n != 0 {
		t.Errorf("the store got %d requests, want none", n)
	}
	_, err := deploy.OpenReleaseFlags(t.Context(), deploy.ReleaseFlags{Artifact: base + "/hello-v2", Version: "v2"}, "hello", nil)
	if !errors.Is(err, agent.ErrInsecureURL) {
		t.Errorf("http URL: %v, want ErrInsecureURL", err)
	}
}

func TestOpenURLRelease_SidecarAndFormat(t *testing.T) {
	for _, tc := range []struct{ sidecar, want string }{
		{"", "HTTP 404"},
		{"not a checksum\n", "does not start with a sha256"},
		{strings.Repeat("a", 64) + strings.Repeat(" ", 5000), "at most 4096 bytes"},
	} {
		_, base := newArtifactStore(t, []byte("x"), tc.sidecar)
		_, err := deploy.OpenReleaseFlags(t.Context(), deploy.ReleaseFlags{Artifact: base + "/hello-v2", Version: "v2", AllowHTTP: true}, "hello", nil)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("sidecar %.20q: %v, want %q", tc.sidecar, err, tc.want)
		}
	}
	a, err := deploy.OpenReleaseFlags(t.Context(), deploy.ReleaseFlags{Artifact: "https://store.example/r/app-2.tar.zst?x=1",
		Version: "2", SHA256: strings.Repeat("AB", 32), Revision: "abcdef12"}, "hello", nil)
	if err != nil || a.Format != bundle.TarZst || a.SHA256 != strings.Repeat("ab", 32) || a.Provenance.Revision() != "abcdef12" {
		t.Errorf("OpenReleaseFlags = %+v, %v", a, err)
	}
}

// TestOpenReleaseFlags_FileWithSHA256: --sha256 with a file checks it.
func TestOpenReleaseFlags_FileWithSHA256(t *testing.T) {
	p := filepath.Join(t.TempDir(), "hello")
	if err := os.WriteFile(p, []byte("hello\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	if _, err := deploy.OpenReleaseFlags(t.Context(), deploy.ReleaseFlags{Artifact: p, Version: "v1", SHA256: sha([]byte("hello\n"))}, "", nil); err != nil {
		t.Errorf("matching --sha256: %v", err)
	}
	_, err := deploy.OpenReleaseFlags(t.Context(), deploy.ReleaseFlags{Artifact: p, Version: "v1", SHA256: strings.Repeat("0", 64)}, "", nil)
	if err == nil || !strings.Contains(err.Error(), "--sha256") {
		t.Errorf("other --sha256: %v", err)
	}
}

// TestOpenArtifact_URLNotEchoed: commands that take only files refuse a
// URL without printing its query.
func TestOpenArtifact_URLNotEchoed(t *testing.T) {
	_, err := deploy.OpenArtifact("https://store.example/app?X-Amz-Signature=SECRET", "")
	if err == nil || strings.Contains(err.Error(), "SECRET") || !strings.Contains(err.Error(), "https://store.example/app?…") {
		t.Errorf("OpenArtifact(URL) = %v", err)
	}
}
