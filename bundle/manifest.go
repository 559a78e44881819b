package bundle

// Kinds of manifest entries.
const (
	KindFile = "file"
	KindDir  = "dir"
	KindLink = "symlink"
)

// Entry is one file, directory or symlink of a release, as recorded in
// release.json's files.
type Entry struct {
	Path   string `json:"path"` // slash-separated, relative to the release
	Kind   string `json:"type"`
	Mode   uint32 `json:"mode,omitempty"`   // permission bits; files and directories
	Size   int64  `json:"size,omitempty"`   // files
	SHA256 string `json:"sha256,omitempty"` // files, hex
	Target string `json:"target,omitempty"` // symlinks
}

// Manifest is every entry of a release but release.json, sorted by path.
type Manifest []Entry

// Find returns the entry at path.
func (m Manifest) Find(path string) (Entry, bool) {
	for _, e := range m {
		if e.Path == path {
			return e, true
		}
	}
	return Entry{}, false
}
