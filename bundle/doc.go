// Package bundle is a release made of several files: a directory on the
// controller, packed into a deterministic tar (Pack), or a .tar, .tar.gz
// or .tar.zst archive; on the host, Extract unpacks one into a fresh
// release directory with every check an archive from outside needs (no
// absolute paths, no "..", no link leaving the release, no device or
// fifo, a size limit counted on the bytes written, not on the headers)
// and returns its Manifest, which Verify checks again before the switch.
//
// It imports only the standard library and klauspost/compress's zstd.
package bundle
