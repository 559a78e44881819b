package prometheus

import (
	"fmt"

	"github.com/fleetdeploy/fleet/analysis"
	"github.com/prometheus/common/model"
)

// sample turns a query's result into the one number analysis compares:
// an instant vector of at most one series, or a scalar. An empty vector
// is no data; NaN is passed on, for analysis.Evaluate to judge.
func sample(v model.Value) (analysis.Sample, error) {
	switch v := v.(type) {
	case model.Vector:
		return vectorSample(v)
	case *model.Scalar:
		return analysis.Sample{Value: float64(v.Value), HasData: true}, nil
	case model.Matrix:
		return analysis.Sample{}, fmt.Errorf("%w: the query returned a range vector; make it an instant one (rate(x[30s]), not x[30s])", analysis.ErrBadQuery)
	case nil:
		return analysis.Sample{}, nil
	}
	return analysis.Sample{}, fmt.Errorf("%w: the query returned a %s, not a number", analysis.ErrBadQuery, v.Type())
}

func vectorSample(v model.Vector) (analysis.Sample, error) {
	switch {
	case len(v) == 0:
		return analysis.Sample{}, nil
	case len(v) > 1:
		first := []string{v[0].Metric.String(), v[1].Metric.String()}
		return analysis.Sample{}, fmt.Errorf("%w: %w (%s)", analysis.ErrBadQuery, analysis.ErrMultipleSeries, describe(len(v), first))
	case v[0].Histogram != nil:
		return analysis.Sample{}, fmt.Errorf("%w: the query returned a native histogram; reduce it to a number (histogram_quantile)", analysis.ErrBadQuery)
	}
	return analysis.Sample{Value: float64(v[0].Value), HasData: true}, nil
}
