package main

import (
	"bytes"
	"context"
	"encoding/json"
	"net"
	"net/http"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"

	"github.com/kmsmac/kmsmac/internal/awsraw"
	"github.com/kmsmac/kmsmac/internal/syncbuf"
)

var listeningRE = regexp.MustCompile(`^kmsmac reference endpoint listening on (http://127\.0\.0\.1:\d+) \(region (\S+), account (\d+)\)$`)

// startServe runs serve in-process and returns its URL once it listens.
func startServe(t *testing.T, args ...string) (url string, stdout, stderr *syncbuf.Buffer, stop func() int) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	stdout, stderr = &syncbuf.Buffer{}, &syncbuf.Buffer{}
	exit := make(chan int, 1)
	go func() { exit <- serve(ctx, args, stdout, stderr) }()
	deadline := time.Now().Add(5 * time.Second)
	for {
		if m := listeningRE.FindStringSubmatch(strings.TrimSpace(stdout.String())); m != nil {
			url = m[1]
			break
		}
		select {
		case code := <-exit:
			cancel()
			t.Fatalf("serve exited %d before listening; stderr: %s", code, stderr)
		default:
		}
		if time.Now().After(deadline) {
			cancel()
			t.Fatalf("serve did not print its URL; stdout %q", stdout)
		}
		time.Sleep(5 * time.Millisecond)
	}
	var once sync.Once
	code := -1
	stop = func() int {
		once.Do(func() {
			cancel()
			select {
			case code = <-exit:
			case <-time.After(10 * time.Second):
				t.Error("serve did not stop within 10s")
			}
		})
		return code
	}
	t.Cleanup(func() { stop() })
	return url, stdout, stderr, stop
}

// post sends a request signed with the default test/test in us-east-1.
func post(t *testing.T, url, target, body string) (int, map[string]any) {
	t.Helper()
	return postAs(t, "us-east-1", credentials.NewStaticCredentialsProvider("test", "test", ""), url, target, body)
}

// postAs signs with creds for region (nil creds: unsigned).
func postAs(t *testing.T, region string, creds aws.CredentialsProvider, url, target, body string) (int, map[string]any) {
	t.Helper()
	c := awsraw.Client{URL: url, Region: region}
	if creds != nil {
		c.Credentials = creds
	}
	resp, err := c.Do(context.Background(), target, []byte(body))
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]any
	if err := json.Unmarshal(resp.Body, &m); err != nil {
		t.Fatalf("%s: body %q is not JSON", target, resp.Body)
	}
	return resp.Status, m
}

