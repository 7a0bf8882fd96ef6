package multiregion

import (
	"testing"
	"time"

	"github.com/kmsmac/kmsmac/reference/mac"
	"github.com/kmsmac/kmsmac/reference/store"
)

func TestReplicaCopiesWhatIsShared(t *testing.T) {
	sp, _ := mac.ByKeySpec("HMAC_256")
	mk, err := mac.NewKey(sp, make([]byte, 32))
	if err != nil {
		t.Fatal(err)
	}
	id := "mrk-0123456789abcdef0123456789abcdef"
	k := &store.Key{ID: id, ARN: "arn:aws:kms:us-east-1:111122223333:key/" + id, KeySpec: "HMAC_256",
		KeyUsage: "GENERATE_VERIFY_MAC", Origin: "AWS_KMS", MultiRegion: true}
	m := store.Mutable{State: store.Disabled, Description: "primary's", Tags: []store.Tag{{Key: "a", Value: "b"}}, MAC: mk, HasMaterial: true}
	arn := "arn:aws:kms:eu-west-1:111122223333:key/" + id
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	r, rm := Replica(k, m, arn, now)
	if r.ID != id || r.ARN != arn || r.KeySpec != k.KeySpec || r.KeyUsage != k.KeyUsage || r.Origin != k.Origin || !r.MultiRegion || !r.Created.Equal(now) {
		t.Errorf("replica key %+v", r)
	}
	if rm.State != store.Creating || !rm.Replica || rm.MAC != mk || !rm.HasMaterial || rm.Description != "" || rm.Tags != nil {
		t.Errorf("replica state %+v: want Creating, the same material, no description or tags", rm)
	}
	Settle(&rm)
	if rm.State != store.Enabled {
		t.Errorf("settled replica %s, want Enabled", rm.State)
	}

	k.Origin = "EXTERNAL"
	digest := [32]byte{1}
	m.Imported = &digest
	_, rm = Replica(k, m, arn, now)
	if rm.HasMaterial || rm.MAC != nil || rm.Imported != &digest {
		t.Errorf("replica of imported material: %+v, want no material and the primary's digest (MRK-6)", rm)
	}
	Settle(&rm)
	if rm.State != store.PendingImport {
		t.Errorf("settled replica without material %s, want PendingImport", rm.State)
	}
	rm.State = store.Disabled
	Settle(&rm)
	if rm.State != store.Disabled {
		t.Errorf("Settle changed a state other than Creating: %s", rm.State)
	}
}

func TestArrange(t *testing.T) {
	p, reps, ok := Arrange([]Copy{{Region: "us-west-2", Replica: true}, {Region: "eu-west-1"}, {Region: "ap-south-1", Replica: true}})
	if !ok || p.Region != "eu-west-1" || len(reps) != 2 || reps[0].Region != "ap-south-1" || reps[1].Region != "us-west-2" {
		t.Errorf("Arrange: primary %v, replicas %v, ok %v", p, reps, ok)
	}
	if _, reps, ok := Arrange([]Copy{{Region: "x", Replica: true}}); ok || len(reps) != 1 {
		t.Errorf("no primary: ok %v, replicas %v", ok, reps)
	}
}
