package transport_test

import (
	"encoding/json"
	"fmt"
	"io"
	"net"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"time"

	"testing"
)

// The test binary doubles as the ProxyCommand of the proxy tests, so that
// they need nothing installed (no nc) and reach only loopback:
//
//	transport.test fleet-proxy-helper MODE RECORD ADDR [ARG...]
//
// appends {"pid", "args"} to the file RECORD, then, by MODE: pipe connects
// stdin and stdout to the TCP address ADDR; fail writes 8 KiB of noise and
// a last line to stderr and exits 1; notfound exits 127 as sh does for a
// missing command; hang ignores SIGHUP and stdin's EOF and never exits.
//
// With fakeShellEnv set to a RECORD file, it is instead a $SHELL that
// records its arguments and exits 1.
const (
	proxyHelperArg = "fleet-proxy-helper"
	fakeShellEnv   = "FLEET_TEST_FAKE_SHELL_RECORD"
	helperFailLine = "proxy: no route to the bastion"
	helperHangLine = "proxy: waiting for the bastion"
)

func TestMain(m *testing.M) {
	if len(os.Args) > 4 && os.Args[1] == proxyHelperArg {
		os.Exit(proxyHelper(os.Args[2], os.Args[3], os.Args[4], os.Args[5:]))
	}
	if rec := os.Getenv(fakeShellEnv); rec != "" {
		recordRun(rec, os.Args[1:])
		fmt.Fprintln(os.Stderr, "fake shell ran")
		os.Exit(1)
	}
	os.Exit(m.Run())
}

// proxyRun is one run of the helper as it recorded itself.
type proxyRun struct {
	Pid  int      `json:"pid"`
	Args []string `json:"args"`
}

func recordRun(file string, args []string) {
	line, _ := json.Marshal(proxyRun{Pid: os.Getpid(), Args: args})
	f, err := os.OpenFile(file, os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o600)
	if err != nil {
		fmt.Fprintln(os.Stderr, "proxy helper:", err)
		os.Exit(2)
	}
	defer f.Close()
	_, _ = f.Write(append(line, '\n'))
}

func proxyHelper(mode, record, addr string, args []string) int {
	recordRun(record, args)
	switch mode {
	case "pipe":
		return pipeTo(addr)
	case "fail":
		for i := range 128 {
			fmt.Fprintf(os.Stderr, "proxy: noise line %03d %s\n", i, strings.Repeat("x", 48))
		}
		fmt.Fprintln(os.Stderr, helperFailLine)
		return 1
	case "notfound":
		fmt.Fprintln(os.Stderr, "sh: 1: exec: proxy: not found")
		return 127
	case "hang":
		signal.Ignore(syscall.SIGHUP)
		fmt.Fprintln(os.Stderr, helperHangLine)
		time.Sleep(time.Hour)
		return 0
	}
	fmt.Fprintln(os.Stderr, "proxy helper: unknown mode", mode)
	return 2
}

// pipeTo is `nc addr`: stdin to the connection, the connection to stdout,
// until the SSH client closes stdin and the server hangs up.
func pipeTo(addr string) int {
	conn, err := net.Dial("tcp", addr)
	if err != nil {
		fmt.Fprintln(os.Stderr, "proxy:", err)
		return 1
	}
	defer conn.Close()
	go func() {
		_, _ = io.Copy(conn, os.Stdin)
		_ = conn.(*net.TCPConn).CloseWrite()
	}()
	_, _ = io.Copy(os.Stdout, conn)
	return 0
}
