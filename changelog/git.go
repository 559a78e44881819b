package changelog

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"strings"
)

// gitResult is what one git command did.
type gitResult struct {
	out      []byte // stdout
	ok       bool   // git ran and exited 0
	code     int    // exit code; -1 when git did not run
	notFound bool   // no git on PATH
	problem  string // when !ok: "git <args>: <first line of stderr, or the error>", cleaned
}

// runGit runs git with args in dir, from an argv. Its error is non-nil
// only when ctx ended; every other failure is in the result.
func runGit(ctx context.Context, dir string, args ...string) (gitResult, error) {
	argv := append([]string{"-C", dir, "--no-pager", "-c", "log.showSignature=false", "-c", "color.ui=false"}, args...)
	cmd := exec.CommandContext(ctx, "git", argv...)
	cmd.Env = gitEnv()
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	if ctx.Err() != nil {
		return gitResult{}, fmt.Errorf("git %s: %w", args[0], ctx.Err())
	}
	res := gitResult{out: stdout.Bytes(), ok: err == nil, code: cmd.ProcessState.ExitCode()}
	if err == nil {
		return res, nil
	}
	res.notFound = errors.Is(err, exec.ErrNotFound)
	why, _, _ := strings.Cut(strings.TrimSpace(stderr.String()), "\n")
	if why == "" {
		why = err.Error()
	}
	res.problem = clean("git "+args[0]+": "+why, 300)
	return res, nil
}

// gitEnv is the environment git runs with: the caller's, less whatever
// would point git at another repository than dir, with prompts and
// optional locks off.
func gitEnv() []string {
	var env []string
	for _, kv := range os.Environ() {
		k, _, _ := strings.Cut(kv, "=")
		switch k {
		case "GIT_DIR", "GIT_WORK_TREE", "GIT_INDEX_FILE", "GIT_OBJECT_DIRECTORY",
			"GIT_ALTERNATE_OBJECT_DIRECTORIES", "GIT_COMMON_DIR", "GIT_NAMESPACE",
			"GIT_CONFIG_PARAMETERS", "GIT_CONFIG_COUNT", "GIT_EXTERNAL_DIFF", "GIT_PAGER", "PAGER":
			continue
		}
		env = append(env, kv)
	}
	return append(env, "GIT_TERMINAL_PROMPT=0", "GIT_OPTIONAL_LOCKS=0")
}
