package steps

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"os"
	"reflect"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/retry"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/kms"
	"github.com/aws/aws-sdk-go-v2/service/sts"

	"github.com/kmsmac/kmsmac/internal/awsraw"
)

// Target is the endpoint under test and the two clients that reach it.
// It is the only place that knows hosts and credentials.
type Target struct {
	Name        string // "embedded reference", the URL, or "AWS (<region>)"
	URL         string
	Region      string
	Reference   bool // KmsmacReference.* controls exist (embedded reference or "kmsmac serve")
	SDK         *kms.Client
	Raw         *RawClient
	RunID       string
	PollTimeout time.Duration
	// KeysCreated counts CreateKey calls that made a key (the summary reports it).
	KeysCreated atomic.Int64

	stsClient *sts.Client // only for --aws
	closeFn   func() error

	mu        sync.Mutex
	account   string
	partition string
	probeKey  string
}

// SetupError is a problem before any scenario ran (exit status 2).
type SetupError struct{ Err error }

func (e *SetupError) Error() string { return e.Err.Error() }
func (e *SetupError) Unwrap() error { return e.Err }

// NewTarget builds the clients for o's target and checks that the
// endpoint answers.
func NewTarget(ctx context.Context, o Options) (*Target, error) {
	t := &Target{RunID: newRunID(), PollTimeout: o.PollTimeout}
	if t.PollTimeout <= 0 {
		t.PollTimeout = 30 * time.Second
	}
	hc := &http.Client{Timeout: 60 * time.Second,
		Transport: recordingTransport{next: http.DefaultTransport.(*http.Transport).Clone()}}
	region := o.Region
	if region == "" {
		region = firstEnv("AWS_REGION", "AWS_DEFAULT_REGION")
	}

	var cfg aws.Config
	switch {
	case o.AWS:
		var opts []func(*config.LoadOptions) error
		if region != "" {
			opts = append(opts, config.WithRegion(region))
		}
		c, err := config.LoadDefaultConfig(ctx, opts...)
		if err != nil {
			return nil, &SetupError{fmt.Errorf("loading AWS configuration: %w", err)}
		}
		if c.Region == "" {
			return nil, &SetupError{errors.New("--aws needs a region: set --region or AWS_REGION")}
		}
		cfg = c
		t.Region = c.Region
		t.URL = awsURL(c)
		t.Name = "AWS KMS (" + c.Region + ")"
		t.stsClient = sts.NewFromConfig(c)
	default:
		if region == "" {
			region = "us-east-1"
		}
		t.Region = region
		url := o.Endpoint
		if url == "" {
			url = firstEnv("AWS_ENDPOINT_URL_KMS", "AWS_ENDPOINT_URL")
		}
		if url == "" {
			u, closeFn, err := startReference(region)
			if err != nil {
				return nil, &SetupError{fmt.Errorf("starting the embedded reference: %w", err)}
			}
			url, t.closeFn, t.Reference, t.Name = u, closeFn, true, "embedded reference"
		} else {
			t.Name = url
		}
		t.URL = url
		cfg = aws.Config{Region: region, Credentials: urlCredentials()}
	}
	cfg.HTTPClient = hc
	cfg.Retryer = func() aws.Retryer { return retry.NewStandard() }
	t.SDK = kms.NewFromConfig(cfg, func(ko *kms.Options) {
		if !o.AWS { // on AWS the SDK's own endpoint resolution applies
			ko.BaseEndpoint = aws.String(t.URL)
		}
	})
	t.Raw = &RawClient{c: awsraw.Client{URL: t.URL, Region: t.Region, Credentials: cfg.Credentials, HTTP: hc, MaxBody: maxBody}}
	if err := t.probe(ctx); err != nil {
		t.Close(ctx)
		return nil, &SetupError{err}
	}
	if !t.Reference && !o.AWS && t.hasControls(ctx) {
		t.Reference = true
		t.Name += " (a kmsmac reference: @reference-only scenarios run)"
	}
	return t, nil
}

// hasControls tells whether a URL target is a kmsmac reference (e.g.
// "kmsmac serve"): its KmsmacReference.SetKeyState control validates an
// empty request instead of calling the target unknown.
func (t *Target) hasControls(ctx context.Context) bool {
	ctx, cancel := context.WithTimeout(ctx, 15*time.Second)
	defer cancel()
	o := t.Raw.Send(ctx, "KmsmacReference.SetKeyState", []byte(`{}`))
	return o.Status == http.StatusBadRequest && o.Type == "ValidationException" && strings.Contains(o.Message, "'keyId'")
}

// probe checks that something answering HTTP listens at the URL.
func (t *Target) probe(ctx context.Context) error {
	ctx, cancel := context.WithTimeout(ctx, 15*time.Second)
	defer cancel()
	o := t.Raw.Send(ctx, "ListKeys", []byte(`{"Limit":1}`))
	switch {
	case o.Status == 0 && o.Err != nil && strings.HasPrefix(o.Err.Error(), "signing"):
		return fmt.Errorf("cannot sign requests for %s (credentials?): %v", t.URL, o.Err)
	case o.Status == 0:
		return fmt.Errorf("endpoint %s is unreachable: %v", t.URL, o.Err)
	}
	return nil
}

