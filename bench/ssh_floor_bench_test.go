package bench

import (
	"crypto/ed25519"
	"crypto/rand"
	"fmt"
	"io"
	"net"
	"sync"
	"testing"
	"time"

	"golang.org/x/crypto/ssh"
)

// BenchmarkSSHFloor measures what the simulated rollouts can never beat on
// this machine: x/crypto SSH alone, client and server in this process as
// the controller and hostsim are on the same two cores, moving channel
// data over loopback TCP in 32 KiB writes (the SFTP write size hostsim
// accepts) on `streams` connections at once, the server discarding it. No
// SFTP, no agent, no files, no connects: a lower bound on staging's cost.
//
// From that throughput it projects the best wall/floor the
// SimRolloutLatency fleet could reach if staging cost nothing but SSH and
// overlapped the waves perfectly: the last wave cannot start before the
// last upload has ended, so wall >= bytes / throughput + one wave.
func BenchmarkSSHFloor(b *testing.B) {
	for _, streams := range []int{4, 16} {
		b.Run(fmt.Sprintf("streams-%d", streams), func(b *testing.B) { benchSSHFloor(b, streams) })
	}
}

func benchSSHFloor(b *testing.B, streams int) {
	total := int64(envInt(b, "FLEETBENCH_SSHFLOOR_MIB", 4096)) << 20
	per := total / int64(streams)
	addr, hostKey := startDiscardServer(b, per)
	clients := make([]ssh.Channel, streams)
	for i := range clients {
		clients[i] = openDiscardChannel(b, addr, hostKey)
	}
	chunk := make([]byte, 32<<10)
	b.ResetTimer()
	for range b.N {
		cpu, start := selfCPU(), time.Now()
		var wg sync.WaitGroup
		errs := make(chan error, streams)
		for _, ch := range clients {
			wg.Go(func() {
				for sent := int64(0); sent < per; sent += int64(len(chunk)) {
					if _, err := ch.Write(chunk); err != nil {
						errs <- err
						return
					}
				}
			})
		}
		wg.Wait()
		close(errs)
		if err := <-errs; err != nil {
			b.Fatalf("write: %v", err)
		}
		// Writes return once the data is within the server's window:
		// the server's one-byte answer says it has read everything.
		for _, ch := range clients {
			if _, err := io.ReadFull(ch, make([]byte, 1)); err != nil {
				b.Fatalf("wait for the server: %v", err)
			}
		}
		wall, spent := time.Since(start), selfCPU()-cpu
		reportSSHFloor(b, per*int64(streams), wall, spent)
	}
}

func reportSSHFloor(b *testing.B, bytes int64, wall, cpu time.Duration) {
	rate := float64(bytes) / wall.Seconds() // bytes per second
	b.ReportMetric(rate/1e6, "ssh_MB/s")
	b.ReportMetric(float64(cpu.Nanoseconds())/float64(bytes), "ssh_cpu_ns/B")
	// What the table compares SimRollout's stage_MB/cpu_s with: the
	// same bytes per CPU-second of this process (both ends).
	b.ReportMetric(float64(bytes)/1e6/cpu.Seconds(), "ssh_MB/cpu_s")
	c := simDefaults(b)
	wave := 2 * time.Second // restart 1s + health 1s
	// The sim benchmarks' max_unavailable: 10%, rounded down.
	floor := latencyFloor(c.hosts, max(c.hosts/10, 1), wave)
	stage := time.Duration(float64(int64(c.hosts)*int64(c.artifactMiB)<<20) / rate * float64(time.Second))
	b.ReportMetric(stage.Seconds(), "stage_bound_s")
	b.ReportMetric(max(floor, stage+wave).Seconds()/floor.Seconds(), "bound_wall/floor")
}

// startDiscardServer serves SSH on 127.0.0.1: session channels whose data
// it reads and drops, answering one byte after every per bytes.
func startDiscardServer(b *testing.B, per int64) (string, ssh.PublicKey) {
	b.Helper()
	_, key, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		b.Fatal(err)
	}
	signer, err := ssh.NewSignerFromKey(key)
	if err != nil {
		b.Fatal(err)
	}
	cfg := &ssh.ServerConfig{NoClientAuth: true}
	cfg.AddHostKey(signer)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { _ = ln.Close() })
	go func() {
		for {
			conn, err := ln.Accept()
			if err != nil {
				return
			}
			b.Cleanup(func() { _ = conn.Close() })
			go serveDiscard(conn, cfg, per)
		}
	}()
	return ln.Addr().String(), signer.PublicKey()
}

func serveDiscard(conn net.Conn, cfg *ssh.ServerConfig, per int64) {
	_, chans, reqs, err := ssh.NewServerConn(conn, cfg)
	if err != nil {
		return
	}
	go ssh.DiscardRequests(reqs)
	for nc := range chans {
		ch, chReqs, err := nc.Accept()
		if err != nil {
			continue
		}
		go ssh.DiscardRequests(chReqs)
		go func() {
			defer ch.Close()
			buf := make([]byte, 32<<10)
			for {
				n, err := io.CopyBuffer(io.Discard, io.LimitReader(ch, per), buf)
				if err != nil || n < per {
					return
				}
				if _, err := ch.Write([]byte{1}); err != nil {
					return
				}
			}
		}()
	}
}

func openDiscardChannel(b *testing.B, addr string, hostKey ssh.PublicKey) ssh.Channel {
	b.Helper()
	client, err := ssh.Dial("tcp", addr, &ssh.ClientConfig{
		User:            "bench",
		HostKeyCallback: ssh.FixedHostKey(hostKey),
		Timeout:         10 * time.Second,
	})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { _ = client.Close() })
	ch, reqs, err := client.OpenChannel("session", nil)
	if err != nil {
		b.Fatal(err)
	}
	go ssh.DiscardRequests(reqs)
	return ch
}
