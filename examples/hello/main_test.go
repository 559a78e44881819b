package main

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// startRun runs the server on a free port and returns its base URL and the
// channel that receives run's result.
func startRun(t *testing.T, ctx context.Context, brokenMode string) (string, <-chan error) {
	t.Helper()
	ready := make(chan string, 1)
	done := make(chan error, 1)
	log := slog.New(slog.DiscardHandler)
	go func() { done <- run(ctx, []string{"-port", "0"}, os.Getenv, brokenMode, log, ready) }()
	select {
	case addr := <-ready:
		return "http://" + addr, done
	case err := <-done:
		t.Fatalf("run ended before listening: %v", err)
	case <-time.After(5 * time.Second):
		t.Fatal("run did not listen within 5s")
	}
	return "", nil
}

func getHealth(t *testing.T, url string) (int, health) {
	t.Helper()
	resp, err := http.Get(url + "/healthz")
	if err != nil {
		t.Fatalf("GET /healthz: %v", err)
	}
	defer resp.Body.Close()
	var h health
	if err := json.NewDecoder(resp.Body).Decode(&h); err != nil {
		t.Fatalf("decode: %v", err)
	}
	return resp.StatusCode, h
}

func TestRun_GracefulShutdown(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	url, done := startRun(t, ctx, "")
	if code, _ := getHealth(t, url); code != http.StatusOK {
		t.Fatalf("healthz = %d", code)
	}
	cancel() // what SIGTERM does in main
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("run after shutdown = %v, want nil", err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("no shutdown within 5s")
	}
}

func TestRun_ExitMode(t *testing.T) {
	start := time.Now()
	_, done := startRun(t, context.Background(), "exit")
	select {
	case err := <-done:
		if err == nil {
			t.Fatal("exit mode returned nil, want an error (exit 1)")
		}
		if d := time.Since(start); d < 150*time.Millisecond || d > 2*time.Second {
			t.Errorf("exited after %v, want about 200ms", d)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("exit mode still running after 5s")
	}
}

func TestRun_FlapMode(t *testing.T) {
	if testing.Short() {
		t.Skip("takes 3s")
	}
	start := time.Now()
	url, done := startRun(t, context.Background(), "flap")
	if code, _ := getHealth(t, url); code != http.StatusOK {
		t.Fatalf("flap healthz = %d, want 200 while it lives", code)
	}
	select {
	case err := <-done:
		if err == nil {
			t.Fatal("flap returned nil, want an error (exit 1)")
		}
		if d := time.Since(start); d < 2900*time.Millisecond {
			t.Errorf("flap exited after %v, want about 3s", d)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("flap still running after 10s")
	}
}

func TestRun_UnknownMode(t *testing.T) {
	err := run(context.Background(), nil, os.Getenv, "typo", slog.New(slog.DiscardHandler), nil)
	if err == nil {
		t.Fatal("unknown broken mode accepted")
	}
}

// TestBinary_Ldflags builds the real binary the way the README says and
// checks that -X main.version and -X main.broken take effect.
func TestBinary_Ldflags(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary")
	}
	dir := t.TempDir()
	build := func(name, ldflags string) string {
		out := filepath.Join(dir, name)
		cmd := exec.Command("go", "build", "-ldflags", ldflags, "-o", out, ".")
		cmd.Env = append(os.Environ(), "CGO_ENABLED=0")
		if b, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("go build: %v\n%s", err, b)
		}
		return out
	}

	t.Run("version", func(t *testing.T) {
		bin := build("hello-v9", "-X main.version=v9")
		cmd := exec.Command(bin, "-port", "0")
		stdout, err := cmd.StdoutPipe()
		if err != nil {
			t.Fatal(err)
		}
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { _ = cmd.Process.Kill(); _ = cmd.Wait() })
		addr := readListenAddr(t, stdout)
		if _, h := getHealth(t, "http://"+addr); h.Version != "v9" {
			t.Errorf("version = %q, want v9", h.Version)
		}
		if err := cmd.Process.Signal(os.Interrupt); err != nil {
			t.Fatal(err)
		}
		if err := cmd.Wait(); err != nil {
			t.Errorf("exit after SIGINT: %v, want 0", err)
		}
	})

	t.Run("broken=exit", func(t *testing.T) {
		bin := build("hello-exit", "-X main.version=v9 -X main.broken=exit")
		err := exec.Command(bin, "-port", "0").Run()
		var ee *exec.ExitError
		if !errors.As(err, &ee) || ee.ExitCode() != 1 {
			t.Errorf("broken=exit binary: %v, want exit status 1", err)
		}
	})
}

// readListenAddr reads the "listening" log line and returns its addr value.
func readListenAddr(t *testing.T, r io.Reader) string {
	t.Helper()
	buf := make([]byte, 4096)
	var got string
	deadline := time.Now().Add(10 * time.Second)
	for time.Now().Before(deadline) {
		n, err := r.Read(buf)
		got += string(buf[:n])
		if i := strings.Index(got, "addr="); i >= 0 {
			rest := got[i+len("addr="):]
			if j := strings.IndexAny(rest, " \n"); j >= 0 {
				addr := rest[:j]
				go func() { _, _ = io.Copy(io.Discard, r) }()
				return strings.Replace(addr, "[::]", "127.0.0.1", 1)
			}
		}
		if err != nil {
			break
		}
	}
	t.Fatalf("no listening line in %q", got)
	return ""
}
