package properties

import (
	"context"
	"net/http"
	"net/http/httptest"
	"os"
	"strconv"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/kms"

	"github.com/kmsmac/kmsmac/reference"
	"github.com/kmsmac/kmsmac/reference/awsjson"
)

// envEndpoint points the tests at another endpoint (e.g. a moto_server
// URL) instead of the embedded reference. Loopback only: never real KMS.
const envEndpoint = "KMSMAC_PROPERTIES_ENDPOINT"

// testSeed fixes the seed so go test is repeatable; the property tests
// print it anyway. $KMSMAC_PROPERTIES_SEED replaces it to explore.
var testSeed = seedFromEnv(20261123)

func seedFromEnv(def int64) int64 {
	if s, err := strconv.ParseInt(os.Getenv("KMSMAC_PROPERTIES_SEED"), 10, 64); err == nil && s != 0 {
		return s
	}
	return def
}

var testCreds = credentials.NewStaticCredentialsProvider("test", "test", "")

// clientFor returns an SDK client and a raw client for url.
func clientFor(url string) (*kms.Client, Raw) {
	c := kms.New(kms.Options{
		Region:       "us-east-1",
		BaseEndpoint: aws.String(url),
		Credentials:  testCreds,
		// Errors are what the checks look at: do not retry them.
		RetryMaxAttempts: 1,
	})
	return c, NewRaw(url, "us-east-1", testCreds, nil)
}

// endpoint returns clients for the endpoint under test: $KMSMAC_PROPERTIES_ENDPOINT
// or a fresh embedded reference closed at the end of the test.
func endpoint(t *testing.T) (*kms.Client, Raw) {
	t.Helper()
	if url := os.Getenv(envEndpoint); url != "" {
		c, r := clientFor(url)
		return c, r
	}
	srv := reference.NewServer(reference.Options{})
	t.Cleanup(func() { _ = srv.Close() })
	c, r := clientFor(srv.URL())
	return c, r
}

// brokenEndpoint serves the reference through a Caller that changes one
// operation's answers, to prove the checks can fail.
func brokenEndpoint(t *testing.T, wrap func(next awsjson.Caller) awsjson.Caller) (*kms.Client, Raw) {
	t.Helper()
	svc := reference.NewService(reference.Options{})
	ts := httptest.NewServer(awsjson.NewHandler(wrap(svc), awsjson.HandlerOptions{}))
	t.Cleanup(ts.Close)
	return clientFor(ts.URL)
}

type callerFunc func(ctx context.Context, op string, body []byte) ([]byte, error)

func (f callerFunc) Call(ctx context.Context, op string, body []byte) ([]byte, error) {
	return f(ctx, op, body)
}

var _ = http.StatusOK

// envLacks lists capabilities the endpoint lacks, comma-separated
// (import,grants,aliases), for runs against emulators.
const envLacks = "KMSMAC_PROPERTIES_LACKS"

// withCaps sets the No* fields of cfg from $KMSMAC_PROPERTIES_LACKS.
func withCaps(cfg Config) Config {
	for _, c := range strings.Split(os.Getenv(envLacks), ",") {
		switch strings.TrimSpace(c) {
		case "import":
			cfg.NoImport = true
		case "grants":
			cfg.NoGrants = true
		case "aliases":
			cfg.NoAliases = true
		}
	}
	return cfg
}
