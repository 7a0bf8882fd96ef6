package target

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"reflect"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/kms"
	"github.com/aws/aws-sdk-go-v2/service/sts"

	"github.com/kmsmac/kmsmac/internal/awsraw"
	"github.com/kmsmac/kmsmac/internal/textutil"
)

// Target is the endpoint under test and the two clients that reach it.
// It is the only place that knows hosts and credentials.
type Target struct {
	Name   string // "embedded reference", the URL, or "AWS (<region>)"
	URL    string
	Region string
	// Second is the same endpoint in a second Region (--region2; the
	// embedded reference always has one), for the multi-Region
	// scenarios; nil without one.
	Second      *Target
	Reference   bool // KmsmacReference.* controls exist (embedded reference or "kmsmac serve")
	SDK         *kms.Client
	Raw         *RawClient
	RunID       string
	PollTimeout time.Duration
	// Principals are the identities besides the harness's own that the
	// identity scenarios sign as (RoleSecond, RoleOtherAccount): the
	// embedded reference's own, or those of the --keys file.
	Principals []Principal
	// KeysCreated counts CreateKey calls that made a key (the summary reports it).
	KeysCreated atomic.Int64

	stsClient *sts.Client // --aws; emulators may answer STS too
	closeFn   func() error
	creds     aws.CredentialsProvider
	retries   int
	timeout   time.Duration
	aws       bool

	accountFrom string // how the account was learned, for Describe

	health   *health  // lost.go: tells a lost endpoint from a stalled call
	notImpl  *opSet   // retry.go: operations that answered "not implemented"
	keysLeft []string // keys cleanup could not schedule for deletion (under mu)

	mu        sync.Mutex
	account   string
	partition string
	probeKey  string
}

// SetupError is a problem before any scenario ran (exit status 2).
type SetupError struct{ Err error }

func (e *SetupError) Error() string { return e.Err.Error() }
func (e *SetupError) Unwrap() error { return e.Err }

// Options choose the endpoint and how patiently to talk to it; they are
// the target's share of a run's options (runner.Options.TargetOptions).
type Options struct {
	// Endpoint is a URL (http://127.0.0.1:4566); AWS uses the SDK's
	// default configuration chain. Neither means the embedded reference.
	Endpoint string
	AWS      bool
	Region   string // default: AWS_REGION / AWS_DEFAULT_REGION, then us-east-1
	Profile  string // shared-config profile for AWS (with AWS)
	// Region2 is a second Region of the same endpoint (Target.Second);
	// for the embedded reference "" picks one (OtherRegion).
	Region2 string

	PollTimeout    time.Duration // per state wait; default 30s
	RequestTimeout time.Duration // one request; default 30s
	Retries        int           // extra attempts for throttling and 5xx (see retry.go); 0 means 3, negative none
}