// TestServeAuthAndControls: signatures are checked by default, --auth off
// takes anything, and a plain serve has no controls (issue 12: one curl
// could force a key into Creating).
func TestServeAuthAndControls(t *testing.T) {
	test := credentials.NewStaticCredentialsProvider("test", "test", "")
	for _, c := range []struct {
		args     []string
		creds    aws.CredentialsProvider
		wantType string // "" for 200
		controls bool
	}{
		{nil, nil, "MissingAuthenticationTokenException", false},
		{nil, credentials.NewStaticCredentialsProvider("test", "wrong", ""), "InvalidSignatureException", false},
		{nil, credentials.NewStaticCredentialsProvider("AKIAIOSFODNN7EXAMPLE", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", ""), "", false},
		{[]string{"--auth", "off"}, nil, "", false},
		{[]string{"--controls"}, test, "", true},
	} {
		url, _, _, stop := startServe(t, append([]string{"--addr", "127.0.0.1:0", "--quiet"}, c.args...)...)
		st, out := postAs(t, "us-east-1", c.creds, url, "TrentService.CreateKey", `{"KeySpec":"HMAC_256","KeyUsage":"GENERATE_VERIFY_MAC"}`)
		if got, _ := out["__type"].(string); got != c.wantType || (c.wantType == "") != (st == 200) {
			t.Errorf("%v: CreateKey answered %d %v, want %q", c.args, st, out, c.wantType)
		}
		_, owner := post(t, url, "TrentService.CreateKey", `{"KeySpec":"HMAC_256","KeyUsage":"GENERATE_VERIFY_MAC"}`)
		id, _ := owner["KeyMetadata"].(map[string]any)["KeyId"].(string)
		st, out = post(t, url, "KmsmacReference.SetKeyState", `{"KeyId":"`+id+`","KeyState":"Creating"}`)
		_, d := post(t, url, "TrentService.DescribeKey", `{"KeyId":"`+id+`"}`)
		state, _ := d["KeyMetadata"].(map[string]any)["KeyState"].(string)
		if c.controls != (st == 200) || c.controls != (state == "Creating") || (!c.controls && out["__type"] != "UnknownOperationException") {
			t.Errorf("%v: SetKeyState answered %d %v and the key is %s; controls on: %v", c.args, st, out, state, c.controls)
		}
		stop()
	}
	var stdout, stderr bytes.Buffer
	if got := serve(context.Background(), []string{"--addr", "127.0.0.1:0", "--auth", "off", "--controls"}, &stdout, &stderr); got != 2 || !strings.Contains(stderr.String(), "--controls needs --auth on") {
		t.Errorf("--auth off --controls: exit %d, %s", got, stderr.String())
	}
}

func TestServe(t *testing.T) {
	url, stdout, stderr, stop := startServe(t, "--addr", "127.0.0.1:0", "--region", "eu-west-3", "--account", "123456789012", "--log", "requests")
	m := listeningRE.FindStringSubmatch(strings.TrimSpace(stdout.String()))
	if m[2] != "eu-west-3" || m[3] != "123456789012" {
		t.Errorf("listening line %q", stdout)
	}

	test := credentials.NewStaticCredentialsProvider("test", "test", "")
	post := func(t *testing.T, url, target, body string) (int, map[string]any) {
		return postAs(t, "eu-west-3", test, url, target, body)
	}
	st, out := post(t, url, "TrentService.CreateKey", `{"KeySpec":"HMAC_256","KeyUsage":"GENERATE_VERIFY_MAC"}`)
	if st != 200 {
		t.Fatalf("CreateKey: %d %v", st, out)
	}
	arn, _ := out["KeyMetadata"].(map[string]any)["Arn"].(string)
	if !strings.HasPrefix(arn, "arn:aws:kms:eu-west-3:123456789012:key/") {
		t.Errorf("key ARN %q does not use the flags' region and account", arn)
	}
	secret := "c2VjcmV0LW1lc3NhZ2U=" // base64 of a message that must not be logged
	st, out = post(t, url, "TrentService.GenerateMac", `{"KeyId":"`+arn+`","Message":"`+secret+`","MacAlgorithm":"HMAC_SHA_256"}`)
	if st != 200 || out["Mac"] == nil {
		t.Fatalf("GenerateMac: %d %v", st, out)
	}
	st, out = post(t, url, "TrentService.GenerateMac", `{"KeyId":"alias/missing","Message":"`+secret+`","MacAlgorithm":"HMAC_SHA_256"}`)
	if st != 400 || out["__type"] != "NotFoundException" {
		t.Fatalf("GenerateMac on a missing alias: %d %v", st, out)
	}

	if code := stop(); code != 0 {
		t.Errorf("exit %d after cancel, want 0; stderr %s", code, stderr)
	}
	if !strings.Contains(stdout.String(), "shutting down") {
		t.Errorf("no shutdown line on stdout: %q", stdout)
	}
	log := stderr.String()
	for _, want := range []string{" 200 - CreateKey ", " 200 - GenerateMac ", " 400 NotFoundException GenerateMac "} {
		if !strings.Contains(log, want) {
			t.Errorf("request log lacks %q:\n%s", want, log)
		}
	}
	if n := strings.Count(log, "\n"); n != 3 {
		t.Errorf("%d log lines, want one per request (3):\n%s", n, log)
	}
	for _, leak := range []string{secret, "secret-message", "alias/missing", "does not exist"} {
		if strings.Contains(log, leak) {
			t.Errorf("request log contains %q:\n%s", leak, log)
		}
	}
	if _, err := http.Post(url+"/", "application/json", nil); err == nil {
		t.Error("server still answers after shutdown")
	}
}

// By default only errors are logged, each with its code and duration.
func TestServeLogsErrorsOnly(t *testing.T) {
	url, _, stderr, stop := startServe(t, "--addr", "127.0.0.1:0")
	if st, _ := post(t, url, "TrentService.ListKeys", `{}`); st != 200 {
		t.Fatalf("ListKeys: %d", st)
	}
	if st, _ := post(t, url, "TrentService.GenerateMac", `{"KeyId":"alias/missing"}`); st != 400 {
		t.Fatalf("GenerateMac without Message: %d", st)
	}
	if code := stop(); code != 0 {
		t.Fatalf("exit %d", code)
	}
	lineRE := regexp.MustCompile(`^\S+Z [0-9a-f-]{36} 400 ValidationException GenerateMac \d+\.\d{3}ms$`)
	if log := strings.TrimSuffix(stderr.String(), "\n"); !lineRE.MatchString(log) {
		t.Errorf("log %q: want the one error line", log)
	}
}

func TestServeQuiet(t *testing.T) {
	url, _, stderr, stop := startServe(t, "--addr", "127.0.0.1:0", "--quiet")
	if st, _ := post(t, url, "TrentService.ListKeys", `{}`); st != 200 {
		t.Fatalf("ListKeys: %d", st)
	}
	if st, _ := post(t, url, "TrentService.GenerateMac", `{}`); st != 400 {
		t.Fatalf("GenerateMac {}: %d", st)
	}
	if code := stop(); code != 0 || stderr.String() != "" {
		t.Errorf("exit %d, stderr %q; want 0 and nothing logged", code, stderr)
	}
}

func TestServeUsageErrors(t *testing.T) {
	busy, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer busy.Close()
	cases := []struct {
		name string
		args []string
		want int
		msg  string
	}{
		{"help", []string{"-h"}, 0, "Usage: kmsmac serve"},
		{"unknown flag", []string{"--port", "1"}, 2, "unknown flag --port"},
		{"extra argument", []string{"--addr", "127.0.0.1:0", "now"}, 2, `unexpected argument "now"`},
		{"bad region", []string{"--addr", "127.0.0.1:0", "--region", "US East"}, 2, "invalid --region"},
		{"bad account", []string{"--addr", "127.0.0.1:0", "--account", "42"}, 2, "invalid --account"},
		{"bad log", []string{"--addr", "127.0.0.1:0", "--log", "all"}, 2, "invalid --log"},
		{"quiet and log", []string{"--addr", "127.0.0.1:0", "--quiet", "--log", "requests"}, 2, "exclude each other"},
		{"single-dash long flag", []string{"-addr", "nowhere"}, 2, "cannot listen on nowhere"},
		{"bad address", []string{"--addr", "nowhere"}, 2, "cannot listen on nowhere"},
		{"address in use", []string{"--addr", busy.Addr().String()}, 2, "address already in use"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var stdout, stderr bytes.Buffer
			ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
			defer cancel()
			if got := serve(ctx, c.args, &stdout, &stderr); got != c.want {
				t.Errorf("exit %d, want %d; stderr %s", got, c.want, stderr.String())
			}
			if got := stderr.String() + stdout.String(); !strings.Contains(got, c.msg) {
				t.Errorf("output %q lacks %q", got, c.msg)
			}
			if c.want == 0 && !strings.Contains(stdout.String(), c.msg) {
				t.Errorf("help went to stderr, want stdout")
			}
			if strings.Contains(stdout.String(), "listening") {
				t.Errorf("printed a listening line on a usage error: %q", stdout.String())
			}
		})
	}
}

// TestServePublic: an --addr beyond loopback needs --public, and then the
// real listening address is printed (not a loopback URL), with a warning.
func TestServePublic(t *testing.T) {
	for _, addr := range []string{"0.0.0.0:0", ":0", "[::]:0", "192.0.2.1:0"} {
		var stdout, stderr bytes.Buffer
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		got := serve(ctx, []string{"--addr", addr}, &stdout, &stderr)
		cancel()
		if got != 2 || !strings.Contains(stderr.String(), "needs --public") || strings.Contains(stdout.String(), "listening") {
			t.Errorf("--addr %s without --public: exit %d, stdout %q, stderr %q; want 2 and a --public hint", addr, got, stdout.String(), stderr.String())
		}
	}
	ctx, cancel := context.WithCancel(context.Background())
	var stdout, stderr syncbuf.Buffer
	exit := make(chan int, 1)
	go func() { exit <- serve(ctx, []string{"--addr", "0.0.0.0:0", "--public", "--quiet"}, &stdout, &stderr) }()
	re := regexp.MustCompile(`listening on http://0\.0\.0\.0:(\d+) `)
	deadline := time.Now().Add(5 * time.Second)
	for re.FindStringSubmatch(stdout.String()) == nil && time.Now().Before(deadline) {
		time.Sleep(5 * time.Millisecond)
	}
	m := re.FindStringSubmatch(stdout.String())
	if m == nil {
		cancel()
		t.Fatalf("--public: stdout %q lacks the real address", stdout.String())
	}
	if !strings.Contains(stderr.String(), "no authentication") || !strings.Contains(stderr.String(), "http://127.0.0.1:"+m[1]) {
		t.Errorf("--public: stderr %q lacks the warning and the loopback URL", stderr.String())
	}
	if code, _ := post(t, "http://127.0.0.1:"+m[1], "TrentService.ListKeys", "{}"); code != 200 {
		t.Errorf("ListKeys on loopback: %d", code)
	}
	cancel()
	if code := <-exit; code != 0 {
		t.Errorf("exit %d", code)
	}
}
