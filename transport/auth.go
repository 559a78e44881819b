package transport

import (
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"net"
	"os"
	"strings"

	"golang.org/x/crypto/ssh"
	"golang.org/x/crypto/ssh/agent"
)

// authMethod gathers the keys to offer ep: the agent's first (if enabled),
// then the identity files. They form one publickey method because x/crypto
// tries each method name once: a second publickey method would never run.
// The returned func closes the agent connection once the handshake is over.
// rec learns which of the keys the server accepted (identity.go).
func authMethod(ep endpoint, cfg Config, log *slog.Logger, rec *identityRecord) (ssh.AuthMethod, func(), error) {
	var signers []ssh.Signer
	closeAgent := func() {}
	if cfg.UseAgent {
		agentSigners, closeFn := agentSigners(log, rec)
		signers, closeAgent = append(signers, agentSigners...), closeFn
	}
	fileSigners, err := identitySigners(ep, log, rec)
	if err != nil {
		closeAgent()
		return nil, nil, err
	}
	signers = append(signers, fileSigners...)
	if len(signers) == 0 {
		closeAgent()
		return nil, nil, fmt.Errorf("%w: no usable private key (agent or identity files) for %s", ErrAuthFailed, ep)
	}
	return ssh.PublicKeys(signers...), closeAgent, nil
}

// agentSigners returns the keys of the agent at SSH_AUTH_SOCK. An absent or
// broken agent is not an error: the identity files may still do.
func agentSigners(log *slog.Logger, rec *identityRecord) ([]ssh.Signer, func()) {
	sock := os.Getenv("SSH_AUTH_SOCK")
	if sock == "" {
		log.Debug("ssh agent: SSH_AUTH_SOCK not set")
		return nil, func() {}
	}
	conn, err := net.Dial("unix", sock)
	if err != nil {
		log.Debug("ssh agent: unreachable", "err", err)
		return nil, func() {}
	}
	ac := agent.NewClient(conn)
	signers, err := ac.Signers()
	if err != nil {
		log.Debug("ssh agent: list keys", "err", err)
		conn.Close()
		return nil, func() {}
	}
	comments := map[string]string{}
	if keys, err := ac.List(); err == nil {
		for _, k := range keys {
			comments[string(k.Marshal())] = k.Comment
		}
	}
	for i, s := range signers {
		id := Identity{Agent: true, Comment: comments[string(s.PublicKey().Marshal())]}
		signers[i] = recording(s, id, rec)
	}
	return signers, func() { conn.Close() }
}

// identitySigners loads ep's key files. Encrypted keys are skipped, since a
// deployer has nobody to ask for a passphrase; missing files are an error
// only when the caller named them.
func identitySigners(ep endpoint, log *slog.Logger, rec *identityRecord) ([]ssh.Signer, error) {
	var signers []ssh.Signer
	for _, path := range ep.identityFiles {
		data, err := os.ReadFile(path)
		if errors.Is(err, fs.ErrNotExist) && !ep.explicitIDs {
			continue
		}
		if err != nil {
			return nil, fmt.Errorf("read identity file: %w", err)
		}
		signer, err := ssh.ParsePrivateKey(data)
		var missing *ssh.PassphraseMissingError
		if errors.As(err, &missing) {
			log.Debug("identity file is passphrase-protected; skipped (load it into the agent)", "file", path)
			continue
		}
		if err != nil {
			return nil, fmt.Errorf("parse identity file %s: %w", path, err)
		}
		signers = append(signers, recording(signer, Identity{File: path}, rec))
	}
	return signers, nil
}

// isAuthFailure reports whether err is x/crypto/ssh's "no key was
// accepted" handshake error.
//
// This is the one place in fleet that classifies an error by its text:
// x/crypto/ssh returns that failure as an untyped fmt.Errorf ("ssh: unable
// to authenticate, attempted methods [...], no supported methods remain",
// client_auth.go). TestDial_AuthFailure pins the behaviour, so an x/crypto
// upgrade that changes the message fails a test instead of turning auth
// failures into retries.
func isAuthFailure(err error) bool {
	return err != nil && strings.Contains(err.Error(), "ssh: unable to authenticate")
}
