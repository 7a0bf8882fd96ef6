package reference

import (
	"context"
	"strings"
	"sync"
	"testing"
)

// TestMalformedBodies: odd bodies give a 400 and never panic or change
// state, for every operation.
func TestMalformedBodies(t *testing.T) {
	s, _ := newTestService(t)
	id, _ := hmacKey(t, s, "HMAC_256")
	mustCall(t, s, "CreateAlias", `{"AliasName":"alias/keep","TargetKeyId":"`+id+`"}`)
	before := describe(t, s, id)
	bodies := []string{
		`null`, `[]`, `"x"`, `5`, `true`, `{`, `{"KeyId":}`, `{"KeyId": 5}`, `{"KeyId": ["a"]}`, `{"KeyId": {"a":1}}`,
		`{"Message": "not base64!"}`, `{"Message": 5}`, `{"Mac": "@@@@"}`, `{"DryRun": "yes"}`, `{"GrantTokens": "t"}`,
		`{"GrantTokens": [1]}`, `{"Limit": 1e400}`, `{"Limit": 99999999999999999999999}`, `{"Limit": 1.5}`,
		`{"PendingWindowInDays": -1e30}`, `{"ValidTo": "tomorrow"}`, `{"Tags": {"k":"v"}}`, `{"Operations": "GenerateMac"}`,
		`{"KeyId":"` + id + `"} trailing`, `{"KeyId":"` + id + `"}{"KeyId":"x"}`, "\xff\xfe", `{"KeyId":"\ud800"}`,
		strings.Repeat("[", 100000) + strings.Repeat("]", 100000),
		`{"KeyId":` + strings.Repeat(`{"a":`, 20000) + `1` + strings.Repeat(`}`, 20000) + `}`,
	}
	opNames := make([]string, 0, len(ops))
	for op := range ops {
		opNames = append(opNames, op)
	}
	for _, op := range opNames {
		for _, b := range bodies {
			func() {
				defer func() {
					if r := recover(); r != nil {
						t.Fatalf("%s with %.40q panicked: %v", op, b, r)
					}
				}()
				out, err := s.Call(context.Background(), op, []byte(b))
				if err == nil {
					t.Fatalf("%s accepted %.40q: %s", op, b, out)
				}
				ae := asAWSError(t, err)
				if ae.Status != 400 {
					t.Fatalf("%s with %.40q: status %d (%v)", op, b, ae.Status, ae)
				}
			}()
		}
	}
	after := describe(t, s, id)
	for k, v := range before {
		if after[k] != nil && k != "MacAlgorithms" && after[k] != v {
			t.Fatalf("%s changed from %v to %v", k, v, after[k])
		}
	}
	if n := s.Store().KeyCount(); n != 1 {
		t.Fatalf("%d keys, want 1", n)
	}
	if describe(t, s, "alias/keep")["KeyId"] != id {
		t.Fatal("alias changed")
	}
}

func asAWSError(t *testing.T, err error) *awsError {
	t.Helper()
	ae, ok := err.(*awsError)
	if !ok {
		t.Fatalf("error %T %v is not *awsjson.Error", err, err)
	}
	return ae
}

// TestConcurrentService runs MAC calls against keys being disabled,
// enabled and re-aliased at the same time; run with -race.
func TestConcurrentService(t *testing.T) {
	s, _ := newTestService(t)
	var ids []string
	for range 4 {
		id, _ := hmacKey(t, s, "HMAC_256")
		ids = append(ids, id)
	}
	mustCall(t, s, "CreateAlias", `{"AliasName":"alias/hot","TargetKeyId":"`+ids[0]+`"}`)
	var wg sync.WaitGroup
	for w := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			ctx := context.Background()
			for i := range 300 {
				id := ids[(i+w)%len(ids)]
				switch i % 4 {
				case 0:
					_, _ = s.Call(ctx, "DisableKey", []byte(`{"KeyId":"`+id+`"}`))
				case 1:
					_, _ = s.Call(ctx, "EnableKey", []byte(`{"KeyId":"`+id+`"}`))
				case 2:
					_, _ = s.Call(ctx, "UpdateAlias", []byte(`{"AliasName":"alias/hot","TargetKeyId":"`+id+`"}`))
				default:
					_, err := s.Call(ctx, "GenerateMac", []byte(`{"KeyId":"alias/hot","Message":"AA==","MacAlgorithm":"HMAC_SHA_256"}`))
					if err != nil && asAWSError(t, err).Type != "DisabledException" {
						t.Errorf("GenerateMac: %v", err)
					}
				}
			}
		}()
	}
	wg.Wait()
}
