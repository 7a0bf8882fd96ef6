package cleanup

import (
	"bytes"
	"context"
	"errors"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/kms"
	"github.com/aws/aws-sdk-go-v2/service/kms/types"

	"github.com/kmsmac/kmsmac/reference"
)

const tagKey = "kmsmac-run"

type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) Now() time.Time      { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *clock) Add(d time.Duration) { c.mu.Lock(); c.t = c.t.Add(d); c.mu.Unlock() }

// fixture is a reference server holding keys of two runs, untagged keys
// and keys with other tags.
type fixture struct {
	c    *kms.Client
	clk  *clock
	keys map[string]string // name → key id
}

func newFixture(t *testing.T) *fixture {
	t.Helper()
	clk := &clock{t: time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)}
	srv := reference.NewServer(reference.Options{Now: clk.Now})
	t.Cleanup(func() { srv.Close() })
	c, _, err := NewClient(context.Background(), Target{Endpoint: srv.URL()})
	if err != nil {
		t.Fatal(err)
	}
	f := &fixture{c: c, clk: clk, keys: map[string]string{}}
	f.create(t, "r1-a", map[string]string{tagKey: "r1", "team": "x"})
	f.create(t, "r1-b", map[string]string{tagKey: "r1"})
	f.create(t, "r2", map[string]string{tagKey: "r2"})
	f.create(t, "untagged", nil)
	f.create(t, "other-tag", map[string]string{"kmsmac": "r1"})
	f.create(t, "r1-pending", map[string]string{tagKey: "r1"})
	f.alias(t, "alias/kmsmac-r1-a", "r1-a")
	f.alias(t, "alias/kmsmac-r1-a2", "r1-a")
	f.alias(t, "alias/keep", "untagged")
	if _, err := c.ScheduleKeyDeletion(context.Background(), &kms.ScheduleKeyDeletionInput{KeyId: aws.String(f.keys["r1-pending"])}); err != nil {
		t.Fatal(err)
	}
	return f
}

func (f *fixture) create(t *testing.T, name string, tags map[string]string) {
	t.Helper()
	in := &kms.CreateKeyInput{KeySpec: types.KeySpecHmac256, KeyUsage: types.KeyUsageTypeGenerateVerifyMac}
	for k, v := range tags {
		in.Tags = append(in.Tags, types.Tag{TagKey: aws.String(k), TagValue: aws.String(v)})
	}
	out, err := f.c.CreateKey(context.Background(), in)
	if err != nil {
		t.Fatal(err)
	}
	f.keys[name] = aws.ToString(out.KeyMetadata.KeyId)
}

func (f *fixture) alias(t *testing.T, alias, key string) {
	t.Helper()
	if _, err := f.c.CreateAlias(context.Background(), &kms.CreateAliasInput{AliasName: aws.String(alias), TargetKeyId: aws.String(f.keys[key])}); err != nil {
		t.Fatal(err)
	}
}

// states returns every fixture key's state and the sorted alias names.
func (f *fixture) states(t *testing.T) (map[string]types.KeyState, []string) {
	t.Helper()
	st := map[string]types.KeyState{}
	for name, id := range f.keys {
		d, err := f.c.DescribeKey(context.Background(), &kms.DescribeKeyInput{KeyId: aws.String(id)})
		if err != nil {
			t.Fatal(err)
		}
		st[name] = d.KeyMetadata.KeyState
	}
	var names []string
	out, err := f.c.ListAliases(context.Background(), &kms.ListAliasesInput{})
	if err != nil {
		t.Fatal(err)
	}
	for _, a := range out.Aliases {
		if a.TargetKeyId != nil {
			names = append(names, aws.ToString(a.AliasName))
		}
	}
	slices.Sort(names)
	return st, names
}

func matched(r Report, f *fixture) map[string]Action {
	byID := map[string]string{}
	for n, id := range f.keys {
		byID[id] = n
	}
	m := map[string]Action{}
	for _, k := range r.Keys {
		m[byID[k.ID]] = k.Action
	}
	return m
}

