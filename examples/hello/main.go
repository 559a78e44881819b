// Command hello is fleet's example service: a small HTTP server to deploy,
// health-check and roll back. Copy it as the starting point for your own.
//
// Build-time settings (go build -ldflags "-X main.version=v1 -X main.broken=MODE"):
//
//	version  reported by /healthz and / (default "dev")
//	broken   "" (healthy), "unhealthy" (/healthz answers 500),
//	         "exit" (exits 1 200ms after start),
//	         "flap" (healthy for 3s, then exits 1: a crash loop that
//	         briefly passes health checks),
//	         "errors" (every 20th request answers 500; /healthz stays ok),
//	         "slow" (every request takes 400ms longer; /healthz stays fast)
//
// Runtime: -port flag, else the PORT environment variable, else 8080.
// config/greeting beside the executable (a fleet bundle's release
// directory), if there, replaces "hello" in GET /'s answer.
// `hello migrate [-file F] [-to N]` is a migration for a fleet before hook
// (migrate.go); it does not serve.
// HELLO_WARMUP (a Go duration) waits that long before listening;
// HELLO_DELAY makes every GET / take that long (the tests use both).
//
// GET /metrics serves Prometheus metrics: hello_requests_total{code,version}
// and hello_request_duration_seconds{version}, which count every request but
// /healthz and /metrics themselves. /metrics is not logged either.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/signal"
	"strconv"
	"syscall"
	"time"
)

// Set at build time with -ldflags "-X main.version=... -X main.broken=...".
var (
	version = "dev"
	broken  = ""
)

const (
	defaultPort     = 8080
	exitDelay       = 200 * time.Millisecond
	flapDelay       = 3 * time.Second
	errorEvery      = 20 // broken=errors: 5% of requests fail
	slowDelay       = 400 * time.Millisecond
	shutdownTimeout = 10 * time.Second
)

func main() {
	log := slog.New(slog.NewTextHandler(os.Stdout, nil))
	if len(os.Args) > 1 && os.Args[1] == "migrate" {
		if err := migrate(os.Args[2:], os.Getenv, time.Now, os.Stdout); err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
		return
	}
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGTERM, syscall.SIGINT)
	defer stop()
	if err := run(ctx, os.Args[1:], os.Getenv, broken, log, nil); err != nil {
		log.Error("exit", "err", err)
		stop()
		os.Exit(1)
	}
}

// run parses the arguments, serves until ctx is done (then shuts down
// gracefully) or until the broken mode ends the process. ready, if not nil,
// receives the listening address.
func run(ctx context.Context, args []string, getenv func(string) string, brokenMode string,
	log *slog.Logger, ready chan<- string) error {
	m, err := parseMode(brokenMode)
	if err != nil {
		return err
	}
	port, err := resolvePort(args, getenv)
	if err != nil {
		return err
	}
	host, err := os.Hostname()
	if err != nil {
		return fmt.Errorf("hostname: %w", err)
	}
	// HELLO_WARMUP (a Go duration) delays listening, like a real service
	// loading its data: the window in which it is down during a restart.
	if w := getenv("HELLO_WARMUP"); w != "" {
		d, err := time.ParseDuration(w)
		if err != nil {
			return fmt.Errorf("HELLO_WARMUP %q: %w", w, err)
		}
		select {
		case <-time.After(d):
		case <-ctx.Done():
			return nil
		}
	}
	greet, err := greeting()
	if err != nil {
		return err
	}
	handler := m.faults(newGreetingHandler(version, host, greet, m.healthy()))
	// HELLO_DELAY (a Go duration) makes every GET / take that long, like a
	// real service doing work: requests are in flight when an instance stops.
	if v := getenv("HELLO_DELAY"); v != "" {
		d, err := time.ParseDuration(v)
		if err != nil || d < 0 {
			return fmt.Errorf("HELLO_DELAY %q: want a duration >= 0", v)
		}
		handler = withDelay(d, handler)
	}
	ln, err := net.Listen("tcp", net.JoinHostPort("", strconv.Itoa(port)))
	if err != nil {
		return fmt.Errorf("listen: %w", err)
	}
	srv := &http.Server{
		Handler:           serveMux(log, newMetrics(version), handler),
		ReadHeaderTimeout: 5 * time.Second,
	}
	log.Info("listening", "addr", ln.Addr().String(), "version", version, "broken", string(m))
	if ready != nil {
		ready <- ln.Addr().String()
	}

	serveErr := make(chan error, 1)
	go func() { serveErr <- srv.Serve(ln) }()

	var crash <-chan time.Time
	if d, ok := m.exitAfter(); ok {
		t := time.NewTimer(d)
		defer t.Stop()
		crash = t.C
	}

	select {
	case err := <-serveErr:
		return fmt.Errorf("serve: %w", err)
	case <-crash:
		_ = srv.Close() // dying on purpose: no graceful shutdown
		return fmt.Errorf("broken build (%s): exiting on purpose", m)
	case <-ctx.Done():
	}
	log.Info("shutting down", "reason", context.Cause(ctx))
	sctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), shutdownTimeout)
	defer cancel()
	if err := srv.Shutdown(sctx); err != nil {
		return fmt.Errorf("shutdown: %w", err)
	}
	if err := <-serveErr; !errors.Is(err, http.ErrServerClosed) {
		return fmt.Errorf("serve: %w", err)
	}
	return nil
}

// serveMux puts the metrics in front of the service: GET /metrics is served
// unlogged (a scrape every second would bury the requests in the journal);
// everything else is logged, then counted, then answered by app.
func serveMux(log *slog.Logger, met *metrics, app http.Handler) http.Handler {
	mux := http.NewServeMux()
	mux.Handle("GET /metrics", met.handler())
	mux.Handle("/", logRequests(log, met.instrument(app)))
	return mux
}

// resolvePort: -port wins, then $PORT, then 8080.
func resolvePort(args []string, getenv func(string) string) (int, error) {
	fs := flag.NewFlagSet("hello", flag.ContinueOnError)
	port := fs.Int("port", -1, "TCP port to listen on; 0 picks a free one (default $PORT, else 8080)")
	if err := fs.Parse(args); err != nil {
		return 0, err
	}
	p := *port
	if p == -1 {
		p = defaultPort
		if env := getenv("PORT"); env != "" {
			v, err := strconv.Atoi(env)
			if err != nil {
				return 0, fmt.Errorf("PORT %q: %w", env, err)
			}
			p = v
		}
	}
	if p < 0 || p > 65535 {
		return 0, fmt.Errorf("port %d out of range", p)
	}
	return p, nil
}
