package deploy

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/fleetdeploy/fleet/agent"
	"github.com/fleetdeploy/fleet/bundle"
	"github.com/fleetdeploy/fleet/provenance"
)

// ReleaseFlags is what a rollout or its plan says about the release:
// --artifact (a file, a directory or an http(s) URL), --version,
// --revision, --sha256 and --allow-http.
type ReleaseFlags struct {
	Artifact  string
	Version   string
	Revision  string
	SHA256    string
	AllowHTTP bool
}

// HTTPDoer fetches a URL artifact's .sha256 sidecar; *http.Client is one.
type HTTPDoer interface {
	Do(req *http.Request) (*http.Response, error)
}

// noBuildInfoURL is a URL artifact's provenance: the controller never
// holds its bytes, so nothing is read from them.
const noBuildInfoURL = "fetched by the hosts from a URL; the controller did not read it"

// Sidecar limits: the file is "<hex> [name]" and nothing more.
const (
	maxSidecar     = 4 << 10
	sidecarTimeout = 30 * time.Second
)

// IsURL reports whether --artifact names a URL rather than a path.
func IsURL(artifact string) bool {
	return strings.Contains(artifact, "://")
}

// OpenReleaseFlags is the release of the flags: OpenURLRelease for a URL
// (client fetches its sidecar; nil means agent.NewHTTPClient), else
// OpenAppRelease, whose checksum must then be --sha256 when it is given.
func OpenReleaseFlags(ctx context.Context, f ReleaseFlags, binary string, client HTTPDoer) (Artifact, error) {
	if IsURL(f.Artifact) {
		return OpenURLRelease(ctx, f, client)
	}
	a, err := OpenAppRelease(f.Artifact, f.Version, f.Revision, binary)
	if err == nil && f.SHA256 != "" && !strings.EqualFold(f.SHA256, a.SHA256) {
		err = &OverrideError{Flag: "sha256", Err: fmt.Errorf("%s has sha256 %s, not %s", f.Artifact, a.SHA256, f.SHA256)}
	}
	return a, err
}

// OpenURLRelease is a release the hosts download themselves: nothing of
// it is read here but, without --sha256, the small <url>.sha256 sidecar.
// --version is required (there are no bytes to derive one from), and the
// provenance is --revision's or none. The format comes from the URL
// path's suffix, as a file's from its name.
func OpenURLRelease(ctx context.Context, f ReleaseFlags, client HTTPDoer) (Artifact, error) {
	if err := agent.ValidateFetchURL(f.Artifact, f.AllowHTTP); err != nil {
		return Artifact{}, &OverrideError{Flag: "artifact", Err: err}
	}
	if f.Version == "" {
		return Artifact{}, &OverrideError{Flag: "version", Err: errors.New("required with a URL artifact: the controller never reads its bytes to derive one")}
	}
	if err := agent.ValidateVersion(f.Version); err != nil {
		return Artifact{}, &OverrideError{Flag: "version", Err: err}
	}
	sum := strings.ToLower(f.SHA256)
	if sum == "" {
		var err error
		if sum, err = fetchSidecar(ctx, f.Artifact, client); err != nil {
			return Artifact{}, err
		}
	}
	if !isSHA256(sum) {
		return Artifact{}, &OverrideError{Flag: "sha256", Err: errors.New("want 64 hexadecimal digits")}
	}
	u, _ := url.Parse(f.Artifact) // ValidateFetchURL parsed it
	a := Artifact{URL: f.Artifact, AllowHTTP: f.AllowHTTP, SHA256: sum, Version: f.Version,
		Format: bundle.FormatOf(u.Path, false), Provenance: provenance.Provenance{NoBuildInfo: noBuildInfoURL}}
	return a.WithRevision(f.Revision)
}

// fetchSidecar reads the first word of <url>.sha256 (the suffix goes on
// the path: a query stays a query). A presigned URL's signature does not
// cover the sidecar: give --sha256 then.
func fetchSidecar(ctx context.Context, raw string, client HTTPDoer) (string, error) {
	if client == nil {
		client = agent.NewHTTPClient()
	}
	u, _ := url.Parse(raw)
	u.Path += ".sha256"
	u.RawPath = ""
	shown := agent.RedactURL(u.String())
	ctx, cancel := context.WithTimeout(ctx, sidecarTimeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u.String(), nil)
	if err != nil {
		return "", fmt.Errorf("--sha256 not given and %s cannot be requested", shown)
	}
	resp, err := client.Do(req)
	if err != nil {
		var ue *url.Error
		if errors.As(err, &ue) {
			err = ue.Err // its text holds the whole URL
		}
		return "", fmt.Errorf("--sha256 not given and the sidecar %s could not be fetched: %v", shown, err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return "", fmt.Errorf("--sha256 not given and the sidecar %s answered HTTP %d %s: give --sha256",
			shown, resp.StatusCode, http.StatusText(resp.StatusCode))
	}
	body, err := io.ReadAll(io.LimitReader(resp.Body, maxSidecar+1))
	if err != nil || len(body) > maxSidecar {
		return "", fmt.Errorf("the sidecar %s: want at most %d bytes of \"<sha256> [name]\"", shown, maxSidecar)
	}
	words := strings.Fields(string(body))
	if len(words) == 0 || !isSHA256(strings.ToLower(words[0])) {
		return "", fmt.Errorf("the sidecar %s does not start with a sha256 (64 hexadecimal digits)", shown)
	}
	return strings.ToLower(words[0]), nil
}

func isSHA256(s string) bool {
	if len(s) != 64 {
		return false
	}
	for _, c := range []byte(s) {
		if !('0' <= c && c <= '9' || 'a' <= c && c <= 'f') {
			return false
		}
	}
	return true
}

// ShownURL is the URL as events, plans and errors name it.
func (a Artifact) ShownURL() string { return agent.RedactURL(a.URL) }

// redactCommandLine is the command line with every URL in it redacted
// (agent.RedactURL), as a word or a --flag=value: it goes into every
// host's lock and journal, where a presigned URL's query must not.
func redactCommandLine(s string) string {
	words := strings.Split(s, " ")
	for i, w := range words {
		if !IsURL(w) {
			continue
		}
		if flag, val, ok := strings.Cut(w, "="); ok && strings.HasPrefix(flag, "-") && IsURL(val) {
			words[i] = flag + "=" + agent.RedactURL(val)
			continue
		}
		words[i] = agent.RedactURL(w)
	}
	return strings.Join(words, " ")
}

// fetchNote says on the plan line that the hosts fetch the release.
func (a Artifact) fetchNote() string {
	if a.URL == "" {
		return ""
	}
	return ", hosts fetch it from " + a.ShownURL()
}
