//go:build e2e

package e2e

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"sort"
	"strings"
	"sync"
	"time"
)

// lbClient behaves like a load balancer that follows Consul: it refreshes
// the passing instances of a service from the lab's Consul server and sends
// requests round-robin to them. A request that fails or answers non-2xx is
// a failure a real client would have seen. Bounded: it stops when told, and
// talks only to the lab's Consul server and lab hosts.
type lbClient struct {
	consul  string // http://10.231.0.1:8500
	service string
	client  http.Client

	mu        sync.Mutex
	instances []string
	requests  int
	failures  []string
	versions  map[string]int

	stop chan struct{}
	done sync.WaitGroup
}

// startLB starts the client; refresh is how often it re-reads Consul, the
// interval a drain must outlast.
func startLB(consul, service string, refresh time.Duration) *lbClient {
	lb := &lbClient{
		consul: consul, service: service,
		client:   http.Client{Timeout: 2 * time.Second, Transport: &http.Transport{Proxy: nil, DisableKeepAlives: true}},
		versions: map[string]int{},
		stop:     make(chan struct{}),
	}
	lb.refresh()
	lb.done.Add(2)
	go lb.loop(refresh, lb.refresh)
	go lb.loop(20*time.Millisecond, lb.send)
	return lb
}

func (lb *lbClient) loop(every time.Duration, fn func()) {
	defer lb.done.Done()
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		select {
		case <-lb.stop:
			return
		case <-t.C:
			fn()
		}
	}
}

// refresh reads /v1/health/service/<name>?passing, like consul-template or
// HAProxy's Consul discovery would.
func (lb *lbClient) refresh() {
	resp, err := lb.client.Get(lb.consul + "/v1/health/service/" + lb.service + "?passing")
	if err != nil {
		return // keep the last list, as a real balancer does
	}
	defer resp.Body.Close()
	var entries []struct {
		Node    struct{ Address string }
		Service struct {
			Address string
			Port    int
		}
	}
	if json.NewDecoder(resp.Body).Decode(&entries) != nil {
		return
	}
	var inst []string
	for _, e := range entries {
		addr := e.Service.Address
		if addr == "" {
			addr = e.Node.Address
		}
		inst = append(inst, fmt.Sprintf("%s:%d", addr, e.Service.Port))
	}
	sort.Strings(inst)
	lb.mu.Lock()
	lb.instances = inst
	lb.mu.Unlock()
}

func (lb *lbClient) send() {
	lb.mu.Lock()
	if len(lb.instances) == 0 {
		lb.failures = append(lb.failures, "no passing instance")
		lb.requests++
		lb.mu.Unlock()
		return
	}
	target := lb.instances[lb.requests%len(lb.instances)]
	lb.requests++
	lb.mu.Unlock()
	resp, err := lb.client.Get("http://" + target + "/")
	var fail string
	var body []byte
	if err != nil {
		fail = err.Error()
	} else {
		body, _ = io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode/100 != 2 {
			fail = target + ": " + resp.Status
		}
	}
	lb.mu.Lock()
	defer lb.mu.Unlock()
	if fail != "" {
		lb.failures = append(lb.failures, fail)
		return
	}
	// "hello from v2 on lab1"
	if f := strings.Fields(string(body)); len(f) >= 3 {
		lb.versions[f[2]]++
	}
}

// Stop ends the load and returns requests sent and the failures seen.
func (lb *lbClient) Stop() (int, []string, map[string]int) {
	close(lb.stop)
	lb.done.Wait()
	lb.mu.Lock()
	defer lb.mu.Unlock()
	return lb.requests, lb.failures, lb.versions
}
