package main

import (
	_ "embed"
	"fmt"
	"strings"

	"github.com/urfave/cli/v2"
)

// The completion scripts ask fleet itself (urfave/cli's hidden
// --generate-bash-completion flag) for the commands and flags that fit
// the words typed so far. They are shell, kept as shell files.
var (
	//go:embed completion/fleet.bash
	bashCompletion string
	//go:embed completion/fleet.zsh
	zshCompletion string
)

func completionCommand() *cli.Command {
	return &cli.Command{
		Name:      "completion",
		Usage:     "print a shell completion script: source <(fleet completion bash) or (zsh)",
		ArgsUsage: "bash|zsh",
		Action: func(c *cli.Context) error {
			shell := c.Args().First()
			var script string
			switch shell {
			case "bash":
				script = bashCompletion
			case "zsh":
				script = zshCompletion
			default:
				return withExit(exitCannotStart, fmt.Errorf("completion %q: want bash or zsh", shell))
			}
			_, err := fmt.Fprint(c.App.Writer, strings.TrimLeft(script, "\n"))
			return err
		},
	}
}
