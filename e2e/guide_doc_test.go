//go:build e2e

package e2e

import (
	"fmt"
	"strings"
)

// guideBlock is one fenced block of docs/own-hosts.md. Its info string
// says what the guide's test does with it:
//
//	```sh run:NAME      run, in order; NAME keys the checks made after it
//	```sh not-run       not run: the prose before it must say "Not run by the test"
//	```yaml file:NAME   the file NAME the commands wrote, compared byte for byte
//
// Any other shell block (sh, bash, shell, console) is an error, so no
// command can be skipped by leaving its mark out.
type guideBlock struct {
	line int    // of the opening fence
	lang string // sh, yaml, ini…
	run  string // run:NAME's NAME
	file string // file:NAME's NAME
	text string
}

var shellLangs = map[string]bool{"sh": true, "bash": true, "shell": true, "console": true, "zsh": true}

// parseGuide reads the fenced blocks of doc and checks every shell block
// is marked.
func parseGuide(doc string) ([]guideBlock, error) {
	var blocks []guideBlock
	var cur *guideBlock
	var prose strings.Builder // since the last block
	for i, line := range strings.Split(doc, "\n") {
		fence := strings.HasPrefix(strings.TrimSpace(line), "```")
		switch {
		case cur != nil && fence:
			blocks = append(blocks, *cur)
			cur = nil
			prose.Reset()
		case cur != nil:
			cur.text += line + "\n"
		case fence:
			b, err := openBlock(i+1, strings.TrimPrefix(strings.TrimSpace(line), "```"), prose.String())
			if err != nil {
				return nil, err
			}
			cur = &b
		default:
			prose.WriteString(line + "\n")
		}
	}
	if cur != nil {
		return nil, fmt.Errorf("line %d: block never closed", cur.line)
	}
	return blocks, nil
}

// openBlock reads a fence's info string; prose is the text since the
// previous block.
func openBlock(line int, info, prose string) (guideBlock, error) {
	f := strings.Fields(info)
	b := guideBlock{line: line}
	if len(f) > 0 {
		b.lang = f[0]
	}
	mark := ""
	if len(f) > 1 {
		mark = f[1]
	}
	name, isRun := strings.CutPrefix(mark, "run:")
	file, isFile := strings.CutPrefix(mark, "file:")
	switch {
	case isRun && name != "" && shellLangs[b.lang]:
		b.run = name
	case mark == "not-run" && shellLangs[b.lang]:
		if !strings.Contains(strings.ToLower(prose), "not run by the test") {
			return b, fmt.Errorf("line %d: a not-run block whose prose does not say \"Not run by the test\"", line)
		}
	case isFile && file != "" && !shellLangs[b.lang]:
		b.file = file
	case shellLangs[b.lang] || b.lang == "":
		return b, fmt.Errorf("line %d: a shell block marked neither run:NAME nor not-run (%q)", line, info)
	}
	return b, nil
}
