package target

import (
	"context"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/aws/smithy-go"

	"github.com/kmsmac/kmsmac/internal/faultproxy"
)

// newFaulty is a faultproxy in front of a fresh reference.
func newFaulty(t *testing.T, fault faultproxy.Fault) *faultproxy.Proxy {
	return faultproxy.New(t, fault)
}

// The policy itself, for inputs the servers above do not produce.
func TestRetryable(t *testing.T) {
	resp := func(status int, body string) *http.Response {
		return &http.Response{StatusCode: status, Header: http.Header{}, Body: io.NopCloser(strings.NewReader(body))}
	}
	tests := []struct {
		name      string
		underTest bool
		resp      *http.Response
		err       error
		want      bool
	}{
		{"throttle under test", true, resp(400, `{"__type":"ThrottlingException"}`), nil, true},
		{"namespaced throttle", true, resp(400, `{"__type":"com.amazonaws.kms#ThrottlingException"}`), nil, true},
		{"429", true, resp(429, ``), nil, true},
		{"500 under test", true, resp(500, `{}`), nil, false},
		{"500 harness", false, resp(500, `{}`), nil, true},
		{"400 validation", false, resp(400, `{"__type":"ValidationException"}`), nil, false},
		{"200", false, resp(200, `{}`), nil, false},
		{"reset harness", false, nil, &net.OpError{Op: "read", Err: syscall.ECONNRESET}, true},
		{"reset under test", true, nil, &net.OpError{Op: "read", Err: syscall.ECONNRESET}, false},
		{"refused harness", false, nil, &net.OpError{Op: "dial", Err: syscall.ECONNREFUSED}, false},
		{"EOF harness", false, nil, io.EOF, true},
		{"EOF under test", true, nil, io.EOF, false},
		{"timeout", false, nil, &RequestTimeoutError{Op: "X"}, false},
		{"cancel", false, nil, context.Canceled, false},
	}
	// A quota scenario's call under test (ThrottlingTested) keeps its throttle.
	tested := ThrottlingTested(context.Background())
	for _, tc := range []struct {
		name string
		ctx  context.Context
		want bool
	}{
		{"throttling tested, under test", UnderTest(tested), false},
		{"throttling tested, setup", Harness(tested), true},
		{"plain, under test", UnderTest(context.Background()), true},
	} {
		if got := retryable(isUnderTest(tc.ctx), retriesThrottling(tc.ctx), resp(400, `{"__type":"ThrottlingException"}`), nil); got != tc.want {
			t.Errorf("%s: retryable = %v, want %v", tc.name, got, tc.want)
		}
		if got := sdkRetryable(!isUnderTest(tc.ctx), retriesThrottling(tc.ctx), &smithy.GenericAPIError{Code: "ThrottlingException"}); got != tc.want {
			t.Errorf("%s: sdkRetryable = %v, want %v", tc.name, got, tc.want)
		}
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := retryable(tc.underTest, true, tc.resp, tc.err); got != tc.want {
				t.Errorf("retryable = %v, want %v", got, tc.want)
			}
		})
	}
	for attempt := 1; attempt < 20; attempt++ {
		if d := backoff(attempt); d < firstBackoff/2 || d > maxBackoff {
			t.Errorf("backoff(%d) = %s", attempt, d)
		}
	}
}

// stsStub answers sts:GetCallerIdentity (awsQuery) for a fixed account.
func stsStub(t *testing.T) *httptest.Server {
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		if !strings.Contains(string(b), "Action=GetCallerIdentity") {
			http.Error(w, "not STS: "+string(b), http.StatusBadRequest)
			return
		}
		w.Header().Set("Content-Type", "text/xml")
		_, _ = io.WriteString(w, `<GetCallerIdentityResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><GetCallerIdentityResult>`+
			`<Arn>arn:aws:iam::210987654321:user/tester</Arn><UserId>AIDATEST</UserId><Account>210987654321</Account>`+
			`</GetCallerIdentityResult><ResponseMetadata><RequestId>r1</RequestId></ResponseMetadata></GetCallerIdentityResponse>`)
	}))
	t.Cleanup(ts.Close)
	return ts
}

