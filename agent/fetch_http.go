package agent

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"hash"
	"io"
	"net/http"
	"net/url"
	"os"
	"strconv"
	"strings"
	"time"
)

// HTTPDoer sends the fetch op's requests; *http.Client is one.
type HTTPDoer interface {
	Do(req *http.Request) (*http.Response, error)
}

// NewHTTPClient is the fetch op's client by default: the host
// environment's proxy settings (HTTPS_PROXY, NO_PROXY; under sudo only
// what its env_keep passes on), Go's dial and TLS handshake timeouts.
// Each attempt is bounded by the stall timeout instead of a fixed one, so
// that a large artifact on a slow link still arrives.
func NewHTTPClient() *http.Client {
	t := http.DefaultTransport.(*http.Transport).Clone()
	t.Proxy = http.ProxyFromEnvironment
	return &http.Client{Transport: t}
}

// Retry timing: the wait before attempt n+1 is fetchBackoff·2^(n-1), at
// most fetchMaxBackoff. An attempt that receives nothing for fetchStall
// (headers or body; FetchArgs.Stall when set) is abandoned and retried.
const (
	fetchBackoff    = time.Second
	fetchMaxBackoff = 30 * time.Second
	fetchStall      = 30 * time.Second
)

// errStalled cancels an attempt that received nothing for its stall time.
var errStalled = errors.New("no data")

// downloader is one fetch: it writes into part, hashing what it writes.
// A retry resumes with a range request when the server said it takes
// them (Accept-Ranges: bytes, or a 206), else starts again from 0.
type downloader struct {
	http     HTTPDoer
	url      string // secret: never logged, never in an error
	token    string // secret too: FetchArgs.Token
	shown    string // RedactURL(url)
	version  string
	timeout  time.Duration
	stall    time.Duration // an attempt receiving nothing for that long ends
	max      int
	newTimer func(time.Duration) (<-chan time.Time, func())
	space    func(int64) error // refuses what cannot fit
	emit     func(Event) error

	attempts int
	received int64 // over every attempt
	size     int64 // bytes in part now
	sum      string

	f      *os.File
	h      hash.Hash
	ranges bool
}

func (s *session) newDownloader(a FetchArgs) *downloader {
	d := &downloader{http: s.deps.HTTP, url: a.URL, token: a.Token, shown: RedactURL(a.URL), version: a.Version,
		timeout: a.Timeout.Std(), stall: a.Stall.Std(), max: a.Attempts, newTimer: s.deps.NewTimer, space: s.checkSpace, emit: s.emit}
	if d.timeout == 0 {
		d.timeout = fetchTimeout
	}
	if d.stall == 0 {
		d.stall = fetchStall
	}
	if d.max == 0 {
		d.max = fetchAttempts
	}
	s.log.Info("fetching", keyVersion, a.Version, "url", d.shown)
	return d
}

// run makes up to max attempts within the timeout; it ends with part
// holding every byte and sum set, or an error naming the redacted URL.
func (d *downloader) run(ctx context.Context, part string) error {
	ctx, cancel := context.WithTimeout(ctx, d.timeout)
	defer cancel()
	f, err := os.OpenFile(part, os.O_RDWR|os.O_CREATE|os.O_EXCL, privFileMode)
	if err != nil {
		return ioError("fetch", err)
	}
	defer f.Close()
	d.f, d.h = f, sha256.New()
	var last error
	for d.attempts < d.max {
		if d.attempts > 0 {
			if err := d.backoff(ctx, last); err != nil {
				return d.failed(ctx, err)
			}
		}
		d.attempts++
		retry, err := d.attempt(ctx)
		if err == nil {
			d.sum = hex.EncodeToString(d.h.Sum(nil))
			if err := f.Sync(); err != nil {
				return ioError("fetch", err)
			}
			return nil
		}
		var agentErr *Error
		if errors.As(err, &agentErr) {
			return err // the disk, not the download
		}
		if !retry || ctx.Err() != nil {
			return d.failed(ctx, err)
		}
		last = err
	}
	return errorf(CodeFetchFailed, "fetch %s from %s: gave up after %d attempts: %v", d.version, d.shown, d.attempts, last)
}

// failed is the error of a download that ends: a timeout says so; a
// session that ended says only that.
func (d *downloader) failed(ctx context.Context, err error) error {
	switch {
	case errors.Is(context.Cause(ctx), context.DeadlineExceeded):
		return errorf(CodeFetchFailed, "fetch %s from %s: timed out after %s (%d attempts, %d bytes received)",
			d.version, d.shown, d.timeout, d.attempts, d.received)
	case ctx.Err() != nil:
		return ctx.Err()
	}
	return errorf(CodeFetchFailed, "fetch %s from %s: %v (attempt %d, not retried)", d.version, d.shown, err, d.attempts)
}

