package ansible

import "errors"

// shlexSplit splits a host line the way Ansible does, with Python's
// shlex.split(line, comments=True) in POSIX mode: words are separated by
// whitespace; '…' quotes everything; "…" quotes everything except \" and
// \\; outside quotes a backslash escapes the next character; and '#'
// outside quotes ends the line, even in the middle of a word.
func shlexSplit(s string) ([]string, error) {
	var (
		words  []string
		word   []byte
		inWord bool // a word has started, even an empty quoted one
	)
	emit := func() {
		if inWord {
			words = append(words, string(word))
		}
		word, inWord = word[:0:0], false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == ' ' || c == '\t' || c == '\r' || c == '\n':
			emit()
		case c == '#':
			emit()
			return words, nil
		case c == '\\':
			if i+1 == len(s) {
				return nil, errors.New("no character after the final backslash")
			}
			i++
			word, inWord = append(word, s[i]), true
		case c == '\'' || c == '"':
			end, quoted, err := shlexQuoted(s, i)
			if err != nil {
				return nil, err
			}
			word, inWord = append(word, quoted...), true
			i = end
		default:
			word, inWord = append(word, c), true
		}
	}
	emit()
	return words, nil
}

// shlexQuoted reads the quoted string that starts at s[start] and returns
// the index of its closing quote and its contents.
func shlexQuoted(s string, start int) (int, []byte, error) {
	q := s[start]
	var out []byte
	for i := start + 1; i < len(s); i++ {
		c := s[i]
		switch {
		case c == q:
			return i, out, nil
		case q == '"' && c == '\\' && i+1 < len(s):
			// Inside "…" only \" and \\ are escapes; any other backslash
			// stays, as in a POSIX shell.
			if n := s[i+1]; n == '"' || n == '\\' {
				out = append(out, n)
				i++
				continue
			}
			out = append(out, c)
		default:
			out = append(out, c)
		}
	}
	return 0, nil, errors.New("no closing quotation")
}
