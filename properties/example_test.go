package properties_test

import (
	"context"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/kms"

	"github.com/kmsmac/kmsmac/properties"
	"github.com/kmsmac/kmsmac/reference"
)

// A check against the embedded reference; a godog step does the same with
// the Target's clients.
func Example() {
	srv := reference.NewServer(reference.Options{})
	defer srv.Close()
	creds := credentials.NewStaticCredentialsProvider("test", "test", "")
	client := kms.New(kms.Options{Region: "us-east-1", BaseEndpoint: aws.String(srv.URL()), Credentials: creds})
	raw := properties.NewRaw(srv.URL(), "us-east-1", creds, nil)

	r := properties.RoundTrip(context.Background(), client, raw, properties.Config{Seed: 42, Tests: 20})
	fmt.Println(r.Passed, r.Seed, r.Succeeded)
	// Output: true 42 20
}
