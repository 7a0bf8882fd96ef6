package main

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/kms"
	"github.com/aws/aws-sdk-go-v2/service/kms/types"

	"github.com/kmsmac/kmsmac/cleanup"
	"github.com/kmsmac/kmsmac/reference"
	"github.com/kmsmac/kmsmac/target"
)

func TestCleanupCommand(t *testing.T) {
	t.Setenv("AWS_ENDPOINT_URL_KMS", "")
	t.Setenv("AWS_ENDPOINT_URL", "")
	srv := reference.NewServer(reference.Options{})
	defer srv.Close()
	ctx := context.Background()
	c, _, err := cleanup.NewClient(ctx, cleanup.Target{Endpoint: srv.URL()})
	if err != nil {
		t.Fatal(err)
	}
	mk := func(tags ...string) string {
		in := &kms.CreateKeyInput{KeySpec: types.KeySpecHmac256, KeyUsage: types.KeyUsageTypeGenerateVerifyMac}
		for i := 0; i+1 < len(tags); i += 2 {
			in.Tags = append(in.Tags, types.Tag{TagKey: aws.String(tags[i]), TagValue: aws.String(tags[i+1])})
		}
		out, err := c.CreateKey(ctx, in)
		if err != nil {
			t.Fatal(err)
		}
		return aws.ToString(out.KeyMetadata.KeyId)
	}
	tagged := mk(target.RunTagKey, "abc123")
	tagged2 := mk(target.RunTagKey, "abc123")
	otherRun := mk(target.RunTagKey, "zzz")
	plain := mk()
	custom := mk("owner", "ci")
	state := func(id string) types.KeyState {
		d, err := c.DescribeKey(ctx, &kms.DescribeKeyInput{KeyId: aws.String(id)})
		if err != nil {
			t.Fatal(err)
		}
		return d.KeyMetadata.KeyState
	}

	cases := []struct {
		name string
		args []string
		code int
		out  string
		want map[string]types.KeyState // key states afterwards
	}{
		{"help", []string{"-h"}, 0, "--older-than", nil},
		{"unknown flag", []string{"--nope"}, 2, "unknown flag --nope", nil},
		{"no selector", []string{"--endpoint", srv.URL()}, 2, "exactly one of --run-id", nil},
		{"both selectors", []string{"--endpoint", srv.URL(), "--run-id", "x", "--older-than", "1h"}, 2, "exactly one of --run-id", nil},
		{"negative age", []string{"--endpoint", srv.URL(), "--older-than", "-1h"}, 2, "must be positive", nil},
		{"bad duration", []string{"--endpoint", srv.URL(), "--older-than", "soon"}, 2, "invalid value", nil},
		{"no target", []string{"--run-id", "abc123"}, 2, "no target", nil},
		{"aws and endpoint", []string{"--aws", "--endpoint", srv.URL(), "--run-id", "x"}, 2, "exclude each other", nil},
		{"aws without yes", []string{"--aws", "--run-id", "x"}, 2, "without --yes", nil},
		{"bad url", []string{"--endpoint", "ftp://x", "--run-id", "x"}, 2, "not an http(s) URL", nil},
		{"stray argument", []string{"--endpoint", srv.URL(), "--run-id", "x", "more"}, 2, "unexpected arguments", nil},
		{"dry run", []string{"--endpoint", srv.URL(), "--run-id", "abc123", "--dry-run"}, 0, "dry run: 2 of 5 keys would be scheduled",
			map[string]types.KeyState{tagged: "Enabled", tagged2: "Enabled", otherRun: "Enabled", plain: "Enabled"}},
		{"run id", []string{"--endpoint", srv.URL(), "--run-id", "abc123"}, 0, "2 of 5 keys scheduled for deletion (7 days)",
			map[string]types.KeyState{tagged: "PendingDeletion", tagged2: "PendingDeletion", otherRun: "Enabled", plain: "Enabled"}},
		{"again", []string{"--endpoint", srv.URL(), "--run-id", "abc123"}, 0, "2 already pending deletion", nil},
		{"empty tag key", []string{"--endpoint", srv.URL(), "--run-id", "x", "--tag-key", ""}, 2, "must not be empty", nil},
		{"other tag key", []string{"--endpoint", srv.URL(), "--tag-key", "owner", "--run-id", "ci"}, 0, "1 of 5 keys scheduled",
			map[string]types.KeyState{custom: "PendingDeletion", otherRun: "Enabled", plain: "Enabled"}},
		{"young keys stay", []string{"--endpoint", srv.URL(), "--older-than", "24h"}, 0, "0 of 5 keys scheduled",
			map[string]types.KeyState{otherRun: "Enabled", plain: "Enabled"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			var out, errb bytes.Buffer
			code := run(append([]string{"cleanup"}, tc.args...), &out, &errb)
			all := out.String() + errb.String()
			if code != tc.code {
				t.Fatalf("exit %d, want %d\n%s", code, tc.code, all)
			}
			if !strings.Contains(all, tc.out) {
				t.Fatalf("output lacks %q:\n%s", tc.out, all)
			}
			for id, st := range tc.want {
				if got := state(id); got != st {
					t.Fatalf("key %s is %s, want %s\n%s", id, got, st, all)
				}
			}
		})
	}
}

// The endpoint from the environment is used when no flag names one.
func TestCleanupEndpointFromEnv(t *testing.T) {
	srv := reference.NewServer(reference.Options{})
	defer srv.Close()
	t.Setenv("AWS_ENDPOINT_URL_KMS", srv.URL())
	var out, errb bytes.Buffer
	if code := run([]string{"cleanup", "--run-id", "r"}, &out, &errb); code != 0 || !strings.Contains(out.String(), "cleaning "+srv.URL()) {
		t.Fatalf("exit %d\n%s%s", code, out.String(), errb.String())
	}
}
