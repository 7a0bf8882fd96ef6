package load

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/kms"
	"github.com/aws/aws-sdk-go-v2/service/kms/types"
	"github.com/aws/smithy-go"
)

// Operation indexes: a worker's op sequence is a slice of these.
const (
	opGenerate = iota
	opVerify
)

// Code for a 200 answer that fails the correctness check.
const codeBadResponse = "BadResponse"

// job is what every request of a run uses.
type job struct {
	keyID    string
	alg      string
	size     int // MAC length in bytes
	message  []byte
	expected []byte // the key's MAC of message, learnt at setup
}

// client is one way of talking to an endpoint (raw or SDK).
type client interface {
	createKey(ctx context.Context, keySpec string) (string, error)
	scheduleDeletion(ctx context.Context, keyID string) error
	generate(ctx context.Context, j *job) ([]byte, error)
	// verify returns the endpoint's error for an invalid MAC.
	verify(ctx context.Context, j *job, tag []byte) (bool, error)
	// worker returns a function that sends one request of kind op and
	// returns "" or the error code; check asks it to check the answer.
	worker(ctx context.Context, j *job) (func(op int, check bool) string, error)
}

func newClient(ctx context.Context, c *Config, hc *http.Client) (client, error) {
	var cfg aws.Config
	if c.AWS {
		var err error
		opts := []func(*config.LoadOptions) error{config.WithRetryMaxAttempts(1), config.WithHTTPClient(hc)}
		if c.Region != "" {
			opts = append(opts, config.WithRegion(c.Region))
		}
		cfg, err = config.LoadDefaultConfig(ctx, opts...)
		if err != nil {
			return nil, fmt.Errorf("AWS config: %w", err)
		}
		if cfg.Region == "" {
			return nil, errors.New("AWS config: no region; set AWS_REGION or --region")
		}
		c.Region = cfg.Region
	} else {
		// Local endpoints take any credentials.
		cfg = aws.Config{
			Region:           c.Region,
			Credentials:      credentials.NewStaticCredentialsProvider("test", "test", ""),
			HTTPClient:       hc,
			RetryMaxAttempts: 1,
		}
	}
	url := c.Endpoint
	if url == "" {
		url = "https://kms." + cfg.Region + ".amazonaws.com"
	}
	if c.Client == "sdk" {
		kc := kms.NewFromConfig(cfg, func(o *kms.Options) {
			if c.Endpoint != "" {
				o.BaseEndpoint = aws.String(c.Endpoint)
			}
			o.RetryMaxAttempts = 1 // retries would hide errors and inflate latency
		})
		return &sdkClient{kc: kc}, nil
	}
	return &rawClient{url: url, hc: hc, sign: c.Sign, region: cfg.Region, creds: aws.NewCredentialsCache(cfg.Credentials), signer: v4.NewSigner(), conns: &connSet{}}, nil
}

// --- raw ---

func (c *rawClient) createKey(ctx context.Context, keySpec string) (string, error) {
	var out struct{ KeyMetadata struct{ KeyId string } }
	err := c.call(ctx, "CreateKey", map[string]any{
		"KeySpec": keySpec, "KeyUsage": "GENERATE_VERIFY_MAC",
		"Description": "kmsmac bench (safe to delete)",
		"Tags":        []map[string]string{{"TagKey": "kmsmac", "TagValue": "bench"}},
	}, &out)
	if err == nil && out.KeyMetadata.KeyId == "" {
		err = errors.New("CreateKey answered without KeyMetadata.KeyId")
	}
	return out.KeyMetadata.KeyId, err
}

func (c *rawClient) scheduleDeletion(ctx context.Context, keyID string) error {
	return c.call(ctx, "ScheduleKeyDeletion", map[string]any{"KeyId": keyID, "PendingWindowInDays": 7}, nil)
}

func (c *rawClient) generate(ctx context.Context, j *job) ([]byte, error) {
	var out struct{ Mac []byte }
	err := c.call(ctx, "GenerateMac", map[string]any{"KeyId": j.keyID, "MacAlgorithm": j.alg, "Message": j.message}, &out)
	return out.Mac, err
}

func (c *rawClient) verify(ctx context.Context, j *job, tag []byte) (bool, error) {
	var out struct{ MacValid bool }
	err := c.call(ctx, "VerifyMac", map[string]any{"KeyId": j.keyID, "MacAlgorithm": j.alg, "Message": j.message, "Mac": tag}, &out)
	return out.MacValid, err
}

// resignEvery is how long a worker's pre-signed requests are reused.
var resignEvery = time.Minute

