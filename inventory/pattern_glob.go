package inventory

import (
	"regexp"
	"strings"
)

// fnmatch is Ansible's glob: Python's fnmatch.translate, matched against
// the whole name. '*' is any text, '?' one character, [abc] and [!abc]
// classes; a '[' without its ']' is a literal, and a backslash is a
// literal too (Python's globs have no escapes).
func fnmatch(glob string) (func(string) bool, error) {
	var b strings.Builder
	b.WriteString(`^(?s:`)
	for i := 0; i < len(glob); {
		c := glob[i]
		i++
		switch c {
		case '*':
			b.WriteString(`.*`)
		case '?':
			b.WriteString(`.`)
		case '[':
			class, next, ok := fnmatchClass(glob, i)
			if !ok {
				b.WriteString(`\[`)
				continue
			}
			b.WriteString(class)
			i = next
		default:
			b.WriteString(regexp.QuoteMeta(string(c)))
		}
	}
	b.WriteString(`)$`)
	re, err := regexp.Compile(b.String())
	if err != nil {
		return nil, err
	}
	return re.MatchString, nil
}

// fnmatchClass translates the class that starts after the '[' at
// glob[i-1]. As in Python, a leading '!' negates, and a ']' right after
// the '[' (or '[!') is a member. ok is false when the class never closes.
func fnmatchClass(glob string, i int) (class string, next int, ok bool) {
	j := i
	if j < len(glob) && glob[j] == '!' {
		j++
	}
	if j < len(glob) && glob[j] == ']' {
		j++
	}
	for j < len(glob) && glob[j] != ']' {
		j++
	}
	if j >= len(glob) {
		return "", 0, false
	}
	stuff := glob[i:j]
	switch {
	case stuff == "":
		return `[^\x00-\x{10FFFF}]`, j + 1, true // an empty class never matches
	case stuff == "!":
		return `.`, j + 1, true
	}
	neg := ""
	if stuff[0] == '!' {
		neg, stuff = "^", stuff[1:]
	}
	// Every member but '-' is literal, so escape what RE2 treats as syntax.
	var b strings.Builder
	for k := 0; k < len(stuff); k++ {
		if c := stuff[k]; strings.IndexByte(`\[]^:`, c) >= 0 {
			b.WriteByte('\\')
		}
		b.WriteByte(stuff[k])
	}
	return "[" + neg + b.String() + "]", j + 1, true
}
