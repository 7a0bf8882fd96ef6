package identity

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"net/http"
	"strconv"
	"time"

	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
	"github.com/cucumber/godog"

	"github.com/kmsmac/kmsmac/steps"
	"github.com/kmsmac/kmsmac/target"
)

// Steps for request signing (rules.md §15a): one request with an empty
// JSON body sent unsigned or signed wrongly on purpose, through the raw
// client, as the scenario's last outcome.
func init() {
	steps.Define(func(sc *godog.ScenarioContext) {
		sc.When(steps.Re(`^I send (\w+) unsigned$`), func(ctx context.Context, op string) error {
			w := steps.WorldFrom(ctx)
			w.Record(w.Target.Unsigned().Send(ctx, op, []byte(`{}`)))
			return nil
		})
		sc.When(steps.Re(`^I send (\w+) signed with a wrong secret key$`), func(ctx context.Context, op string) error {
			w := steps.WorldFrom(ctx)
			creds, err := w.Target.Credentials(ctx)
			if err != nil {
				return w.Block("SIG-2", "the harness has no credentials to sign with: "+err.Error())
			}
			id := creds.AccessKeyID
			w.Record(w.Target.RawAs(id, "not-the-secret-of-"+id).Send(ctx, op, []byte(`{}`)))
			return nil
		})
		sc.When(steps.Re(`^I send (\w+) signed with an unknown access key id$`), func(ctx context.Context, op string) error {
			w := steps.WorldFrom(ctx)
			w.Record(w.Target.RawAs("AKIAKMSMACUNKNOWN000", "unknown-secret").Send(ctx, op, []byte(`{}`)))
			return nil
		})
		sc.When(steps.Re(`^I send (\w+) signed for (region|service) "([^"]+)"$`), func(ctx context.Context, op, what, v string) error {
			w := steps.WorldFrom(ctx)
			region, service := w.Target.Region, "kms"
			if what == "region" {
				region = v
			} else {
				service = v
			}
			return sendSigned(ctx, w, op, region, service, time.Now())
		})
		sc.When(steps.Re(`^I send (\w+) signed (\d+) minutes in the (past|future)$`), func(ctx context.Context, op, mins, dir string) error {
			w := steps.WorldFrom(ctx)
			n, _ := strconv.Atoi(mins)
			d := time.Duration(n) * time.Minute
			if dir == "past" {
				d = -d
			}
			return sendSigned(ctx, w, op, w.Target.Region, "kms", time.Now().Add(d))
		})
	})
}

// sendSigned signs with the harness's own credentials but the given scope
// and time (the SDK's signer), then sends through the unsigned client.
func sendSigned(ctx context.Context, w *steps.World, op, region, service string, at time.Time) error {
	creds, err := w.Target.Credentials(ctx)
	if err != nil {
		return w.Block("SIG-4", "the harness has no credentials to sign with: "+err.Error())
	}
	body := []byte(`{}`)
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, w.Target.URL+"/", bytes.NewReader(body))
	if err != nil {
		return err
	}
	req.Header.Set("X-Amz-Target", "TrentService."+op)
	req.Header.Set("Content-Type", target.JSONContentType)
	sum := sha256.Sum256(body)
	if err := v4.NewSigner().SignHTTP(ctx, creds, req, hex.EncodeToString(sum[:]), service, region, at); err != nil {
		return fmt.Errorf("signing: %w", err)
	}
	w.Record(w.Target.Unsigned().SendHTTP(ctx, http.MethodPost, "/", req.Header, body))
	return nil
}