// New builds the clients for o's target and checks that the endpoint
// answers.
func New(ctx context.Context, o Options) (*Target, error) {
	t := &Target{RunID: newRunID(), PollTimeout: o.PollTimeout, retries: retriesOf(o), timeout: requestTimeoutOf(o)}
	if t.PollTimeout <= 0 {
		t.PollTimeout = 30 * time.Second
	}
	// No client-wide timeout: retryTransport bounds each attempt, so a
	// retried call is not cut short by the sum of its attempts.
	base := http.DefaultTransport.(*http.Transport).Clone()
	t.health = &health{rt: base, timeout: t.timeout}
	notImpl := new(opSet) // retry.go: one run's "not implemented" operations
	t.notImpl = notImpl
	sdkHTTP := &http.Client{Transport: recordingTransport{next: &retryTransport{next: base, timeout: t.timeout, health: t.health, notImpl: notImpl}}}
	rawHTTP := &http.Client{Transport: recordingTransport{next: &retryTransport{next: base, timeout: t.timeout, retries: t.retries, health: t.health, notImpl: notImpl}}}
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
		if o.Profile != "" {
			opts = append(opts, config.WithSharedConfigProfile(o.Profile))
		}
		c, err := config.LoadDefaultConfig(ctx, opts...)
		if err != nil {
			return nil, &SetupError{fmt.Errorf("loading AWS configuration: %w", err)}
		}
		if c.Region == "" {
			return nil, &SetupError{errors.New("--aws needs a region: set --region, AWS_REGION or the profile's region")}
		}
		cfg = c
		t.aws = true
		t.Region = c.Region
		t.Name = "AWS KMS (" + c.Region + ")"
	default:
		if o.Profile != "" {
			return nil, &SetupError{errors.New("--profile needs --aws (an --endpoint target takes AWS_ACCESS_KEY_ID or dummy credentials)")}
		}
		if region == "" {
			region = "us-east-1"
		}
		t.Region = region
		url := o.endpoint()
		url, _, err := EndpointURL(url)
		if err != nil {
			return nil, &SetupError{fmt.Errorf("endpoint: %w", err)}
		}
		if url == "" {
			if o.Region2 == "" {
				o.Region2 = OtherRegion(region)
			}
			u, closeFn, err := startReference(region, o.Region2)
			if err != nil {
				return nil, &SetupError{fmt.Errorf("starting the embedded reference: %w", err)}
			}
			url, t.closeFn, t.Reference, t.Name = u, closeFn, true, "embedded reference"
			t.Principals = EmbeddedPrincipals
		} else {
			t.Name = url
		}
		t.URL = url
		cfg = aws.Config{Region: region, Credentials: urlCredentials()}
	}
	t.creds = cfg.Credentials
	cfg.Retryer = func() aws.Retryer { return sdkRetryer(t.retries, true, true) }
	stsCfg := cfg.Copy()
	stsCfg.HTTPClient = rawHTTP // STS answers are not scenario outcomes
	cfg.HTTPClient = sdkHTTP
	t.SDK = kms.NewFromConfig(cfg, func(ko *kms.Options) {
		if !o.AWS { // on AWS the SDK's own endpoint resolution applies
			ko.BaseEndpoint = aws.String(t.URL)
		}
	})
	t.stsClient = sts.NewFromConfig(stsCfg, func(so *sts.Options) {
		if !o.AWS {
			so.BaseEndpoint = aws.String(t.URL) // emulators such as moto answer STS at the same URL
		}
	})
	if o.AWS {
		// The raw client goes where the SDK goes: AWS_ENDPOINT_URL_KMS,
		// AWS_ENDPOINT_URL, shared config "services", else the regional
		// endpoint.
		u, err := sdkEndpoint(ctx, t.SDK)
		if err != nil {
			return nil, &SetupError{err}
		}
		t.URL = u
	}
	t.health.url = t.URL
	t.Raw = &RawClient{c: awsraw.Client{URL: t.URL, Region: t.Region, Credentials: cfg.Credentials, HTTP: rawHTTP, MaxBody: maxBody}}
	if err := t.probe(ctx); err != nil {
		t.Close(ctx)
		return nil, &SetupError{err}
	}
	if o.Region2 != "" && o.Region2 != t.Region {
		if err := t.second(ctx, o.Region2); err != nil {
			t.Close(ctx)
			return nil, &SetupError{fmt.Errorf("--region2 %s: %w", o.Region2, err)}
		}
	}
	if !t.Reference && !o.AWS && t.hasControls(ctx) {
		t.Reference = true
		t.Name += " (a kmsmac reference: @reference-only scenarios run)"
	}
	return t, nil
}

// EndpointURL checks an endpoint given by a user. A bare host:port, the
// usual slip, becomes its http:// URL (https:// for port 443) with guessed
// set, so the caller can say so; anything else that is not an http(s) URL
// with a host is an error, with the URL meant when one is apparent.
func EndpointURL(s string) (u string, guessed bool, err error) {
	if s == "" {
		return "", false, nil
	}
	if !strings.Contains(s, "://") {
		if host, port, err := net.SplitHostPort(s); err == nil && host != "" && validPort(port) {
			if port == "443" {
				return "https://" + s, true, nil
			}
			return "http://" + s, true, nil
		}
		if p, err := url.Parse("http://" + s); err == nil && p.Hostname() != "" && validPort(p.Port()) {
			return "", false, fmt.Errorf("%q is not a URL: did you mean http://%s?", s, s)
		}
		return "", false, fmt.Errorf("%q is not a URL: want e.g. http://127.0.0.1:4599", s)
	}
	p, err := url.Parse(s)
	switch {
	case err != nil:
		return "", false, fmt.Errorf("%q is not a URL: %v", s, errors.Unwrap(err))
	case p.Scheme != "http" && p.Scheme != "https":
		return "", false, fmt.Errorf("%q is not an http(s) URL", s)
	case p.Host == "" || !validPort(p.Port()):
		return "", false, fmt.Errorf("%q has no host[:port]: want e.g. http://127.0.0.1:4599", s)
	}
	return s, false, nil
}

