package agent

import (
	"context"
	"os"
	"path/filepath"
	"time"

	"github.com/fleetdeploy/fleet/appspec"
	"github.com/fleetdeploy/fleet/bundle"
	"github.com/fleetdeploy/fleet/provenance"
)

// FetchArgs has the host download the artifact from URL itself (an
// artifact store: Artifactory, Nexus, a presigned S3 URL) instead of
// receiving it from the controller. It is stage_begin, the upload and
// stage_commit in one op, with the same checks: the sha256 is required
// and verified before anything lands, and a version installed with other
// bytes is a version_conflict.
type FetchArgs struct {
	Version string `json:"version"`
	SHA256  string `json:"sha256"`
	URL     string `json:"url"`
	// Format is the bundle's (bundle.Tar, TarGz, TarZst); "" for a bare
	// binary.
	Format     string                 `json:"format,omitempty"`
	AllowHTTP  bool                   `json:"allow_http,omitempty"`
	Provenance *provenance.Provenance `json:"provenance,omitempty"`
	// Timeout bounds the whole download, retries included; 0 means
	// fetchTimeout. Attempts bounds the requests; 0 means fetchAttempts.
	Timeout  appspec.Duration `json:"timeout,omitempty"`
	Attempts int              `json:"attempts,omitempty"`
	// Stall abandons an attempt that receives nothing for that long; 0
	// means fetchStall. A peer on the hosts' own network gets a short
	// one: one that died mid-transfer sends nothing, not an error.
	Stall appspec.Duration `json:"stall,omitempty"`
	// Token, when set, goes as "Authorization: Bearer <Token>": a peer's
	// serve_release wants it. Secret: never logged, journalled or shown.
	Token string `json:"token,omitempty"`
}

// FetchResult says the release was already installed (Present), or
// describes it as stage_commit does, with what the download took.
type FetchResult struct {
	Present  bool    `json:"present"`
	Release  Release `json:"release"`
	Bytes    int64   `json:"bytes"`    // received over every attempt
	Attempts int     `json:"attempts"` // requests made
}

// Defaults and bounds of a fetch.
const (
	fetchTimeout     = 30 * time.Minute
	fetchAttempts    = 5
	fetchMaxAttempts = 20
)

// fetch downloads the artifact into .incoming, checks its sha256 while
// writing, and installs it through the same path as an upload.
func (s *session) fetch(ctx context.Context, a FetchArgs) (FetchResult, error) {
	if err := s.validateFetch(a); err != nil {
		return FetchResult{}, err
	}
	present, err := s.alreadyInstalled(a.Version, a.SHA256)
	if err != nil || present {
		return FetchResult{Present: present}, err
	}
	if err := s.ensureIncoming(); err != nil {
		return FetchResult{}, ioError("fetch", err)
	}
	part := filepath.Join(s.layout.incoming(), a.Version+"."+randomSuffix()+partSuffix)
	defer func() { _ = os.Remove(part) }()
	d := s.newDownloader(a)
	err = d.run(ctx, part)
	res := FetchResult{Bytes: d.received, Attempts: d.attempts}
	if err == nil {
		err = s.installFetched(ctx, a, part, d)
	}
	e := JournalEntry{Op: OpFetch, Version: a.Version, Reason: RedactURL(a.URL)}
	e.Revision, e.Dirty = s.releaseRevision(a.Version)
	s.journal(e, err)
	if err != nil {
		return res, err
	}
	m, err := s.layout.readRelease(a.Version)
	if err != nil {
		return res, ioError("fetch", err)
	}
	st, err := loadState(s.layout.state())
	if err != nil {
		return res, ioError("fetch", err)
	}
	res.Release = releaseInfo(m, st)
	return res, nil
}

func (s *session) validateFetch(a FetchArgs) error {
	if err := validateArtifact(a.Version, a.SHA256); err != nil {
		return err
	}
	if err := bundle.Format(a.Format).Validate(); err != nil {
		return errorf(CodeBadRequest, "fetch: %w", err)
	}
	if err := validateProvenance(a.Provenance); err != nil {
		return errorf(CodeBadRequest, "fetch: %w", err)
	}
	if err := ValidateFetchURL(a.URL, a.AllowHTTP); err != nil {
		return errorf(CodeBadRequest, "fetch: %w", err)
	}
	if a.Timeout.Std() < 0 || a.Stall.Std() < 0 || a.Attempts < 0 || a.Attempts > fetchMaxAttempts {
		return errorf(CodeBadRequest, "fetch: timeout %s, stall %s, attempts %d: want timeout >= 0, stall >= 0 and 0..%d attempts",
			a.Timeout.Std(), a.Stall.Std(), a.Attempts, fetchMaxAttempts)
	}
	return nil
}

// installFetched refuses other bytes before install copies them (which
// checks the sha256 once more, as for an upload) into releases/<v>.
func (s *session) installFetched(ctx context.Context, a FetchArgs, part string, d *downloader) error {
	p := pendingUpload{version: a.Version, sha256: a.SHA256, size: d.size, format: bundle.Format(a.Format)}
	if d.sum != a.SHA256 {
		return errorf(CodeChecksumMismatch, "fetch %s: %s served %d bytes with sha256 %s, want %s; nothing was installed",
			a.Version, RedactURL(a.URL), d.size, d.sum, a.SHA256)
	}
	return s.install(ctx, part, p, a.Provenance)
}
