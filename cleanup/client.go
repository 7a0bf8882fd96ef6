package cleanup

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"os"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/kms"
)

// Target says which endpoint to clean: a URL, or real KMS through the
// SDK's default configuration chain.
type Target struct {
	Endpoint string // http(s) URL of a KMS-compatible endpoint
	AWS      bool
	Region   string // default AWS_REGION / AWS_DEFAULT_REGION, then us-east-1 for URLs
}

// NewClient builds the KMS client for t and returns it with a name for
// messages. A URL target gets the environment's credentials, or dummy
// ones when the URL is on loopback (emulators accept any); other URLs and
// --aws use the default chain.
func NewClient(ctx context.Context, t Target) (*kms.Client, string, error) {
	if t.AWS == (t.Endpoint != "") {
		return nil, "", errors.New("give exactly one of an endpoint URL and --aws")
	}
	region := t.Region
	if region == "" {
		region = firstEnv("AWS_REGION", "AWS_DEFAULT_REGION")
	}
	hc := &http.Client{Timeout: 60 * time.Second}
	if t.AWS {
		var opts []func(*config.LoadOptions) error
		if region != "" {
			opts = append(opts, config.WithRegion(region))
		}
		cfg, err := config.LoadDefaultConfig(ctx, append(opts, config.WithHTTPClient(hc))...)
		if err != nil {
			return nil, "", fmt.Errorf("loading AWS configuration: %w", err)
		}
		if cfg.Region == "" {
			return nil, "", errors.New("--aws needs a region: set --region or AWS_REGION")
		}
		return kms.NewFromConfig(cfg), "AWS KMS (" + cfg.Region + ")", nil
	}
	u, err := url.Parse(t.Endpoint)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, "", fmt.Errorf("--endpoint %q is not an http(s) URL", t.Endpoint)
	}
	if region == "" {
		region = "us-east-1"
	}
	cfg := aws.Config{Region: region, HTTPClient: hc}
	id, secret := os.Getenv("AWS_ACCESS_KEY_ID"), os.Getenv("AWS_SECRET_ACCESS_KEY")
	switch {
	case id != "" && secret != "":
		cfg.Credentials = credentials.NewStaticCredentialsProvider(id, secret, os.Getenv("AWS_SESSION_TOKEN"))
	case isLoopback(u.Hostname()):
		cfg.Credentials = credentials.NewStaticCredentialsProvider("test", "test", "")
	default:
		dc, err := config.LoadDefaultConfig(ctx, config.WithRegion(region))
		if err != nil {
			return nil, "", fmt.Errorf("loading AWS credentials for %s: %w", t.Endpoint, err)
		}
		cfg.Credentials = dc.Credentials
	}
	c := kms.NewFromConfig(cfg, func(o *kms.Options) { o.BaseEndpoint = aws.String(t.Endpoint) })
	return c, t.Endpoint, nil
}

// isLoopback reports whether host is localhost or a loopback address.
func isLoopback(host string) bool {
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

func firstEnv(names ...string) string {
	for _, n := range names {
		if v := os.Getenv(n); v != "" {
			return v
		}
	}
	return ""
}
