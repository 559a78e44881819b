package main

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
)

// greetingFile is hello's one config file, relative to the directory of
// its executable: in a fleet bundle, the release directory
// (releases/<v>/config/greeting), so every release carries its own.
const greetingFile = "config/greeting"

const defaultGreeting = "hello"

// greeting is the first line of config/greeting beside the executable,
// "hello" when there is none: GET / answers "<greeting> from <version> on
// <host>".
func greeting() (string, error) {
	exe, err := os.Executable()
	if err != nil {
		return "", fmt.Errorf("greeting: %w", err)
	}
	if exe, err = filepath.EvalSymlinks(exe); err != nil {
		return "", fmt.Errorf("greeting: %w", err)
	}
	return greetingIn(filepath.Dir(exe))
}

func greetingIn(dir string) (string, error) {
	b, err := os.ReadFile(filepath.Join(dir, filepath.FromSlash(greetingFile)))
	if errors.Is(err, fs.ErrNotExist) {
		return defaultGreeting, nil
	}
	if err != nil {
		return "", fmt.Errorf("greeting: %w", err)
	}
	line, _, _ := strings.Cut(string(b), "\n")
	if line = strings.TrimSpace(line); line == "" {
		return defaultGreeting, nil
	}
	return line, nil
}