// validPort accepts no port or a number 1..65535.
func validPort(p string) bool {
	if p == "" {
		return true
	}
	n, err := strconv.Atoi(p)
	return err == nil && n > 0 && n < 65536
}

// sdkEndpoint is the KMS endpoint the SDK client resolved.
func sdkEndpoint(ctx context.Context, c *kms.Client) (string, error) {
	ko := c.Options()
	if ko.BaseEndpoint != nil {
		return *ko.BaseEndpoint, nil
	}
	ep, err := kms.NewDefaultEndpointResolverV2().ResolveEndpoint(ctx, kms.EndpointParameters{
		Region: aws.String(ko.Region), UseFIPS: aws.Bool(ko.EndpointOptions.UseFIPSEndpoint == aws.FIPSEndpointStateEnabled),
		UseDualStack: aws.Bool(ko.EndpointOptions.UseDualStackEndpoint == aws.DualStackEndpointStateEnabled)})
	if err != nil {
		return "", fmt.Errorf("resolving the KMS endpoint for %s: %w", ko.Region, err)
	}
	return ep.URI.String(), nil
}

// hasControls tells whether a URL target is a kmsmac reference (e.g.
// "kmsmac serve"): its KmsmacReference.SetKeyState control validates an
// empty request instead of calling the target unknown.
func (t *Target) hasControls(ctx context.Context) bool {
	o := t.Raw.Send(ctx, "KmsmacReference.SetKeyState", []byte(`{}`))
	return o.Status == http.StatusBadRequest && o.Type == "ValidationException" && strings.Contains(o.Message, "'keyId'")
}

// probe checks that a KMS-like endpoint answers: something listens, the
// answer comes within the request timeout, it is JSON, and not a server
// fault that outlived the retries.
func (t *Target) probe(ctx context.Context) error {
	if t.creds != nil && ctx.Err() == nil {
		// Asked first, so that missing credentials (e.g. --aws outside
		// AWS with no profile) are not taken for an unreachable endpoint.
		if _, err := t.creds.Retrieve(ctx); err != nil && ctx.Err() == nil {
			return fmt.Errorf("no AWS credentials: %v (set AWS_PROFILE or --profile, AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or log in, e.g. aws sso login)", err)
		}
	}
	o := t.Raw.Send(ctx, "ListKeys", []byte(`{"Limit":1}`))
	switch {
	case o.Status >= 400 && rejectedCredentials[o.Type]:
		return fmt.Errorf("endpoint %s rejected the credentials: %s; %s", t.URL, o.Summary(), t.credsHint())
	case o.Status == 0 && o.Err != nil && strings.HasPrefix(o.Err.Error(), "signing"):
		return fmt.Errorf("cannot sign requests for %s (credentials?): %v", t.URL, o.Err)
	case o.Status == 0 && o.Err != nil:
		return fmt.Errorf("endpoint %s unreachable: %s", t.URL, netReason(o.Err))
	case !json.Valid(o.Body):
		return fmt.Errorf("endpoint %s answered ListKeys with HTTP %d and a body that is not JSON (Content-Type %q): %s; is it a KMS endpoint?",
			t.URL, o.Status, o.Header.Get("Content-Type"), bodyHint(o.Body))
	case o.Status >= 500:
		return fmt.Errorf("endpoint %s answered ListKeys with a server fault after %d attempts: %s", t.URL, t.retries+1, o.Summary())
	}
	if v, ok := o.Member("Keys"); ok {
		if keys, _ := v.([]any); len(keys) > 0 {
			if k, _ := keys[0].(map[string]any); k != nil {
				if arn, _ := k["KeyArn"].(string); arn != "" {
					t.Learn(arn)
					t.accountFrom = "the ARN of an existing key"
				}
			}
		}
	}
	return nil
}