// Close deletes the identity probe key and stops an embedded reference.
func (t *Target) Close(ctx context.Context) error {
	if t.probeKey != "" {
		t.Raw.Send(ctx, "ScheduleKeyDeletion", mustJSON(map[string]any{"KeyId": t.probeKey, "PendingWindowInDays": 7}))
	}
	if t.closeFn != nil {
		return t.closeFn()
	}
	return nil
}

// Learn records the partition and account of an ARN the endpoint returned,
// so messages with <account> can be resolved without hard-coding.
func (t *Target) Learn(arn string) {
	p := strings.Split(arn, ":")
	if len(p) < 6 || p[0] != "arn" || p[4] == "" {
		return
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.account == "" {
		t.partition, t.account = p[1], p[4]
	}
}

// Identity returns partition and account of the caller: learned from a key
// ARN, from STS on AWS, or from a probe key created once.
func (t *Target) Identity(ctx context.Context) (partition, account string, err error) {
	t.mu.Lock()
	p, a := t.partition, t.account
	t.mu.Unlock()
	if a != "" {
		return p, a, nil
	}
	if t.stsClient != nil {
		out, err := t.stsClient.GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
		if err != nil {
			return "", "", fmt.Errorf("sts GetCallerIdentity: %w", err)
		}
		t.Learn(aws.ToString(out.Arn))
	} else {
		o := t.Raw.Send(ctx, "CreateKey", mustJSON(map[string]any{
			"KeySpec": "HMAC_256", "KeyUsage": "GENERATE_VERIFY_MAC", "Description": "kmsmac identity probe",
			"Tags": []map[string]string{{"TagKey": RunTagKey, "TagValue": t.RunID}}}))
		arn, _ := o.Member("KeyMetadata.Arn")
		id, _ := o.Member("KeyMetadata.KeyId")
		s, _ := arn.(string)
		if !o.OK() || s == "" {
			return "", "", fmt.Errorf("cannot learn the account: CreateKey answered %s", o.Summary())
		}
		t.mu.Lock()
		t.probeKey, _ = id.(string)
		t.mu.Unlock()
		t.Learn(s)
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.account == "" {
		return "", "", errors.New("cannot learn the account from the endpoint")
	}
	return t.partition, t.account, nil
}

// RunTagKey is the tag key put on every key the harness creates.
const RunTagKey = "kmsmac-run"

// CallSDK sends op through the SDK with input given as the operation's JSON
// request (PascalCase members, blobs base64). The typed input is built by
// decoding that JSON, so anything the SDK can express goes this way.
func (t *Target) CallSDK(ctx context.Context, op string, input []byte) *Outcome {
	o := &Outcome{Op: op, Client: "sdk", Request: input}
	m := reflect.ValueOf(t.SDK).MethodByName(op)
	if !m.IsValid() {
		o.Err = fmt.Errorf("the SDK has no operation %s", op)
		return o
	}
	in := reflect.New(m.Type().In(1).Elem())
	dec := json.NewDecoder(strings.NewReader(string(input)))
	dec.DisallowUnknownFields()
	if err := dec.Decode(in.Interface()); err != nil {
		o.Err = fmt.Errorf("this request cannot be expressed through the SDK (send it raw): %w", err)
		return o
	}
	x := &exchange{}
	res := m.Call([]reflect.Value{reflect.ValueOf(withExchange(ctx, x)), in})
	if x.reqBody != nil {
		o.Request = x.reqBody
	}
	o.Status, o.Header, o.Body = x.status, x.header, x.body
	o.RequestID = requestID(x.header)
	err, _ := res[1].Interface().(error)
	switch {
	case o.Status == 0 && err != nil:
		o.Err = fmt.Errorf("no HTTP exchange: %w", err)
	case o.Status == http.StatusOK && err != nil:
		o.Err = fmt.Errorf("the SDK could not read the 200 response: %w", err)
	case o.Status == http.StatusOK:
		o.Output = res[0].Interface()
	default:
		o.parseError()
	}
	return o
}

func awsURL(c aws.Config) string {
	if c.BaseEndpoint != nil {
		return *c.BaseEndpoint
	}
	if strings.HasPrefix(c.Region, "cn-") {
		return "https://kms." + c.Region + ".amazonaws.com.cn"
	}
	return "https://kms." + c.Region + ".amazonaws.com"
}

// urlCredentials: the environment's keys if set, else dummies (emulators
// accept anything).
func urlCredentials() aws.CredentialsProvider {
	id, secret := os.Getenv("AWS_ACCESS_KEY_ID"), os.Getenv("AWS_SECRET_ACCESS_KEY")
	if id == "" || secret == "" {
		id, secret = "test", "test"
	}
	return credentials.NewStaticCredentialsProvider(id, secret, os.Getenv("AWS_SESSION_TOKEN"))
}

func firstEnv(names ...string) string {
	for _, n := range names {
		if v := os.Getenv(n); v != "" {
			return v
		}
	}
	return ""
}

func newRunID() string {
	var b [4]byte
	_, _ = rand.Read(b[:])
	return hex.EncodeToString(b[:])
}

func mustJSON(v any) []byte {
	b, err := json.Marshal(v)
	if err != nil {
		panic(err)
	}
	return b
}
