package reference

import (
	"fmt"
	"testing"
	"time"
)

// The pending-deletion window ends: DescribeKey answers NotFoundException
// (KID-7's text) once the clock passes DeletionDate, in memory and with a
// data directory, and the deletion survives a restart.
func TestDeletionWindowEnds(t *testing.T) {
	for _, dir := range []string{"", t.TempDir()} {
		t.Run(fmt.Sprintf("data=%v", dir != ""), func(t *testing.T) {
			c := &testClock{t: time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)}
			s, err := Open(Options{Now: c.Now, DataDir: dir})
			if err != nil {
				t.Fatal(err)
			}
			id, arn := hmacKey(t, s, "HMAC_256")
			kept, _ := hmacKey(t, s, "HMAC_256")
			mustCall(t, s, "CreateAlias", `{"AliasName":"alias/doomed","TargetKeyId":"`+id+`"}`)
			mustCall(t, s, "ScheduleKeyDeletion", `{"KeyId":"`+id+`","PendingWindowInDays":7}`)
			out := mustCall(t, s, "KmsmacReference.AdvanceClock", `{"Seconds":604799}`)
			if out["DeletedKeys"].(float64) != 0 || describe(t, s, id)["KeyState"] != "PendingDeletion" {
				t.Fatalf("deleted before the window ended: %v", out)
			}
			out = mustCall(t, s, "KmsmacReference.AdvanceClock", `{"Seconds":1}`)
			if out["DeletedKeys"].(float64) != 1 {
				t.Fatalf("AdvanceClock to the window's end: %v", out)
			}
			_, e := call(t, s, "DescribeKey", `{"KeyId":"`+id+`"}`)
			wantErr(t, e, "NotFoundException", "Key '"+arn+"' does not exist")
			_, e = call(t, s, "DescribeKey", `{"KeyId":"alias/doomed"}`)
			wantErr(t, e, "NotFoundException", "")
			_, e = call(t, s, "CancelKeyDeletion", `{"KeyId":"`+id+`"}`)
			wantErr(t, e, "NotFoundException", "Key '"+arn+"' does not exist")
			if describe(t, s, kept)["KeyState"] != "Enabled" {
				t.Fatal("the other key changed")
			}
			if dir == "" {
				return
			}
			if err := s.Close(); err != nil {
				t.Fatal(err)
			}
			r, err := Open(Options{Now: c.Now, DataDir: dir})
			if err != nil {
				t.Fatal(err)
			}
			defer r.Close()
			_, e = call(t, r, "DescribeKey", `{"KeyId":"`+id+`"}`)
			wantErr(t, e, "NotFoundException", "Key '"+arn+"' does not exist")
			if describe(t, r, kept)["KeyState"] != "Enabled" {
				t.Fatal("the kept key did not survive the restart")
			}
		})
	}
}

// A window that ends while the server is down is over at the restart.
func TestDeletionWindowEndsWhileStopped(t *testing.T) {
	dir := t.TempDir()
	c := &testClock{t: time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)}
	s, err := Open(Options{Now: c.Now, DataDir: dir})
	if err != nil {
		t.Fatal(err)
	}
	id, _ := hmacKey(t, s, "HMAC_256")
	mustCall(t, s, "ScheduleKeyDeletion", `{"KeyId":"`+id+`","PendingWindowInDays":7}`)
	s.Close()
	c.Add(8 * 24 * time.Hour)
	r, err := Open(Options{Now: c.Now, DataDir: dir})
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	if n := r.Store().KeyCount(); n != 0 {
		t.Fatalf("%d keys after the window ended while stopped", n)
	}
}

func TestAdvanceClockValidation(t *testing.T) {
	s, _ := newTestService(t)
	for body, want := range map[string]string{
		`{}`:                 "NullValue",
		`{"Seconds":-1}`:     "Range",
		`{"Seconds":"x"}`:    "",
		`{"Seconds":9e99}`:   "",
		`{"Seconds":1,"x":}`: "",
	} {
		if _, e := call(t, s, "KmsmacReference.AdvanceClock", body); e == nil {
			t.Errorf("%s accepted (want %s)", body, want)
		}
	}
	before := s.opts.Now()
	mustCall(t, s, "KmsmacReference.AdvanceClock", `{"Seconds":3600}`)
	if got := s.opts.Now().Sub(before); got != time.Hour {
		t.Fatalf("clock moved %s, want 1h", got)
	}
}

// BenchmarkCreateKey is the write path, in memory and with a data file
// (one fsync per key): the request-rate cost of --data.
func BenchmarkCreateKey(b *testing.B) {
	for _, data := range []bool{false, true} {
		b.Run(fmt.Sprintf("data=%v", data), func(b *testing.B) {
			opts := Options{}
			if data {
				opts.DataDir = b.TempDir()
			}
			s, err := Open(opts)
			if err != nil {
				b.Fatal(err)
			}
			defer s.Close()
			b.ReportAllocs()
			for b.Loop() {
				hmacKey(b, s, "HMAC_256")
			}
		})
	}
}
