package transporttest_test

import (
	"bytes"
	"context"
	"errors"
	"io"
	"net"
	"testing"

	"github.com/fleetdeploy/fleet/transport/transporttest"
	"golang.org/x/crypto/ssh"
	"golang.org/x/crypto/ssh/knownhosts"
)

func TestServer_ExecWithPlainSSHClient(t *testing.T) {
	srv := transporttest.NewServer(t, transporttest.ServerOptions{
		User: "deploy",
		Exec: func(_ context.Context, cmd string, stdin io.Reader, stdout, _ io.Writer) int {
			data, _ := io.ReadAll(stdin)
			_, _ = io.WriteString(stdout, cmd+":"+string(data))
			return 7
		},
	})
	cb, err := knownhosts.New(transporttest.WriteKnownHosts(t, srv.KnownHostsLine()))
	if err != nil {
		t.Fatal(err)
	}
	client, err := ssh.Dial("tcp", srv.Addr, &ssh.ClientConfig{
		User:              "deploy",
		Auth:              []ssh.AuthMethod{ssh.PublicKeys(srv.ClientSigner)},
		HostKeyCallback:   cb,
		HostKeyAlgorithms: []string{ssh.KeyAlgoED25519},
	})
	if err != nil {
		t.Fatal(err)
	}
	defer client.Close()
	sess, err := client.NewSession()
	if err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	sess.Stdin, sess.Stdout = bytes.NewReader([]byte("in")), &out
	err = sess.Run("cmd")
	var exit *ssh.ExitError
	if !errors.As(err, &exit) || exit.ExitStatus() != 7 {
		t.Errorf("Run: %v, want exit status 7", err)
	}
	if out.String() != "cmd:in" {
		t.Errorf("stdout = %q", out.String())
	}
	if srv.Handshakes() != 1 || srv.Logins()[0] != "deploy" {
		t.Errorf("handshakes %d, logins %q", srv.Handshakes(), srv.Logins())
	}
}

func TestServer_ForwardsOnlyToLoopback(t *testing.T) {
	srv := transporttest.NewServer(t, transporttest.ServerOptions{})
	client, err := ssh.Dial("tcp", srv.Addr, &ssh.ClientConfig{
		User:            "x",
		Auth:            []ssh.AuthMethod{ssh.PublicKeys(srv.ClientSigner)},
		HostKeyCallback: ssh.FixedHostKey(srv.HostKeys()[0]),
	})
	if err != nil {
		t.Fatal(err)
	}
	defer client.Close()
	// 192.0.2.1 is TEST-NET-1: refused by the server before any dial.
	if c, err := client.Dial("tcp", "192.0.2.1:22"); err == nil {
		c.Close()
		t.Fatal("forwarded to a non-loopback address")
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	go func() {
		c, err := ln.Accept()
		if err == nil {
			_, _ = io.WriteString(c, "hello")
			c.Close()
		}
	}()
	c, err := client.Dial("tcp", ln.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if got, _ := io.ReadAll(c); string(got) != "hello" {
		t.Errorf("forwarded read %q", got)
	}
}
