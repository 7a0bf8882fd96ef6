package mac

import (
	"bytes"
	"testing"
)

func TestStateRoundTrip(t *testing.T) {
	for _, sp := range Specs {
		material := bytes.Repeat([]byte{7}, sp.Size)
		k, err := NewKey(sp, material)
		if err != nil {
			t.Fatal(err)
		}
		in, out := k.State()
		k2, err := FromState(sp, in, out)
		if err != nil {
			t.Fatal(err)
		}
		msg := []byte("hello")
		if got, want := k2.Sum(nil, msg), Sum(sp, material, msg); !bytes.Equal(got, want) {
			t.Fatalf("%s: rebuilt key MAC %x, want %x", sp.KeySpec, got, want)
		}
		if _, err := FromState(sp, in[:len(in)-1], out); err == nil {
			t.Fatalf("%s: truncated state accepted", sp.KeySpec)
		}
	}
	if _, err := FromState(Specs[0], nil, nil); err == nil {
		t.Fatal("empty state accepted")
	}
}
