package steps

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/cucumber/godog"
	"github.com/kmsmac/kmsmac/internal/textutil"
)

// A message that quotes a request member too long to write in a feature
// (KID-6: "Invalid keyId '<2048 characters>'").
func init() {
	Define(func(sc *godog.ScenarioContext) {
		sc.Then(Re(`^the error message quotes the request's "([^"]+)" as "(.*)"$`), thenMessageQuotes)
	})
}

// thenMessageQuotes compares the error message exactly with template, in
// which <value> stands for the string member of the last request's body.
func thenMessageQuotes(ctx context.Context, member, template string) error {
	w, o, err := LastOutcome(ctx)
	if err != nil {
		return err
	}
	var req map[string]any
	if err := json.Unmarshal(o.Request, &req); err != nil {
		return fmt.Errorf("the last request has no JSON body to quote from: %v", err)
	}
	v, ok := req[member].(string)
	if !ok {
		return fmt.Errorf("the last request has no string member %q", member)
	}
	want, err := w.Resolve(ctx, template)
	if err != nil {
		return err
	}
	want = strings.ReplaceAll(want, "<value>", v)
	return w.Check(KindText, o.HasMsg && SameMessage(want, o.Message), fmt.Sprintf("message %q", textutil.Clip(want, 200)), textutil.Clip(o.Summary(), 300))
}