// rejectedCredentials are the error codes of AWS services (and emulators
// that check signatures) for credentials that are missing, unknown,
// expired or that signed wrongly.
var rejectedCredentials = map[string]bool{
	"UnrecognizedClientException": true, "InvalidClientTokenId": true, "InvalidSignatureException": true,
	"IncompleteSignatureException": true, "MissingAuthenticationTokenException": true,
	"MissingAuthenticationToken": true, "ExpiredTokenException": true, "AuthFailure": true,
}

// credsHint says where the credentials came from and how to change them.
func (t *Target) credsHint() string {
	if t.aws {
		return "check the credentials of the AWS configuration chain (AWS_PROFILE or --profile, AWS_ACCESS_KEY_ID, aws sso login)"
	}
	src := "dummy credentials"
	if c, err := t.creds.Retrieve(context.Background()); err == nil && c.Source != "" {
		src = c.Source
	}
	return "kmsmac signed with " + src + ": set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY for this endpoint, or use --aws for real AWS KMS"
}

// netReason says in a few words why no answer came.
func netReason(err error) string {
	var rt *RequestTimeoutError
	var dns *net.DNSError
	switch {
	case errors.As(err, &rt):
		return fmt.Sprintf("no answer to %s within the %s request timeout (--request-timeout)", rt.Op, rt.Timeout)
	case errors.Is(err, syscall.ECONNREFUSED):
		return "connection refused"
	case errors.As(err, &dns):
		return "no such host " + dns.Name
	case errors.Is(err, syscall.ECONNRESET):
		return "connection reset"
	case errors.Is(err, context.Canceled):
		return "interrupted"
	case errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF):
		return "connection closed before an answer"
	}
	return err.Error()
}

