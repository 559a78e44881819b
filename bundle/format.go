package bundle

import (
	"compress/gzip"
	"fmt"
	"io"
	"strings"

	"github.com/klauspost/compress/zstd"
)

// Format is how an artifact is packed. The zero value is a bare binary,
// which is not a bundle.
type Format string

const (
	Binary Format = ""
	Tar    Format = "tar"
	TarGz  Format = "tar.gz"
	TarZst Format = "tar.zst"
)

// FormatOf is the format of the artifact at path, from its name: a
// directory is packed into a Tar by the controller; .tar, .tar.gz, .tgz
// and .tar.zst name archives; anything else is a binary.
func FormatOf(path string, isDir bool) Format {
	switch {
	case isDir, strings.HasSuffix(path, ".tar"):
		return Tar
	case strings.HasSuffix(path, ".tar.gz"), strings.HasSuffix(path, ".tgz"):
		return TarGz
	case strings.HasSuffix(path, ".tar.zst"):
		return TarZst
	}
	return Binary
}

// Validate refuses a format this package does not know (what the agent
// runs on stage_begin's).
func (f Format) Validate() error {
	switch f {
	case Binary, Tar, TarGz, TarZst:
		return nil
	}
	return fmt.Errorf("format %.32q: want %s, %s or %s (or none for a binary)", string(f), Tar, TarGz, TarZst)
}

// maxWindow bounds the memory a zstd stream may ask the decoder for.
const maxWindow = 64 << 20

// Decompress returns the tar stream inside r.
func Decompress(r io.Reader, f Format) (io.ReadCloser, error) {
	switch f {
	case Tar:
		return io.NopCloser(r), nil
	case TarGz:
		z, err := gzip.NewReader(r)
		if err != nil {
			return nil, fmt.Errorf("gzip: %w", err)
		}
		return z, nil
	case TarZst:
		z, err := zstd.NewReader(r, zstd.WithDecoderConcurrency(1), zstd.WithDecoderLowmem(true),
			zstd.WithDecoderMaxWindow(maxWindow))
		if err != nil {
			return nil, fmt.Errorf("zstd: %w", err)
		}
		return z.IOReadCloser(), nil
	}
	return nil, fmt.Errorf("%s is not an archive format", f)
}
