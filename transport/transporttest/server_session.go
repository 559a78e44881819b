package transporttest

import (
	"context"
	"fmt"

	"github.com/pkg/sftp"
	"golang.org/x/crypto/ssh"
)

// exitNoHandler is the shell's "command not found" status.
const exitNoHandler = 127

// handleSession serves one session channel: a single exec or sftp
// subsystem request, plus signals, which cancel the Exec context.
func (s *Server) handleSession(nch ssh.NewChannel) {
	ch, reqs, err := nch.Accept()
	if err != nil {
		return
	}
	ctx, cancel := context.WithCancel(context.Background())
	// reqs is closed when the channel closes, whoever closed it: that ends
	// a running Exec.
	defer cancel()
	go func() {
		select {
		case <-s.done:
			cancel()
		case <-ctx.Done():
		}
	}()
	started := false
	for req := range reqs {
		switch req.Type {
		case "exec", "subsystem":
			var arg struct{ Value string }
			if started || ssh.Unmarshal(req.Payload, &arg) != nil {
				_ = req.Reply(false, nil)
				continue
			}
			started = true
			_ = req.Reply(true, nil)
			s.wg.Add(1)
			go func() {
				defer s.wg.Done()
				status := s.run(ctx, req.Type, arg.Value, ch)
				_ = ch.CloseWrite()
				_, _ = ch.SendRequest("exit-status", false, ssh.Marshal(struct{ Status uint32 }{status}))
				_ = ch.Close()
			}()
		case "signal":
			cancel()
			_ = req.Reply(true, nil)
		case "env", "pty-req":
			_ = req.Reply(true, nil)
		default:
			_ = req.Reply(false, nil)
		}
	}
}

func (s *Server) run(ctx context.Context, kind, arg string, ch ssh.Channel) uint32 {
	if kind == "subsystem" {
		if arg != "sftp" {
			fmt.Fprintf(ch.Stderr(), "transporttest: unknown subsystem %q\n", arg)
			return 1
		}
		s.serveSFTP(ch)
		return 0
	}
	if s.opts.Exec == nil {
		fmt.Fprintf(ch.Stderr(), "transporttest: no Exec handler for %q\n", arg)
		return exitNoHandler
	}
	return uint32(s.opts.Exec(ctx, arg, ch, ch, ch.Stderr()))
}

func (s *Server) serveSFTP(ch ssh.Channel) {
	if h := s.opts.SFTPHandlers; h != nil {
		// Not with pkg/sftp's allocator: it keeps its pages (megabytes)
		// for the life of the session, and hostsim keeps a session per
		// host open for a whole rollout.
		rs := sftp.NewRequestServer(ch, *h, sftp.WithStartDirectory(s.opts.Root))
		_ = rs.Serve()
		_ = rs.Close()
		return
	}
	if s.opts.Root == "" {
		rs := sftp.NewRequestServer(ch, s.memFS)
		_ = rs.Serve()
		_ = rs.Close()
		return
	}
	srv, err := sftp.NewServer(ch, sftp.WithServerWorkingDirectory(s.opts.Root))
	if err != nil {
		fmt.Fprintf(ch.Stderr(), "transporttest: sftp: %v\n", err)
		return
	}
	_ = srv.Serve()
	_ = srv.Close()
}
