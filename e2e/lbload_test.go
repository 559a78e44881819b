//go:build e2e

package e2e

import (
	"fmt"
	"io"
	"net"
	"net/http"
	"slices"
	"strings"
	"sync"
	"time"
)

// lbLoad is HTTP load through the lab's HAProxy, as users would send it:
// half the workers reuse keep-alive connections, half open a connection per
// request. Every request goes to the load balancer's address, never to a
// host. A request counts as an error when it gets no response (refused,
// reset, timed out after lbRequestTimeout) or a non-2xx status. Bounded:
// it stops when told, after maxDuration, or after maxRequests.
type lbLoad struct {
	url         string
	maxRequests int
	deadline    time.Time
	stop        chan struct{}
	wg          sync.WaitGroup

	mu        sync.Mutex
	requests  int
	non2xx    int
	socket    int
	firstErrs []string
	latencies []time.Duration
	versions  map[string]int
}

const (
	lbWorkers        = 24
	lbPause          = 10 * time.Millisecond // between two requests of a worker
	lbRequestTimeout = 5 * time.Second       // what a patient user waits
)

// lbResult is what one load run saw.
type lbResult struct {
	Requests, Non2xx, Socket int
	P50, P99, Max            time.Duration
	Versions                 map[string]int
	FirstErrors              []string
}

func (r lbResult) Errors() int { return r.Non2xx + r.Socket }

// versionList is "v1:120,v2:98", sorted, for the log line.
func (r lbResult) versionList() string {
	var out []string
	for v, n := range r.Versions {
		out = append(out, fmt.Sprintf("%s:%d", v, n))
	}
	slices.Sort(out)
	return strings.Join(out, ",")
}

func startLBLoad(url string, maxDuration time.Duration, maxRequests int) *lbLoad {
	ld := &lbLoad{url: url, maxRequests: maxRequests, deadline: time.Now().Add(maxDuration),
		stop: make(chan struct{}), versions: map[string]int{}}
	for i := range lbWorkers {
		keepAlive := i%2 == 0
		tr := &http.Transport{Proxy: nil, DisableKeepAlives: !keepAlive, MaxIdleConnsPerHost: 1,
			DialContext: (&net.Dialer{Timeout: lbRequestTimeout}).DialContext}
		c := &http.Client{Timeout: lbRequestTimeout, Transport: tr}
		ld.wg.Add(1)
		go ld.worker(c)
	}
	return ld
}

func (ld *lbLoad) worker(c *http.Client) {
	defer ld.wg.Done()
	defer c.CloseIdleConnections()
	t := time.NewTimer(0)
	defer t.Stop()
	for {
		select {
		case <-ld.stop:
			return
		case <-t.C:
		}
		if time.Now().After(ld.deadline) || !ld.take() {
			return
		}
		ld.one(c)
		t.Reset(lbPause)
	}
}

// take counts a request about to be sent; false once maxRequests were sent.
func (ld *lbLoad) take() bool {
	ld.mu.Lock()
	defer ld.mu.Unlock()
	if ld.requests >= ld.maxRequests {
		return false
	}
	ld.requests++
	return true
}

func (ld *lbLoad) one(c *http.Client) {
	start := time.Now()
	resp, err := c.Get(ld.url + "/")
	var body []byte
	if err == nil {
		body, err = io.ReadAll(resp.Body)
		resp.Body.Close()
	}
	took := time.Since(start)
	ld.mu.Lock()
	defer ld.mu.Unlock()
	ld.latencies = append(ld.latencies, took)
	switch {
	case err != nil:
		ld.socket++
		ld.note(fmt.Sprintf("%s after %s: %v", start.Format("15:04:05.000"), took.Round(time.Millisecond), err))
	case resp.StatusCode/100 != 2:
		ld.non2xx++
		ld.note(fmt.Sprintf("%s: %s %q", start.Format("15:04:05.000"), resp.Status, strings.TrimSpace(string(body))))
	default:
		// "hello from v2 on lab1"
		if f := strings.Fields(string(body)); len(f) >= 3 {
			ld.versions[f[2]]++
		}
	}
}

func (ld *lbLoad) note(s string) {
	if len(ld.firstErrs) < 10 {
		ld.firstErrs = append(ld.firstErrs, s)
	}
}

// Stop ends the load, waits for the requests in flight and returns the
// figures.
func (ld *lbLoad) Stop() lbResult {
	close(ld.stop)
	ld.wg.Wait()
	ld.mu.Lock()
	defer ld.mu.Unlock()
	r := lbResult{Requests: ld.requests, Non2xx: ld.non2xx, Socket: ld.socket,
		Versions: ld.versions, FirstErrors: ld.firstErrs}
	lat := slices.Clone(ld.latencies)
	slices.Sort(lat)
	if n := len(lat); n > 0 {
		r.P50, r.P99, r.Max = lat[n/2], lat[(n*99)/100], lat[n-1]
	}
	return r
}
