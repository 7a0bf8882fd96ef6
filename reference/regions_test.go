package reference

import (
	"context"
	"encoding/json"
	"errors"
	"testing"
	"time"

	"github.com/kmsmac/kmsmac/reference/auth"
	"github.com/kmsmac/kmsmac/reference/awsjson"
	"github.com/kmsmac/kmsmac/reference/multiregion"
)

// twoRegions is the Caller of a Server serving us-east-1 and eu-west-1.
func twoRegions(t *testing.T, dataDir string) *accounts {
	return twoRegionsAt(t, dataDir, nil)
}

func twoRegionsAt(t *testing.T, dataDir string, now func() time.Time) *accounts {
	t.Helper()
	o := Options{Regions: []string{"eu-west-1"}, DataDir: dataDir, Now: now}.withDefaults()
	o.Principals = auth.Default(o.Account)
	a, err := newAccounts(o)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { a.Close() })
	return a
}

// in calls op as an unsigned request scoped to region.
func in(t *testing.T, a *accounts, region, op, body string) (map[string]any, *awsjson.Error) {
	t.Helper()
	out, err := a.Call(auth.WithRegion(context.Background(), region), op, []byte(body))
	if err != nil {
		var ae *awsjson.Error
		if !errors.As(err, &ae) {
			t.Fatalf("%s: %v", op, err)
		}
		return nil, ae
	}
	var m map[string]any
	if err := json.Unmarshal(out, &m); err != nil {
		t.Fatalf("%s: %q: %v", op, out, err)
	}
	return m, nil
}

func mustIn(t *testing.T, a *accounts, region, op, body string) map[string]any {
	t.Helper()
	m, err := in(t, a, region, op, body)
	if err != nil {
		t.Fatalf("%s in %s: %s %s", op, region, err.Type, err.Message)
	}
	return m
}

func field(m map[string]any, path ...string) any {
	var v any = m
	for _, p := range path {
		mm, _ := v.(map[string]any)
		v = mm[p]
	}
	return v
}

const (
	east = "us-east-1"
	west = "eu-west-1"
)

func createMRK(t *testing.T, a *accounts, origin string) string {
	t.Helper()
	m := mustIn(t, a, east, "CreateKey", `{"KeySpec":"HMAC_256","KeyUsage":"GENERATE_VERIFY_MAC","MultiRegion":true,"Origin":"`+origin+`"}`)
	return field(m, "KeyMetadata", "KeyId").(string)
}

func TestReplicaSharesMaterialAndKeepsItsOwnState(t *testing.T) {
	a := twoRegions(t, "")
	id := createMRK(t, a, "AWS_KMS")
	if len(id) != 36 || id[:4] != "mrk-" {
		t.Fatalf("key id %q, want mrk- + 32 hex", id)
	}
	// KID-10: the bare id exists only in us-east-1.
	_, err := in(t, a, west, "DescribeKey", `{"KeyId":"`+id+`"}`)
	wantErr(t, err, "NotFoundException", "Key 'arn:aws:kms:eu-west-1:111122223333:key/"+id+"' does not exist")

	r := mustIn(t, a, east, "ReplicateKey", `{"KeyId":"`+id+`","ReplicaRegion":"eu-west-1","Description":"r","Tags":[{"TagKey":"a","TagValue":"b"}]}`)
	if got := field(r, "ReplicaKeyMetadata", "KeyState"); got != "Creating" {
		t.Errorf("new replica state %v, want Creating (MRK-4)", got)
	}
	if got := field(r, "ReplicaKeyMetadata", "Arn"); got != "arn:aws:kms:eu-west-1:111122223333:key/"+id {
		t.Errorf("replica ARN %v", got)
	}
	if got := field(r, "ReplicaKeyMetadata", "MultiRegionConfiguration", "MultiRegionKeyType"); got != "REPLICA" {
		t.Errorf("replica type %v", got)
	}
	mac := `{"KeyId":"` + id + `","Message":"aGVsbG8=","MacAlgorithm":"HMAC_SHA_256"}`
	_, err = in(t, a, west, "GenerateMac", mac)
	wantErr(t, err, "KMSInvalidStateException", "arn:aws:kms:eu-west-1:111122223333:key/"+id+" is creating.")

	multiregion.SettleKey(a.by["111122223333/"+west].store, id)
	m1 := mustIn(t, a, east, "GenerateMac", mac)["Mac"].(string)
	m2 := mustIn(t, a, west, "GenerateMac", mac)["Mac"].(string)
	if m1 != m2 {
		t.Fatalf("primary and replica MACs differ: %s %s (MRK-2/3)", m1, m2)
	}
	d := mustIn(t, a, east, "DescribeKey", `{"KeyId":"`+id+`"}`)
	reps, _ := field(d, "KeyMetadata", "MultiRegionConfiguration", "ReplicaKeys").([]any)
	if len(reps) != 1 || field(reps[0].(map[string]any), "Region") != west {
		t.Errorf("primary's ReplicaKeys %v, want the eu-west-1 replica", reps)
	}

	// MRK-7: a replica is not replicated.
	_, err = in(t, a, west, "ReplicateKey", `{"KeyId":"`+id+`","ReplicaRegion":"us-east-1"}`)
	wantErr(t, err, "UnsupportedOperationException", "arn:aws:kms:eu-west-1:111122223333:key/"+id+" is not a multi-region primary key.")
	_, err = in(t, a, east, "ReplicateKey", `{"KeyId":"`+id+`","ReplicaRegion":"eu-west-1"}`)
	wantErr(t, err, "AlreadyExistsException", "")
	_, err = in(t, a, east, "ReplicateKey", `{"KeyId":"`+id+`","ReplicaRegion":"ap-south-1"}`)
	wantErr(t, err, "UnsupportedOperationException", "")

	// MRK-5: state and tags are per Region.
	mustIn(t, a, west, "DisableKey", `{"KeyId":"`+id+`"}`)
	if got := field(mustIn(t, a, east, "DescribeKey", `{"KeyId":"`+id+`"}`), "KeyMetadata", "KeyState"); got != "Enabled" {
		t.Errorf("primary state %v after disabling the replica", got)
	}
	if tags := mustIn(t, a, east, "ListResourceTags", `{"KeyId":"`+id+`"}`)["Tags"].([]any); len(tags) != 0 {
		t.Errorf("primary got the replica's tags: %v", tags)
	}

	// STATE-4 / MRK-8: a primary with a replica waits in PendingReplicaDeletion.
	s := mustIn(t, a, east, "ScheduleKeyDeletion", `{"KeyId":"`+id+`","PendingWindowInDays":7}`)
	if s["KeyState"] != "PendingReplicaDeletion" {
		t.Errorf("ScheduleKeyDeletion state %v, want PendingReplicaDeletion", s["KeyState"])
	}
	_, err = in(t, a, east, "GenerateMac", mac)
	wantErr(t, err, "KMSInvalidStateException", "arn:aws:kms:us-east-1:111122223333:key/"+id+" is pending replica deletion.")
}

