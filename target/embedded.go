package target

import "github.com/kmsmac/kmsmac/reference"

// startReference starts the embedded reference endpoint on 127.0.0.1:0.
func startReference(region string) (url string, closeFn func() error, err error) {
	s, err := reference.Start("127.0.0.1:0", reference.Options{Region: region})
	if err != nil {
		return "", nil, err
	}
	return s.URL(), s.Close, nil
}
