package steps

import (
	"strings"
	"testing"

	"github.com/kmsmac/kmsmac/target"
)

func TestMessageQuotes(t *testing.T) {
	long := strings.Repeat("a", 2048)
	for _, c := range []struct {
		name    string
		request string
		msg     string
		hasMsg  bool
		wantErr string
	}{
		{"exact", `{"KeyId":"` + long + `"}`, "Invalid keyId '" + long + "'", true, ""},
		{"clipped value", `{"KeyId":"` + long + `"}`, "Invalid keyId '" + long[:2047] + "'", true, "expected: message"},
		{"no message", `{"KeyId":"x"}`, "", false, "expected: message"},
		{"no member", `{"Other":"x"}`, "Invalid keyId 'x'", true, `no string member "KeyId"`},
		{"no body", ``, "Invalid keyId 'x'", true, "no JSON body"},
	} {
		ctx, w := scenarioCtx(t, &Settings{})
		w.last = &target.Outcome{Op: "GenerateMac", Request: []byte(c.request), Status: 400, Type: "NotFoundException", Message: c.msg, HasMsg: c.hasMsg}
		err := thenMessageQuotes(ctx, "KeyId", "Invalid keyId '<value>'")
		switch {
		case c.wantErr == "" && err != nil:
			t.Errorf("%s: %v", c.name, err)
		case c.wantErr != "" && (err == nil || !strings.Contains(err.Error(), c.wantErr)):
			t.Errorf("%s: err %v, want one containing %q", c.name, err, c.wantErr)
		}
		if err != nil && len(err.Error()) > 1200 {
			t.Errorf("%s: the failure is not clipped (%d characters)", c.name, len(err.Error()))
		}
	}
}
