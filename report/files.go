package report

import "errors"

// WriteFiles writes r as JUnit XML to junit (--junit) and as JSON to
// jsonPath (--report), each with WriteFile; "" skips one. Both are tried
// whatever the other did; the errors are joined.
func (r Report) WriteFiles(junit, jsonPath string) error {
	var errs []error
	if junit != "" {
		errs = append(errs, WriteFile(junit, r.WriteJUnit))
	}
	if jsonPath != "" {
		errs = append(errs, WriteFile(jsonPath, r.WriteJSON))
	}
	return errors.Join(errs...)
}