func (c *rawClient) worker(ctx context.Context, j *job) (func(int, bool) string, error) {
	gen, err := c.prepare(ctx, "GenerateMac", macBody(j, nil))
	if err != nil {
		return nil, err
	}
	ver, err := c.prepare(ctx, "VerifyMac", macBody(j, j.expected))
	if err != nil {
		return nil, err
	}
	reqs := [2]*prepared{opGenerate: gen, opVerify: ver}
	var buf bytes.Buffer
	send := func(op int) (int, error) { return c.send(ctx, reqs[op], &buf) }
	var wire [2][]byte
	if c.fast() {
		hc := &h1conn{addr: gen.tmpl.URL.Host}
		c.conns.add(hc)
		wire = [2][]byte{opGenerate: requestBytes(gen), opVerify: requestBytes(ver)}
		send = func(op int) (int, error) { return hc.do(wire[op], &buf) }
	}
	// Signed "once" means once per resignEvery: a signature is good for 5
	// minutes (SIG-4), and soak runs last longer.
	signedAt := time.Now()
	resign := func() error {
		for i, p := range reqs {
			p.tmpl.Header = p.tmpl.Header.Clone()
			if err := c.signReq(ctx, p.tmpl, p.payloadHash); err != nil {
				return err
			}
			if c.fast() {
				wire[i] = requestBytes(p)
			}
		}
		signedAt = time.Now()
		return nil
	}
	return func(op int, check bool) string {
		if c.sign == "once" && time.Since(signedAt) > resignEvery {
			if err := resign(); err != nil {
				return transportCode(err)
			}
		}
		status, err := send(op)
		if err != nil {
			return transportCode(err)
		}
		if status != http.StatusOK {
			return errorCode(buf.Bytes(), status)
		}
		if check && !checkRaw(op, j, buf.Bytes()) {
			return codeBadResponse
		}
		return ""
	}, nil
}

// macBody is a GenerateMac (tag nil) or VerifyMac request body, built by hand
// in the member order the SDK uses.
func macBody(j *job, tag []byte) []byte {
	b := []byte(`{"KeyId":` + strconv.Quote(j.keyID))
	if tag != nil {
		b = append(b, `,"Mac":"`...)
		b = base64.StdEncoding.AppendEncode(b, tag)
		b = append(b, '"')
	}
	b = append(b, `,"MacAlgorithm":"`+j.alg+`","Message":"`...)
	b = base64.StdEncoding.AppendEncode(b, j.message)
	return append(b, `"}`...)
}

func checkRaw(op int, j *job, body []byte) bool {
	var out struct {
		KeyId        string
		Mac          []byte
		MacValid     bool
		MacAlgorithm string
	}
	if json.Unmarshal(body, &out) != nil || out.KeyId == "" || out.MacAlgorithm != j.alg {
		return false
	}
	if op == opVerify {
		return out.MacValid
	}
	return bytes.Equal(out.Mac, j.expected)
}

// --- SDK ---

type sdkClient struct{ kc *kms.Client }

func (c *sdkClient) createKey(ctx context.Context, keySpec string) (string, error) {
	out, err := c.kc.CreateKey(ctx, &kms.CreateKeyInput{
		KeySpec: types.KeySpec(keySpec), KeyUsage: types.KeyUsageTypeGenerateVerifyMac,
		Description: aws.String("kmsmac bench (safe to delete)"),
		Tags:        []types.Tag{{TagKey: aws.String("kmsmac"), TagValue: aws.String("bench")}},
	})
	if err != nil {
		return "", err
	}
	if out.KeyMetadata == nil || out.KeyMetadata.KeyId == nil {
		return "", errors.New("CreateKey answered without KeyMetadata.KeyId")
	}
	return *out.KeyMetadata.KeyId, nil
}

func (c *sdkClient) scheduleDeletion(ctx context.Context, keyID string) error {
	_, err := c.kc.ScheduleKeyDeletion(ctx, &kms.ScheduleKeyDeletionInput{KeyId: &keyID, PendingWindowInDays: aws.Int32(7)})
	return err
}

func (c *sdkClient) generate(ctx context.Context, j *job) ([]byte, error) {
	out, err := c.kc.GenerateMac(ctx, &kms.GenerateMacInput{KeyId: &j.keyID, MacAlgorithm: types.MacAlgorithmSpec(j.alg), Message: j.message})
	if err != nil {
		return nil, err
	}
	return out.Mac, nil
}

func (c *sdkClient) verify(ctx context.Context, j *job, tag []byte) (bool, error) {
	out, err := c.kc.VerifyMac(ctx, &kms.VerifyMacInput{KeyId: &j.keyID, MacAlgorithm: types.MacAlgorithmSpec(j.alg), Message: j.message, Mac: tag})
	if err != nil {
		return false, err
	}
	return out.MacValid, nil
}

func (c *sdkClient) worker(_ context.Context, j *job) (func(int, bool) string, error) {
	return func(op int, check bool) string {
		ctx := context.Background()
		if op == opGenerate {
			out, err := c.kc.GenerateMac(ctx, &kms.GenerateMacInput{KeyId: &j.keyID, MacAlgorithm: types.MacAlgorithmSpec(j.alg), Message: j.message})
			if err != nil {
				return sdkCode(err)
			}
			if check && (!bytes.Equal(out.Mac, j.expected) || string(out.MacAlgorithm) != j.alg || aws.ToString(out.KeyId) == "") {
				return codeBadResponse
			}
			return ""
		}
		out, err := c.kc.VerifyMac(ctx, &kms.VerifyMacInput{KeyId: &j.keyID, MacAlgorithm: types.MacAlgorithmSpec(j.alg), Message: j.message, Mac: j.expected})
		if err != nil {
			return sdkCode(err)
		}
		if check && (!out.MacValid || string(out.MacAlgorithm) != j.alg) {
			return codeBadResponse
		}
		return ""
	}, nil
}

func sdkCode(err error) string {
	var ae smithy.APIError
	if errors.As(err, &ae) {
		return ae.ErrorCode()
	}
	return transportCode(err)
}

// errCode names any setup error, for messages.
func errCode(err error) string {
	var ae *apiError
	if errors.As(err, &ae) {
		return ae.Code
	}
	return sdkCode(err)
}
