package reference

import "slices"

// pageStart is where a page of a listing starts: 0 without a marker, else
// the item whose key is the marker. Keys are unique (grant ids, tag keys),
// so the marker names one item; an unknown marker is InvalidMarkerException.
func pageStart[T any](items []T, marker *string, key func(T) string) (int, error) {
	if marker == nil {
		return 0, nil
	}
	i := slices.IndexFunc(items, func(it T) bool { return key(it) == *marker })
	if i < 0 {
		return 0, errInvalidMarker()
	}
	return i, nil
}
