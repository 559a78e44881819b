//go:build e2e

package labtest

import (
	"bufio"
	"bytes"
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"golang.org/x/crypto/ssh"
	"golang.org/x/crypto/ssh/knownhosts"
)

// bridgeName is the bridge e2e/lab/lab.sh creates; every lab host lives on it.
const bridgeName = "fleetbr0"

// lab is what e2e/lab/lab.sh up wrote into <repo>/.lab.
type lab struct {
	root       string     // repository root
	dir        string     // <root>/.lab
	hosts      []string   // host addresses, from .lab/hosts
	subnet     *net.IPNet // the bridge's subnet
	signer     ssh.Signer // .lab/id_ed25519
	hostKeys   ssh.HostKeyCallback
	consulAddr string // .lab/consul-addr
}

// labExpected: in CI, or when asked to, a missing lab is a failure, not a skip.
func labExpected() bool {
	return os.Getenv("CI") == "true" || os.Getenv("FLEET_E2E") == "1"
}

// openLab reads .lab/ and checks, before any connection, that the lab's
// network exists: the bridge is there, and every address the test will
// contact is inside the bridge's subnet. Otherwise it skips, or fails when
// the lab is expected.
func openLab(t *testing.T) *lab {
	t.Helper()
	missing := func(format string, args ...any) {
		t.Helper()
		msg := fmt.Sprintf(format, args...)
		if labExpected() {
			t.Fatalf("lab expected (CI=true or FLEET_E2E=1) but not usable: %s; run e2e/lab/lab.sh up", msg)
		}
		t.Skipf("lab not up (%s); run e2e/lab/lab.sh up, or set FLEET_E2E=1 to make this a failure", msg)
	}

	root, err := repoRoot()
	if err != nil {
		t.Fatal(err)
	}
	l := &lab{root: root, dir: filepath.Join(root, ".lab")}

	subnet, err := bridgeSubnet(bridgeName)
	if err != nil {
		missing("%v", err)
	}
	l.subnet = subnet

	hosts, err := readLines(filepath.Join(l.dir, "hosts"))
	if err != nil || len(hosts) == 0 {
		missing("no hosts in %s: %v", filepath.Join(l.dir, "hosts"), err)
	}
	for _, h := range hosts {
		if err := l.checkAddr(h); err != nil {
			missing("%v", err)
		}
	}
	l.hosts = hosts

	b, err := os.ReadFile(filepath.Join(l.dir, "consul-addr"))
	if err != nil {
		missing("%v", err)
	}
	l.consulAddr = strings.TrimSpace(string(b))
	if err := l.checkURL(l.consulAddr); err != nil {
		missing("consul: %v", err)
	}

	key, err := os.ReadFile(filepath.Join(l.dir, "id_ed25519"))
	if err != nil {
		missing("%v", err)
	}
	if l.signer, err = ssh.ParsePrivateKey(key); err != nil {
		t.Fatalf("parse lab key: %v", err)
	}
	if l.hostKeys, err = knownhosts.New(filepath.Join(l.dir, "known_hosts")); err != nil {
		missing("%v", err)
	}
	return l
}

// checkAddr refuses any address outside the lab bridge's subnet.
func (l *lab) checkAddr(host string) error {
	ip := net.ParseIP(host)
	if ip == nil {
		return fmt.Errorf("host %q is not an IP address", host)
	}
	if !l.subnet.Contains(ip) {
		return fmt.Errorf("host %s is outside the lab subnet %s", host, l.subnet)
	}
	return nil
}

func (l *lab) checkURL(u string) error {
	host, _, err := net.SplitHostPort(strings.TrimPrefix(u, "http://"))
	if err != nil {
		return fmt.Errorf("address %q: %w", u, err)
	}
	return l.checkAddr(host)
}

// bridgeSubnet returns the IPv4 subnet of the named Linux bridge.
func bridgeSubnet(name string) (*net.IPNet, error) {
	if _, err := os.Stat(filepath.Join("/sys/class/net", name, "bridge")); err != nil {
		return nil, fmt.Errorf("bridge %s does not exist", name)
	}
	ifc, err := net.InterfaceByName(name)
	if err != nil {
		return nil, fmt.Errorf("bridge %s: %w", name, err)
	}
	if ifc.Flags&net.FlagUp == 0 {
		return nil, fmt.Errorf("bridge %s is down", name)
	}
	addrs, err := ifc.Addrs()
	if err != nil {
		return nil, fmt.Errorf("bridge %s addresses: %w", name, err)
	}
	for _, a := range addrs {
		if n, ok := a.(*net.IPNet); ok && n.IP.To4() != nil {
			return &net.IPNet{IP: n.IP.Mask(n.Mask), Mask: n.Mask}, nil
		}
	}
	return nil, fmt.Errorf("bridge %s has no IPv4 address", name)
}