// --aws takes region and credentials from a shared-config profile and the
// endpoints from AWS_ENDPOINT_URL(_KMS), like the SDK; Describe shows the
// effective target without the secret.
func TestEffectiveTarget(t *testing.T) {
	dir := t.TempDir()
	cfgFile, credFile := dir+"/config", dir+"/credentials"
	must(t, os.WriteFile(cfgFile, []byte("[profile kmsmac-test]\nregion = eu-west-3\n"), 0o600))
	must(t, os.WriteFile(credFile, []byte("[kmsmac-test]\naws_access_key_id = AKIAEXAMPLEKEY1234\naws_secret_access_key = supersecretvalue\n"), 0o600))
	kmsEP := newFaulty(t, nil)
	stsEP := stsStub(t)
	tests := []struct {
		name       string
		env        map[string]string
		wantURL    string
		wantDetail []string
	}{
		{"AWS_ENDPOINT_URL_KMS for KMS, AWS_ENDPOINT_URL for STS",
			map[string]string{"AWS_ENDPOINT_URL_KMS": kmsEP.URL, "AWS_ENDPOINT_URL": stsEP.URL}, kmsEP.URL,
			[]string{"account: 210987654321 (sts:GetCallerIdentity, arn:aws:iam::210987654321:user/tester)"}},
		{"AWS_ENDPOINT_URL for both: the reference answers no STS",
			map[string]string{"AWS_ENDPOINT_URL": kmsEP.URL}, kmsEP.URL,
			[]string{"account: unknown"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			for _, k := range []string{"AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_PROFILE", "AWS_REGION",
				"AWS_DEFAULT_REGION", "AWS_ENDPOINT_URL", "AWS_ENDPOINT_URL_KMS", "AWS_ENDPOINT_URL_STS"} {
				t.Setenv(k, "")
				os.Unsetenv(k)
			}
			t.Setenv("AWS_CONFIG_FILE", cfgFile)
			t.Setenv("AWS_SHARED_CREDENTIALS_FILE", credFile)
			t.Setenv("AWS_EC2_METADATA_DISABLED", "true") // never look for an instance role
			for k, v := range tc.env {
				t.Setenv(k, v)
			}
			ctx := context.Background()
			tg, err := New(ctx, Options{AWS: true, Profile: "kmsmac-test", RequestTimeout: 2 * time.Second})
			if err != nil {
				t.Fatal(err)
			}
			defer tg.Close(ctx)
			if tg.URL != tc.wantURL || tg.Region != "eu-west-3" || tg.Name != "AWS KMS (eu-west-3)" {
				t.Errorf("target %q at %q in %q, want %q in eu-west-3", tg.Name, tg.URL, tg.Region, tc.wantURL)
			}
			d := tg.Describe(ctx)
			want := append([]string{"endpoint: " + tc.wantURL, "region: eu-west-3", "SharedConfigCredentials", "access key id **************1234"}, tc.wantDetail...)
			for _, w := range want {
				if !strings.Contains(d, w) {
					t.Errorf("Describe lacks %q:\n%s", w, d)
				}
			}
			for _, secret := range []string{"supersecretvalue", "AKIAEXAMPLE"} {
				if strings.Contains(d, secret) {
					t.Errorf("Describe shows %q:\n%s", secret, d)
				}
			}
		})
	}
	// Without --aws a profile is a usage mistake, not silently ignored.
	if _, err := New(context.Background(), Options{Endpoint: kmsEP.URL, Profile: "x"}); err == nil || !strings.Contains(err.Error(), "--profile needs --aws") {
		t.Errorf("--profile without --aws: %v", err)
	}
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}
