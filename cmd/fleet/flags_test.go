package main

import (
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/urfave/cli/v2"
)

// TestFlags_EveryFlagReadsFleetEnv: CI jobs configure fleet through the
// environment, so every flag of every command has a FLEET_ variable.
func TestFlags_EveryFlagReadsFleetEnv(t *testing.T) {
	var walk func(path string, cmds []*cli.Command)
	walk = func(path string, cmds []*cli.Command) {
		for _, c := range cmds {
			name := path + " " + c.Name
			for _, f := range c.Flags {
				df, ok := f.(cli.DocGenerationFlag)
				if !ok {
					t.Errorf("%s: flag %v has no documentation interface", name, f.Names())
					continue
				}
				env := df.GetEnvVars()
				if len(env) == 0 || !strings.HasPrefix(env[0], "FLEET_") {
					t.Errorf("%s --%s reads no FLEET_ variable (%v)", name, f.Names()[0], env)
				}
			}
			walk(name, c.Subcommands)
		}
	}
	walk("fleet", newApp().Commands)
}

func TestCompletion_Scripts(t *testing.T) {
	for shell, want := range map[string]string{
		"bash": "complete -o bashdefault -o default -F _fleet_complete fleet",
		"zsh":  "#compdef fleet",
	} {
		r := runArgs(t.Context(), []string{"fleet", "completion", shell})
		r.wantCode(t, exitOK)
		if !strings.Contains(r.stdout, want) || !strings.Contains(r.stdout, "--generate-bash-completion") {
			t.Errorf("%s script:\n%s", shell, r.stdout)
		}
	}
	r := runArgs(t.Context(), []string{"fleet", "completion", "fish"})
	r.wantCode(t, exitCannotStart)
}

// TestCompletion_Bash sources the bash script and completes against the
// built binary, as an interactive shell would.
func TestCompletion_Bash(t *testing.T) {
	bash, err := exec.LookPath("bash")
	if err != nil {
		t.Skip("no bash")
	}
	bin := buildFleet(t)
	complete := func(words ...string) string {
		t.Helper()
		script := `source <(fleet completion bash)
COMP_WORDS=(` + strings.Join(words, " ") + `); COMP_CWORD=$(( ${#COMP_WORDS[@]} - 1 ))
_fleet_complete; echo "${COMPREPLY[*]}"`
		cmd := exec.Command(bash, "--norc", "--noprofile", "-c", script)
		cmd.Env = []string{"PATH=" + filepath.Dir(bin) + ":/usr/bin:/bin"}
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("bash: %v\n%s", err, out)
		}
		return strings.TrimSpace(string(out))
	}
	if got := complete("fleet", "rol"); got != "rollout rollback" {
		t.Errorf("fleet rol<TAB> = %q", got)
	}
	if got := complete("fleet", "rollout", "--ju"); got != "--junit" {
		t.Errorf("fleet rollout --ju<TAB> = %q", got)
	}
	if got := complete("fleet", "completion", "--"); strings.Contains(got, "--inventory") {
		t.Errorf("completion offers inventory flags: %q", got)
	}
}