func TestRunByRunID(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	before, aliasesBefore := f.states(t)

	var log bytes.Buffer
	rep, err := Run(ctx, f.c, Options{TagKey: tagKey, RunID: "r1", DryRun: true, Log: &log})
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]Action{"r1-a": WouldSchedule, "r1-b": WouldSchedule, "r1-pending": AlreadyPending}
	if got := matched(rep, f); !equalMaps(got, want) {
		t.Fatalf("dry run matched %v, want %v", got, want)
	}
	after, aliasesAfter := f.states(t)
	if !equalMaps(before, after) || !slices.Equal(aliasesBefore, aliasesAfter) {
		t.Fatalf("dry run changed things: %v %v → %v %v", before, aliasesBefore, after, aliasesAfter)
	}
	if !strings.Contains(log.String(), "alias/kmsmac-r1-a2") || !strings.Contains(rep.Summary(), "nothing was changed") {
		t.Fatalf("dry-run output:\n%s\n%s", log.String(), rep.Summary())
	}

	rep, err = Run(ctx, f.c, Options{TagKey: tagKey, RunID: "r1", Log: &log})
	if err != nil {
		t.Fatal(err)
	}
	want = map[string]Action{"r1-a": Scheduled, "r1-b": Scheduled, "r1-pending": AlreadyPending}
	if got := matched(rep, f); !equalMaps(got, want) {
		t.Fatalf("matched %v, want %v", got, want)
	}
	for _, k := range rep.Keys {
		if k.Action == Scheduled && !k.DeletionDate.Equal(f.clk.Now().Add(7*24*time.Hour)) {
			t.Fatalf("key %s deletion date %v, want 7 days from now", k.ID, k.DeletionDate)
		}
	}
	st, aliases := f.states(t)
	wantSt := map[string]types.KeyState{"r1-a": "PendingDeletion", "r1-b": "PendingDeletion", "r1-pending": "PendingDeletion",
		"r2": "Enabled", "untagged": "Enabled", "other-tag": "Enabled"}
	if !equalMaps(st, wantSt) {
		t.Fatalf("states %v, want %v", st, wantSt)
	}
	if !slices.Equal(aliases, []string{"alias/keep"}) {
		t.Fatalf("aliases left %v, want only alias/keep", aliases)
	}
	if s := rep.Summary(); !strings.HasPrefix(s, "2 of 6 keys scheduled for deletion (7 days), 2 aliases deleted; 1 already pending deletion; 0 failed") {
		t.Fatalf("summary %q", s)
	}

	// A second run finds only keys already pending deletion.
	rep, err = Run(ctx, f.c, Options{TagKey: tagKey, RunID: "r1"})
	if err != nil || rep.Count(AlreadyPending) != 3 || rep.Count(Scheduled) != 0 {
		t.Fatalf("second run: %v %+v", err, rep)
	}
}

func TestRunOlderThan(t *testing.T) {
	f := newFixture(t)
	f.clk.Add(48 * time.Hour)
	f.create(t, "young", map[string]string{tagKey: "r3"})
	rep, err := Run(context.Background(), f.c, Options{TagKey: tagKey, OlderThan: 24 * time.Hour, Now: f.clk.Now})
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]Action{"r1-a": Scheduled, "r1-b": Scheduled, "r2": Scheduled, "r1-pending": AlreadyPending}
	if got := matched(rep, f); !equalMaps(got, want) {
		t.Fatalf("matched %v, want %v", got, want)
	}
	st, _ := f.states(t)
	if st["young"] != "Enabled" || st["untagged"] != "Enabled" || st["other-tag"] != "Enabled" {
		t.Fatalf("states %v", st)
	}
}

// failing wraps a client and fails ScheduleKeyDeletion for one key.
type failing struct {
	API
	key string
}

func (f failing) ScheduleKeyDeletion(ctx context.Context, in *kms.ScheduleKeyDeletionInput, o ...func(*kms.Options)) (*kms.ScheduleKeyDeletionOutput, error) {
	if aws.ToString(in.KeyId) == f.key {
		return nil, errors.New("injected failure")
	}
	return f.API.ScheduleKeyDeletion(ctx, in, o...)
}