func TestUpdatePrimaryRegion(t *testing.T) {
	a := twoRegions(t, "")
	id := createMRK(t, a, "AWS_KMS")
	mustIn(t, a, east, "ReplicateKey", `{"KeyId":"`+id+`","ReplicaRegion":"eu-west-1"}`)
	multiregion.SettleKey(a.by["111122223333/"+west].store, id)
	mustIn(t, a, east, "UpdatePrimaryRegion", `{"KeyId":"`+id+`","PrimaryRegion":"eu-west-1"}`)
	for region, want := range map[string]string{east: "REPLICA", west: "PRIMARY"} {
		d := mustIn(t, a, region, "DescribeKey", `{"KeyId":"`+id+`"}`)
		if got := field(d, "KeyMetadata", "MultiRegionConfiguration", "MultiRegionKeyType"); got != want {
			t.Errorf("%s: type %v, want %s", region, got, want)
		}
		if got := field(d, "KeyMetadata", "MultiRegionConfiguration", "PrimaryKey", "Region"); got != west {
			t.Errorf("%s: primary Region %v, want %s", region, got, west)
		}
	}
	// The old primary is now a replica: only eu-west-1 can replicate.
	_, err := in(t, a, east, "UpdatePrimaryRegion", `{"KeyId":"`+id+`","PrimaryRegion":"eu-west-1"}`)
	wantErr(t, err, "UnsupportedOperationException", "*")
}

func TestImportedPrimaryGivesReplicaPendingImport(t *testing.T) {
	a := twoRegions(t, "")
	id := createMRK(t, a, "EXTERNAL")
	mustIn(t, a, east, "ReplicateKey", `{"KeyId":"`+id+`","ReplicaRegion":"eu-west-1"}`)
	multiregion.SettleKey(a.by["111122223333/"+west].store, id)
	if got := field(mustIn(t, a, west, "DescribeKey", `{"KeyId":"`+id+`"}`), "KeyMetadata", "KeyState"); got != "PendingImport" {
		t.Errorf("replica of an EXTERNAL primary: %v, want PendingImport (MRK-6)", got)
	}
}

func TestRegionsAreDurable(t *testing.T) {
	dir := t.TempDir()
	a := twoRegions(t, dir)
	id := createMRK(t, a, "AWS_KMS")
	mustIn(t, a, east, "ReplicateKey", `{"KeyId":"`+id+`","ReplicaRegion":"eu-west-1"}`)
	if err := a.Close(); err != nil {
		t.Fatal(err)
	}
	b := twoRegions(t, dir) // a restart settles the replica left Creating
	d := mustIn(t, b, west, "DescribeKey", `{"KeyId":"`+id+`"}`)
	if got := field(d, "KeyMetadata", "KeyState"); got != "Enabled" {
		t.Errorf("replica after restart: %v, want Enabled", got)
	}
	if got := field(d, "KeyMetadata", "MultiRegionConfiguration", "PrimaryKey", "Region"); got != east {
		t.Errorf("primary Region after restart: %v", got)
	}
}

// A primary pending replica deletion goes at its date, as a key pending
// deletion does (the sweeper would otherwise keep it for ever).
func TestPendingReplicaDeletionEnds(t *testing.T) {
	c := &testClock{t: time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)}
	a := twoRegionsAt(t, "", c.Now)
	id := createMRK(t, a, "AWS_KMS")
	mustIn(t, a, east, "ReplicateKey", `{"KeyId":"`+id+`","ReplicaRegion":"eu-west-1"}`)
	s := mustIn(t, a, east, "ScheduleKeyDeletion", `{"KeyId":"`+id+`","PendingWindowInDays":7}`)
	if s["KeyState"] != "PendingReplicaDeletion" {
		t.Fatalf("state %v", s["KeyState"])
	}
	c.Add(6 * 24 * time.Hour)
	mustIn(t, a, east, "DescribeKey", `{"KeyId":"`+id+`"}`)
	c.Add(2 * 24 * time.Hour)
	_, err := in(t, a, east, "DescribeKey", `{"KeyId":"`+id+`"}`)
	wantErr(t, err, "NotFoundException", "*")
}