// Close deletes the identity probe key and stops an embedded reference.
func (t *Target) Close(ctx context.Context) error {
	ctx, cancel := context.WithTimeout(ctx, t.timeout) // bounded, whatever ctx is
	defer cancel()
	t.CloseProbeKey(ctx)
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
	if t.aws {
		out, err := t.stsClient.GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
		if err != nil {
			return "", "", fmt.Errorf("sts GetCallerIdentity: %w", err)
		}
		t.Learn(aws.ToString(out.Arn))
	} else {
		o := t.Raw.Send(ctx, "CreateKey", textutil.MustJSON(map[string]any{
			"KeySpec": "HMAC_256", "KeyUsage": "GENERATE_VERIFY_MAC", "Description": "kmsmac identity probe",
			"Tags": []map[string]string{{"TagKey": RunTagKey, "TagValue": t.RunID}}}))
		arn, _ := o.Member("KeyMetadata.Arn")
		id, _ := o.Member("KeyMetadata.KeyId")
		s, _ := arn.(string)
		if !o.OK() || s == "" {
			return "", "", fmt.Errorf("cannot learn the account: CreateKey answered %s", o.Summary())
		}
		t.KeysCreated.Add(1)
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
	// The call under test keeps its 5xx for the assertion (see retry.go).
	retryer := func(ko *kms.Options) { ko.Retryer = sdkRetryer(t.retries, !isUnderTest(ctx), retriesThrottling(ctx)) }
	res := m.Call([]reflect.Value{reflect.ValueOf(withExchange(ctx, x)), in, reflect.ValueOf(retryer)})
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

// urlCredentials: the environment's keys if set, else dummies (emulators
// accept anything). The source says which, for Describe.
func urlCredentials() aws.CredentialsProvider {
	id, secret := os.Getenv("AWS_ACCESS_KEY_ID"), os.Getenv("AWS_SECRET_ACCESS_KEY")
	src := "environment (AWS_ACCESS_KEY_ID)"
	if id == "" || secret == "" {
		id, secret, src = "test", "test", "dummy credentials (emulators accept any)"
	}
	return credentials.StaticCredentialsProvider{Value: aws.Credentials{
		AccessKeyID: id, SecretAccessKey: secret, SessionToken: os.Getenv("AWS_SESSION_TOKEN"), Source: src}}
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

// Describe is the effective target, for the start of a run: endpoint,
// region, account and credential source. The secret key never appears and
// the access key id only by its last four characters.
func (t *Target) Describe(ctx context.Context) string {
	var b strings.Builder
	fmt.Fprintf(&b, "target: %s\n  endpoint: %s\n  region: %s\n", t.Name, t.URL, t.Region)
	if t.Second != nil {
		fmt.Fprintf(&b, "  second region: %s (multi-Region scenarios)\n", t.Second.Region)
	}
	fmt.Fprintf(&b, "  account: %s\n", t.describeAccount(ctx))
	cred := "none (requests go unsigned)"
	if t.creds != nil {
		c, err := t.creds.Retrieve(ctx)
		if err != nil {
			cred = "unavailable: " + err.Error()
		} else {
			cred = fmt.Sprintf("%s, access key id %s", textutil.OrDash(c.Source), redact(c.AccessKeyID))
		}
	}
	fmt.Fprintf(&b, "  credentials: %s\n", cred)
	fmt.Fprintf(&b, "  request timeout %s, %d retries for throttling and harness-call 5xx; run id %s\n", t.timeout, t.retries, t.RunID)
	return b.String()
}

// describeAccount asks sts:GetCallerIdentity (moto and AWS answer it; the
// reference does not), else uses what the probe learned.
func (t *Target) describeAccount(ctx context.Context) string {
	if t.stsClient != nil {
		ctx, cancel := context.WithTimeout(ctx, min(t.timeout, 10*time.Second))
		defer cancel()
		out, err := t.stsClient.GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{}, func(so *sts.Options) {
			so.Retryer = sdkRetryer(0, false, false) // optional information: one try
		})
		if err == nil && aws.ToString(out.Account) != "" {
			return aws.ToString(out.Account) + " (sts:GetCallerIdentity, " + aws.ToString(out.Arn) + ")"
		}
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.account != "" {
		return t.account + " (from " + t.accountFrom + ")"
	}
	return "unknown (sts:GetCallerIdentity not answered; learned from the first key ARN during the run)"
}

// redact keeps the last four characters of an access key id.
func redact(id string) string {
	if len(id) <= 4 {
		return strings.Repeat("*", len(id))
	}
	return strings.Repeat("*", len(id)-4) + id[len(id)-4:]
}

// RequestTimeout bounds one request (Options.RequestTimeout, resolved).
func (t *Target) RequestTimeout() time.Duration { return t.timeout }

// Account is the partition and account learned so far ("" if none yet):
// what Identity or Learn found, without a request.
func (t *Target) Account() (partition, account string) {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.partition, t.account
}

// CloseProbeKey schedules the identity probe key for deletion, once; a
// key it cannot delete is listed in KeysLeft.
func (t *Target) CloseProbeKey(ctx context.Context) {
	t.mu.Lock()
	id := t.probeKey
	t.probeKey = ""
	t.mu.Unlock()
	if id == "" {
		return
	}
	o := t.Raw.Send(ctx, "ScheduleKeyDeletion", textutil.MustJSON(map[string]any{"KeyId": id, "PendingWindowInDays": 7}))
	if !o.OK() && !AlreadyGone(o) {
		t.LeftKey(id)
	}
}

// AlreadyGone: the scenario itself scheduled the deletion, or the key vanished.
func AlreadyGone(o *Outcome) bool {
	return o.Type == "NotFoundException" ||
		(o.Type == "KMSInvalidStateException" && (strings.Contains(o.Message, "pending deletion") || strings.Contains(o.Message, "pending replica deletion")))
}

// OperationMissing reports whether op (e.g. "GetParametersForImport") has
// answered "not implemented" in this run: HTTP 501, an HTML 5xx page (as
// moto answers an action it lacks) or UnknownOperationException, which no
// retry and no other request changes.
func (t *Target) OperationMissing(op string) bool { return t.notImpl.has(op) }

// Embedded reports whether o names no endpoint at all, so that New starts
// the embedded reference.
func (o Options) Embedded() bool { return !o.AWS && o.endpoint() == "" }

// endpoint is the URL an --endpoint target names: o.Endpoint, else the
// SDK's environment variables.
func (o Options) endpoint() string {
	if o.Endpoint != "" {
		return o.Endpoint
	}
	return firstEnv("AWS_ENDPOINT_URL_KMS", "AWS_ENDPOINT_URL")
}