func TestRunReportsFailures(t *testing.T) {
	f := newFixture(t)
	rep, err := Run(context.Background(), failing{f.c, f.keys["r1-b"]}, Options{TagKey: tagKey, RunID: "r1"})
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]Action{"r1-a": Scheduled, "r1-b": Failed, "r1-pending": AlreadyPending}
	if got := matched(rep, f); !equalMaps(got, want) {
		t.Fatalf("matched %v, want %v", got, want)
	}
	for _, k := range rep.Keys {
		if k.Action == Failed && (k.Err == nil || !strings.Contains(k.Err.Error(), "injected failure")) {
			t.Fatalf("failed key error %v", k.Err)
		}
	}
	if !strings.HasSuffix(rep.Summary(), "1 failed") {
		t.Fatalf("summary %q", rep.Summary())
	}
}

func TestRunBadOptions(t *testing.T) {
	f := newFixture(t)
	for _, o := range []Options{
		{RunID: "r1"},
		{TagKey: tagKey},
		{TagKey: tagKey, RunID: "r1", OlderThan: time.Hour},
		{TagKey: tagKey, OlderThan: -time.Hour},
	} {
		if _, err := Run(context.Background(), f.c, o); err == nil {
			t.Fatalf("options %+v accepted", o)
		}
	}
}

func TestRunUnreachable(t *testing.T) {
	srv := reference.NewServer(reference.Options{})
	url := srv.URL()
	srv.Close()
	c, _, err := NewClient(context.Background(), Target{Endpoint: url})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	if _, err := Run(ctx, c, Options{TagKey: tagKey, RunID: "r1"}); err == nil || !strings.Contains(err.Error(), "listing keys") {
		t.Fatalf("closed endpoint: %v", err)
	}
}

func TestNewClientTargets(t *testing.T) {
	for _, tt := range []Target{{}, {Endpoint: "http://127.0.0.1:1", AWS: true}, {Endpoint: "not a url"}, {Endpoint: "ftp://127.0.0.1"}, {Endpoint: "http://"}} {
		if _, _, err := NewClient(context.Background(), tt); err == nil {
			t.Fatalf("target %+v accepted", tt)
		}
	}
	for host, want := range map[string]bool{"localhost": true, "127.0.0.1": true, "::1": true, "127.1.2.3": true, "10.0.0.1": false, "moto": false} {
		if isLoopback(host) != want {
			t.Fatalf("isLoopback(%q) != %v", host, want)
		}
	}
}

func equalMaps[K, V comparable](a, b map[K]V) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if w, ok := b[k]; !ok || w != v {
			return false
		}
	}
	return true
}

// unreadable fails ListResourceTags for one key.
type unreadable struct {
	API
	key string
}

func (u unreadable) ListResourceTags(ctx context.Context, in *kms.ListResourceTagsInput, o ...func(*kms.Options)) (*kms.ListResourceTagsOutput, error) {
	if aws.ToString(in.KeyId) == u.key {
		return nil, errors.New("AccessDeniedException: not allowed")
	}
	return u.API.ListResourceTags(ctx, in, o...)
}

func TestRunWarnsOnUnreadableTags(t *testing.T) {
	f := newFixture(t)
	rep, err := Run(context.Background(), unreadable{f.c, f.keys["r1-b"]}, Options{TagKey: tagKey, RunID: "r1"})
	if err != nil {
		t.Fatal(err)
	}
	if len(rep.Warnings) != 1 || !strings.Contains(rep.Warnings[0], f.keys["r1-b"]) {
		t.Fatalf("warnings %q", rep.Warnings)
	}
	if got := matched(rep, f); got["r1-a"] != Scheduled || got["r1-b"] != "" {
		t.Fatalf("matched %v", got)
	}
	if st, _ := f.states(t); st["r1-b"] != "Enabled" {
		t.Fatalf("unreadable key is %s", st["r1-b"])
	}
	if s := rep.Summary(); !strings.HasSuffix(s, "0 failed (1 keys whose tags could not be read were left alone)") {
		t.Fatalf("summary %q", s)
	}
}
