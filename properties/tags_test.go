package properties

import (
	"context"
	"sync"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/kms"
)

// Every key a check creates carries Config.Tags (DefaultTags when nil) and
// is reported to Config.KeyCreated, so a caller can count and find them.
func TestFixtureTagsAndCountsKeys(t *testing.T) {
	ctx := context.Background()
	client, _ := endpoint(t)
	cases := []struct {
		name string
		tags map[string]string
		want map[string]string
	}{
		{"default", nil, DefaultTags},
		{"run tag", map[string]string{"kmsmac-run": "abc123"}, map[string]string{"kmsmac-run": "abc123"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			var mu sync.Mutex
			var seen []string
			cfg := Config{NoImport: true, Tags: tc.tags, KeyCreated: func(arn string) {
				mu.Lock()
				seen = append(seen, arn)
				mu.Unlock()
			}}
			fx, err := NewFixtureConfig(ctx, client, cfg)
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { _ = fx.Close(context.Background()) })
			var all []string
			for _, arns := range fx.Keys {
				all = append(all, arns...)
			}
			if got := fx.Created(); len(got) != len(all) {
				t.Fatalf("Created lists %d keys, fixture has %d", len(got), len(all))
			}
			if len(seen) != len(all) || len(all) != 2*4 {
				t.Fatalf("KeyCreated saw %d keys, fixture has %d (want 8)", len(seen), len(all))
			}
			for _, arn := range all {
				out, err := client.ListResourceTags(ctx, &kms.ListResourceTagsInput{KeyId: aws.String(arn)})
				if err != nil {
					t.Fatal(err)
				}
				got := map[string]string{}
				for _, tg := range out.Tags {
					got[aws.ToString(tg.TagKey)] = aws.ToString(tg.TagValue)
				}
				if len(got) != len(tc.want) {
					t.Fatalf("%s tags %v, want %v", arn, got, tc.want)
				}
				for k, v := range tc.want {
					if got[k] != v {
						t.Fatalf("%s tags %v, want %v", arn, got, tc.want)
					}
				}
			}
		})
	}
}
