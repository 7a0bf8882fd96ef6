package steps

import (
	"strings"
	"testing"

	"github.com/kmsmac/kmsmac/target"
)

// The tag's promise is enforced on every run: a call that is not
// read-only and names a shared key (id or ARN, SDK or raw) never leaves.
func TestSharedKeyIsNeverChanged(t *testing.T) {
	w := NewWorld(&target.Target{Name: "none"}, &Settings{})
	const id, arn = "1234abcd-12ab-34cd-56ef-1234567890ab", "arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab"
	w.sharedIDs = map[string]string{id: "K", arn: "K"}
	for _, op := range []string{"DisableKey", "ScheduleKeyDeletion", "TagResource", "CreateGrant", "CreateAlias", "ImportKeyMaterial", "KmsmacReference.SetKeyState", "TrentService.DisableKey"} {
		for _, ref := range []string{id, arn} {
			if err := w.checkShared(op, []byte(`{"KeyId":"`+ref+`"}`)); err == nil || !strings.Contains(err.Error(), SharedKeyTag) {
				t.Errorf("%s on the shared key (%s): %v, want a refusal naming %s", op, ref, err, SharedKeyTag)
			}
		}
	}
	if o := w.CallRaw(t.Context(), "TrentService.DisableKey", []byte(`{"KeyId":"`+id+`"}`)); o.Err == nil || o.Status != 0 {
		t.Errorf("raw DisableKey on the shared key was sent: %+v", o)
	}
	for _, c := range []struct{ op, body string }{{"GenerateMac", `{"KeyId":"` + id + `"}`}, {"DescribeKey", `{"KeyId":"` + arn + `"}`},
		{"DisableKey", `{"KeyId":"0000abcd-12ab-34cd-56ef-1234567890ab"}`}} {
		if err := w.checkShared(c.op, []byte(c.body)); err != nil {
			t.Errorf("%s %s: %v, want it allowed", c.op, c.body, err)
		}
	}
}