// backoff waits before the next attempt, and says why on the wire.
func (d *downloader) backoff(ctx context.Context, last error) error {
	wait := min(fetchBackoff<<(d.attempts-1), fetchMaxBackoff)
	_ = d.emit(Event{Kind: EventFetch, Message: fmt.Sprintf("attempt %d of %d: %v; retrying in %s", d.attempts, d.max, last, wait),
		Fetch: &FetchProgress{Attempt: d.attempts, Bytes: d.size}})
	c, stop := d.newTimer(wait)
	defer stop()
	select {
	case <-c:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// attempt makes one request and writes what it receives. retry says
// whether another attempt may succeed: network errors, 5xx and 429 yes,
// any other status no.
func (d *downloader) attempt(ctx context.Context) (retry bool, err error) {
	ctx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	stall := time.AfterFunc(d.stall, func() { cancel(errStalled) })
	defer stall.Stop()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, d.url, nil)
	if err != nil {
		return false, errors.New("the URL cannot be requested")
	}
	if d.token != "" {
		req.Header.Set("Authorization", "Bearer "+d.token)
	}
	resuming := d.size > 0 && d.ranges
	if resuming {
		req.Header.Set("Range", "bytes="+strconv.FormatInt(d.size, 10)+"-")
	}
	resp, err := d.http.Do(req)
	if err != nil {
		return true, d.networkError(ctx, err)
	}
	defer resp.Body.Close()
	if retry, err := d.accept(resp, resuming); err != nil {
		return retry, err
	}
	return d.receive(ctx, resp, stall)
}

// accept decides from the status what to do with the body: append to
// part (a 206 from where it ends), write it from the start (a 200), or
// nothing.
func (d *downloader) accept(resp *http.Response, resuming bool) (bool, error) {
	code := resp.StatusCode
	switch {
	case code == http.StatusPartialContent && resuming && rangeStart(resp) == d.size:
		_ = d.emit(Event{Kind: EventFetch, Message: fmt.Sprintf("resuming at byte %d", d.size),
			Fetch: &FetchProgress{Attempt: d.attempts, Bytes: d.size}})
	case code == http.StatusOK:
		if err := d.restart(); err != nil {
			return false, err
		}
		d.ranges = resp.Header.Get("Accept-Ranges") == "bytes"
	case code == http.StatusPartialContent || code == http.StatusRequestedRangeNotSatisfiable:
		d.ranges = false // a range the server got wrong: start again, whole
		return true, fmt.Errorf("HTTP %d %s to a range request", code, http.StatusText(code))
	case code == http.StatusTooManyRequests || code >= 500:
		return true, statusError(code)
	default:
		return false, statusError(code)
	}
	if resp.ContentLength > 0 {
		if err := d.space(d.size + resp.ContentLength); err != nil {
			return false, err
		}
	}
	return false, nil
}

// receive writes the body into part; a body cut short is retried.
func (d *downloader) receive(ctx context.Context, resp *http.Response, stall *time.Timer) (bool, error) {
	fw := &fileWriter{f: d.f}
	n, err := io.Copy(io.MultiWriter(fw, d.h), &stallReader{r: resp.Body, t: stall, after: d.stall})
	d.size += n
	d.received += n
	switch {
	case fw.err != nil:
		return false, ioError("fetch", fw.err)
	case err != nil:
		return true, d.networkError(ctx, err)
	case resp.ContentLength >= 0 && n != resp.ContentLength:
		return true, fmt.Errorf("the body ended after %d of %d bytes", n, resp.ContentLength)
	}
	return false, nil
}

// restart empties part for a body sent from its first byte.
func (d *downloader) restart() error {
	if d.size == 0 {
		return nil
	}
	if err := d.f.Truncate(0); err != nil {
		return ioError("fetch", err)
	}
	if _, err := d.f.Seek(0, io.SeekStart); err != nil {
		return ioError("fetch", err)
	}
	d.h.Reset()
	d.size = 0
	return nil
}

func statusError(code int) error {
	return fmt.Errorf("HTTP %d %s", code, http.StatusText(code))
}

// networkError says what went wrong without the URL, which *url.Error
// carries whole (with its query) in its text.
func (d *downloader) networkError(ctx context.Context, err error) error {
	if errors.Is(context.Cause(ctx), errStalled) {
		return fmt.Errorf("nothing received for %s", d.stall)
	}
	var ue *url.Error
	if errors.As(err, &ue) {
		err = ue.Err
	}
	return err
}

// rangeStart is where a 206's Content-Range (bytes N-M/T) begins; -1
// when it does not say.
func rangeStart(resp *http.Response) int64 {
	v, ok := strings.CutPrefix(resp.Header.Get("Content-Range"), "bytes ")
	if !ok {
		return -1
	}
	start, _, ok := strings.Cut(v, "-")
	if !ok {
		return -1
	}
	n, err := strconv.ParseInt(start, 10, 64)
	if err != nil {
		return -1
	}
	return n
}

// fileWriter keeps the error of a write to part apart from a read error
// of the body: only the body's is worth a retry.
type fileWriter struct {
	f   *os.File
	err error
}

func (w *fileWriter) Write(p []byte) (int, error) {
	n, err := w.f.Write(p)
	if err != nil {
		w.err = err
	}
	return n, err
}

// stallReader pushes the stall deadline back on every read that gets
// bytes.
type stallReader struct {
	r     io.Reader
	t     *time.Timer
	after time.Duration
}

func (s *stallReader) Read(p []byte) (int, error) {
	n, err := s.r.Read(p)
	if n > 0 {
		s.t.Reset(s.after)
	}
	return n, err
}
