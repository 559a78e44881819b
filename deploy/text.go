package deploy

import "fmt"

func orNone(v string) string {
	if v == "" {
		return "(none)"
	}
	return v
}

func orWord(v, word string) string {
	if v == "" {
		return word
	}
	return v
}

// ByteSize renders a byte count for people: "512 B", "5.0 MiB".
func ByteSize(n int64) string {
	const unit = 1024
	if n < unit {
		return fmt.Sprintf("%d B", n)
	}
	v, suffix := float64(n), "KMGTPE"
	i := -1
	for v >= unit && i < len(suffix)-1 {
		v /= unit
		i++
	}
	return fmt.Sprintf("%.1f %ciB", v, suffix[i])
}
