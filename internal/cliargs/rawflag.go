package cliargs

import "strings"

// RawFlag is a flag's value read from the command line as given, before
// urfave/cli parses it (the last one wins, as for flags; nothing after
// "--"), else the environment variable env's; "" when neither sets it.
// It is for what must be known even when the command line does not parse,
// such as how to print that error.
func RawFlag(args []string, name, env string, getenv func(string) string) string {
	value := getenv(env)
	long, single := "--"+name, "-"+name
	for i, a := range args {
		switch {
		case a == "--":
			return value
		case a == long || a == single:
			if i+1 < len(args) {
				value = args[i+1]
			}
		case strings.HasPrefix(a, long+"="), strings.HasPrefix(a, single+"="):
			value = a[strings.Index(a, "=")+1:]
		}
	}
	return value
}