// repoRoot walks up from the working directory to the directory with go.mod.
func repoRoot() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", errors.New("no go.mod above the working directory")
		}
		dir = parent
	}
}

func readLines(path string) ([]string, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	var out []string
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if s := strings.TrimSpace(sc.Text()); s != "" && !strings.HasPrefix(s, "#") {
			out = append(out, s)
		}
	}
	return out, sc.Err()
}

// dial opens a strictly host-key-checked SSH connection as root.
func (l *lab) dial(ctx context.Context, host string) (*ssh.Client, error) {
	if err := l.checkAddr(host); err != nil {
		return nil, err
	}
	hostport := net.JoinHostPort(host, "22")
	algos, err := hostKeyAlgorithms(l.hostKeys, hostport)
	if err != nil {
		return nil, err
	}
	cfg := &ssh.ClientConfig{
		User:              "root",
		Auth:              []ssh.AuthMethod{ssh.PublicKeys(l.signer)},
		HostKeyCallback:   l.hostKeys,
		HostKeyAlgorithms: algos,
		Timeout:           5 * time.Second,
	}
	d := net.Dialer{Timeout: 5 * time.Second}
	conn, err := d.DialContext(ctx, "tcp", hostport)
	if err != nil {
		return nil, fmt.Errorf("ssh dial %s: %w", hostport, err)
	}
	// a peer that accepts TCP but never finishes the handshake must not hang us
	if err := conn.SetDeadline(time.Now().Add(10 * time.Second)); err != nil {
		_ = conn.Close()
		return nil, err
	}
	c, chans, reqs, err := ssh.NewClientConn(conn, hostport, cfg)
	if err != nil {
		_ = conn.Close()
		return nil, fmt.Errorf("ssh handshake %s: %w", hostport, err)
	}
	if err := conn.SetDeadline(time.Time{}); err != nil {
		_ = c.Close()
		return nil, err
	}
	return ssh.NewClient(c, chans, reqs), nil
}

// hostKeyAlgorithms lists the host key algorithms known_hosts holds for
// hostport, so the handshake negotiates a key type known_hosts can verify
// (Go's default order would otherwise pick ECDSA first). It asks the
// knownhosts callback itself with a throwaway key: the resulting KeyError
// lists the known keys, with knownhosts' own matching rules.
func hostKeyAlgorithms(cb ssh.HostKeyCallback, hostport string) ([]string, error) {
	pub, _, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		return nil, err
	}
	probe, err := ssh.NewPublicKey(pub)
	if err != nil {
		return nil, err
	}
	host, _, _ := net.SplitHostPort(hostport)
	err = cb(hostport, &net.TCPAddr{IP: net.ParseIP(host), Port: 22}, probe)
	var ke *knownhosts.KeyError
	if !errors.As(err, &ke) {
		return nil, fmt.Errorf("known_hosts lookup %s: %w", hostport, err)
	}
	if len(ke.Want) == 0 {
		return nil, fmt.Errorf("%s is not in known_hosts", hostport)
	}
	var algos []string
	for _, k := range ke.Want {
		switch t := k.Key.Type(); t {
		case ssh.KeyAlgoRSA:
			algos = append(algos, ssh.KeyAlgoRSASHA512, ssh.KeyAlgoRSASHA256, ssh.KeyAlgoRSA)
		default:
			algos = append(algos, t)
		}
	}
	return algos, nil
}

// run runs cmd in a new session with stdin, returning stdout; a failure
// carries stderr. If ctx ends first (a host that went away mid-test), the
// connection is closed so nothing blocks on it.
func run(ctx context.Context, c *ssh.Client, cmd string, stdin []byte) (string, error) {
	var stdout, stderr bytes.Buffer
	done := make(chan error, 1)
	go func() {
		s, err := c.NewSession()
		if err != nil {
			done <- fmt.Errorf("session: %w", err)
			return
		}
		defer s.Close()
		s.Stdout, s.Stderr = &stdout, &stderr
		if stdin != nil {
			s.Stdin = bytes.NewReader(stdin)
		}
		done <- s.Run(cmd)
	}()
	select {
	case err := <-done:
		if err != nil {
			return stdout.String(), fmt.Errorf("%s: %w: %s", cmd, err, strings.TrimSpace(stderr.String()))
		}
		return stdout.String(), nil
	case <-ctx.Done():
		_ = c.Close()
		<-done
		return "", fmt.Errorf("%s: %w", cmd, context.Cause(ctx))
	}
}

// newLabHTTP returns a client that never uses a proxy: lab traffic stays on
// the bridge, whatever HTTP_PROXY says.
func newLabHTTP() *http.Client {
	return &http.Client{
		Timeout:   5 * time.Second,
		Transport: &http.Transport{Proxy: nil, DisableKeepAlives: true},
	}
}
