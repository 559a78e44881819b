package bench

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"golang.org/x/sys/unix"
)

// The distribution benchmark's network: the controller's side of the lab
// bridge throttled like a home uplink, the bytes it sends counted by the
// bridge's own counters, and an artifact store on the bridge that is
// neither (it stands for a store in the data center, next to the hosts).

// labBridge is the interface the kernel routes the lab's first host out
// of: the controller's only link to the lab.
func (l *lab) labBridge(b *testing.B) string {
	b.Helper()
	out, err := exec.Command("ip", "-o", "route", "get", l.addrs[0]).CombinedOutput()
	if err != nil {
		b.Fatalf("ip route get %s: %v: %s", l.addrs[0], err, out)
	}
	f := strings.Fields(string(out))
	for i := range len(f) - 1 {
		if f[i] == "dev" {
			return f[i+1]
		}
	}
	b.Fatalf("ip route get %s: no device in %q", l.addrs[0], out)
	return ""
}

// throttle shapes what this machine sends out of dev (the bridge) to
// mbit Mbit/s with a token bucket, until the benchmark ends. Traffic the
// bridge forwards between its ports (host to host, store to host) leaves
// through those ports' own queues and is not shaped.
func throttle(b *testing.B, dev string, mbit int) {
	b.Helper()
	tc := func(args ...string) error {
		if out, err := exec.Command("tc", args...).CombinedOutput(); err != nil {
			return fmt.Errorf("tc %s: %v: %s", strings.Join(args, " "), err, out)
		}
		return nil
	}
	b.Cleanup(func() {
		if err := tc("qdisc", "del", "dev", dev, "root"); err != nil {
			b.Errorf("removing the throttle: %v", err)
		}
	})
	if err := tc("qdisc", "replace", "dev", dev, "root", "tbf", "rate", fmt.Sprintf("%dmbit", mbit),
		"burst", "64kb", "latency", "200ms"); err != nil {
		b.Fatal(err)
	}
}

// txBytes is dev's transmit counter: every byte this machine sent onto
// the bridge (frames, headers included).
func txBytes(b *testing.B, dev string) int64 {
	b.Helper()
	data, err := os.ReadFile(filepath.Join("/sys/class/net", dev, "statistics/tx_bytes"))
	if err != nil {
		b.Fatal(err)
	}
	n, err := strconv.ParseInt(strings.TrimSpace(string(data)), 10, 64)
	if err != nil {
		b.Fatal(err)
	}
	return n
}

// txSampler reads dev's counter every 50 ms, so that the bytes sent up to
// an event's time can be read afterwards.
type txSampler struct {
	mu      sync.Mutex
	times   []time.Time
	bytes   []int64
	stop    chan struct{}
	stopped sync.WaitGroup
}

func sampleTx(b *testing.B, dev string) *txSampler {
	s := &txSampler{stop: make(chan struct{})}
	read := func() {
		n := txBytes(b, dev)
		s.mu.Lock()
		s.times, s.bytes = append(s.times, time.Now()), append(s.bytes, n)
		s.mu.Unlock()
	}
	read()
	s.stopped.Go(func() {
		t := time.NewTicker(50 * time.Millisecond)
		defer t.Stop()
		for {
			select {
			case <-s.stop:
				read()
				return
			case <-t.C:
				read()
			}
		}
	})
	return s
}

// sentBy is the bytes sent from the first sample to the first sample at
// or after t (at most 50 ms late: an over-count, never an under-count).
func (s *txSampler) sentBy(t time.Time) int64 {
	close(s.stop)
	s.stopped.Wait()
	s.mu.Lock()
	defer s.mu.Unlock()
	for i, at := range s.times {
		if !at.Before(t) {
			return s.bytes[i] - s.bytes[0]
		}
	}
	return s.bytes[len(s.bytes)-1] - s.bytes[0]
}

// artifactStore serves dir over HTTP from a network namespace of its own,
// plugged into the bridge with its own address (the lab's .254): hosts
// reach it across the bridge, and its bytes never pass this machine's
// throttled, counted side of the bridge. It returns the base URL.
func (l *lab) artifactStore(b *testing.B, dev, dir string) string {
	b.Helper()
	const ns, veth = "fleetbench-store", "fl-store"
	addr := l.addrs[0][:strings.LastIndexByte(l.addrs[0], '.')] + ".254"
	ip := func(args ...string) {
		if out, err := exec.Command("ip", args...).CombinedOutput(); err != nil {
			b.Fatalf("ip %s: %v: %s", strings.Join(args, " "), err, out)
		}
	}
	_ = exec.Command("ip", "netns", "del", ns).Run() // a leftover of a killed run
	_ = exec.Command("ip", "link", "del", veth).Run()
	ip("netns", "add", ns)
	b.Cleanup(func() {
		_ = exec.Command("ip", "link", "del", veth).Run()
		_ = exec.Command("ip", "netns", "del", ns).Run()
	})
	ip("link", "add", veth, "type", "veth", "peer", "name", "eth0", "netns", ns)
	ip("link", "set", veth, "master", dev, "up")
	ip("-n", ns, "addr", "add", addr+"/24", "dev", "eth0")
	ip("-n", ns, "link", "set", "eth0", "up")
	ln, err := listenIn(ns, net.JoinHostPort(addr, "0"))
	if err != nil {
		b.Fatal(err)
	}
	srv := &http.Server{Handler: http.FileServer(http.Dir(dir)), ReadHeaderTimeout: 10 * time.Second}
	go func() { _ = srv.Serve(ln) }()
	b.Cleanup(func() { _ = srv.Shutdown(context.Background()) })
	return "http://" + ln.Addr().String()
}

// listenIn opens a TCP listener inside network namespace ns (a socket
// stays in the namespace it was made in, whichever thread serves it).
func listenIn(ns, addr string) (net.Listener, error) {
	runtime.LockOSThread()
	self, err := os.Open("/proc/thread-self/ns/net")
	if err != nil {
		runtime.UnlockOSThread()
		return nil, err
	}
	defer self.Close()
	target, err := os.Open(filepath.Join("/var/run/netns", ns))
	if err != nil {
		runtime.UnlockOSThread()
		return nil, err
	}
	defer target.Close()
	if err := unix.Setns(int(target.Fd()), unix.CLONE_NEWNET); err != nil {
		runtime.UnlockOSThread()
		return nil, fmt.Errorf("setns %s: %w", ns, err)
	}
	ln, lerr := net.Listen("tcp", addr)
	if err := unix.Setns(int(self.Fd()), unix.CLONE_NEWNET); err != nil {
		// The thread is left locked: it ends with this goroutine rather
		// than serve others from the wrong namespace.
		return nil, fmt.Errorf("setns back: %w", err)
	}
	runtime.UnlockOSThread()
	return ln, lerr
}
