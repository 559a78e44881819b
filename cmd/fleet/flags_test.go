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

// TestFlags_BadFlagIsOneLine: a flag fleet cannot read gets one line that
// names it with two dashes and says what it takes; no help unless asked.
func TestFlags_BadFlagIsOneLine(t *testing.T) {
	for _, tc := range []struct {
		name string
		env  [2]string
		args []string
		want string
	}{
		{name: "Duration", args: []string{"rollout", "-a", "x", "--canary-bake", "x"},
			want: `fleet rollout: --canary-bake "x": want a duration such as 30s or 2m`},
		{name: "DurationWithEquals", args: []string{"rollout", "--canary-bake=soon", "-a", "x"},
			want: `fleet rollout: --canary-bake "soon": want a duration such as 30s or 2m`},
		{name: "Int", args: []string{"history", "--last", "many"},
			want: `fleet history: --last "many": want a whole number`},
		{name: "Bool", args: []string{"status", "--help=maybe"},
			want: `fleet status: --help "maybe": want true or false`},
		{name: "Undefined", args: []string{"rollout", "--limt", "web1"},
			want: `fleet rollout: unknown flag --limt (did you mean "--limit"?); see fleet rollout --help`},
		{name: "UndefinedNoSuggestion", args: []string{"status", "--zzzzzz"},
			want: `fleet status: unknown flag --zzzzzz; see fleet status --help`},
		{name: "UndefinedOneDash", args: []string{"agent", "serve", "-q"},
			want: `fleet agent serve: unknown flag -q; see fleet agent serve --help`},
		{name: "NoValue", args: []string{"status", "--limit"},
			want: `fleet status: --limit needs a value; see fleet status --help`},
		{name: "BeforeTheCommand", args: []string{"--limit", "web1", "status"},
			want: `fleet: --limit goes after the command name (fleet <command> --limit); see fleet --help`},
		{name: "UndefinedAtTheTop", args: []string{"--zzzzzz"},
			want: `fleet: unknown flag --zzzzzz; see fleet --help`},
		{name: "FromEnv", env: [2]string{"FLEET_CANARY_BAKE", "soon"}, args: []string{"rollout", "-a", "x"},
			want: `fleet rollout: FLEET_CANARY_BAKE "soon" (for --canary-bake): want a duration such as 30s or 2m`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if tc.env[0] != "" {
				t.Setenv(tc.env[0], tc.env[1])
			}
			r, got := runRecorded(t, append([]string{"fleet"}, tc.args...)...)
			if r.code != exitCannotStart || r.stderr != tc.want+"\n" || r.stdout != "" || len(got) != 0 {
				t.Errorf("exit %d, ran %+v\nstdout: %s\nstderr: %q\nwant:   %q", r.code, got, r.stdout, r.stderr, tc.want)
			}
		})
	}
	r := runArgs(t.Context(), []string{"fleet", "rollout", "--help"})
	if r.code != exitOK || !strings.Contains(r.stdout, "--canary-bake") || r.stderr != "" {
		t.Errorf("--help: exit %d\nstdout: %s\nstderr: %s", r.code, r.stdout, r.stderr)
	}
}

// TestFlags_Version: --version prints what the version command prints.
func TestFlags_Version(t *testing.T) {
	want := versionString() + "\n"
	if r := runArgs(t.Context(), []string{"fleet", "version"}); r.code != exitOK || r.stdout != want {
		t.Fatalf("fleet version: exit %d, stdout %q\n%s", r.code, r.stdout, r.stderr)
	}
	// It answers before any command runs.
	for _, args := range [][]string{{"fleet", "--version"}, {"fleet", "--version", "status"}} {
		r, got := runRecorded(t, args...)
		if r.code != exitOK || r.stdout != want || r.stderr != "" || len(got) != 0 {
			t.Errorf("%v: exit %d, ran %+v\nstdout %q, want %q\nstderr: %s", args, r.code, got, r.stdout, want, r.stderr)
		}
	}
}

// TestFlags_UnknownCommand: one line, with a suggestion when one is close.
func TestFlags_UnknownCommand(t *testing.T) {
	for args, want := range map[string]string{
		"rollot":      `fleet: unknown command "rollot" (did you mean "rollout"?)`,
		"stauts -l x": `fleet: unknown command "stauts" (did you mean "status"?)`,
		"deploy":      `fleet: unknown command "deploy"; see fleet --help`,
		"agent serv":  `fleet agent: unknown command "serv" (did you mean "serve"?)`,
	} {
		r := runArgs(t.Context(), append([]string{"fleet"}, strings.Fields(args)...))
		if r.code != exitCannotStart || r.stderr != want+"\n" || r.stdout != "" {
			t.Errorf("fleet %s: exit %d\nstdout: %s\nstderr: %q\nwant:   %q", args, r.code, r.stdout, r.stderr, want)
		}
	}
	if r := runArgs(t.Context(), []string{"fleet"}); r.code != exitOK || !strings.Contains(r.stdout, "COMMANDS:") {
		t.Errorf("fleet alone: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
}
