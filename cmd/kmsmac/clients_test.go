package main

import (
	"bufio"
	"bytes"
	"crypto/hmac"
	"crypto/sha256"
	"crypto/sha512"
	"encoding/base64"
	"encoding/json"
	"errors"
	"github.com/kmsmac/kmsmac/internal/syncbuf"
	"hash"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/kmsmac/kmsmac/internal/keywrap"
)

// These tests run the real kmsmac binary and drive it with the clients
// users have: the aws CLI and Python boto3. They only talk to 127.0.0.1.

const (
	testRegion  = "us-west-2"
	testAccount = "444455556666"
)

// buildKmsmac builds the command into a temporary directory.
func buildKmsmac(t *testing.T) string {
	t.Helper()
	// go test puts its own GOROOT/bin first on PATH.
	goTool, err := exec.LookPath("go")
	if err != nil {
		t.Skip("no go tool to build kmsmac with: ", err)
	}
	bin := filepath.Join(t.TempDir(), "kmsmac")
	out, err := exec.Command(goTool, "build", "-o", bin, ".").CombinedOutput()
	if err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	return bin
}

// served is a running `kmsmac serve` process.
type served struct {
	url    string
	cmd    *exec.Cmd
	stdout chan string // lines after the listening line
	stderr *syncbuf.Buffer
	exited chan struct{}
	err    error // Wait's result, once exited is closed
}

// startBinary starts `kmsmac serve --addr 127.0.0.1:0` and waits for its
// URL. The process is stopped at the end of the test.
func startBinary(t *testing.T, bin string) *served {
	t.Helper()
	s := &served{stdout: make(chan string, 16), stderr: &syncbuf.Buffer{}, exited: make(chan struct{})}
	s.cmd = exec.Command(bin, "serve", "--addr", "127.0.0.1:0", "--region", testRegion, "--account", testAccount, "--auth", "on")
	s.cmd.Stderr = s.stderr
	pipe, err := s.cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := s.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	lines := make(chan string, 16)
	go func() {
		sc := bufio.NewScanner(pipe)
		for sc.Scan() {
			lines <- sc.Text()
		}
		close(lines)
		s.err = s.cmd.Wait()
		close(s.exited)
	}()
	t.Cleanup(func() {
		select {
		case <-s.exited:
			return
		default:
		}
		s.cmd.Process.Signal(syscall.SIGTERM)
		select {
		case <-s.exited:
		case <-time.After(10 * time.Second):
			s.cmd.Process.Kill()
			<-s.exited
		}
	})
	select {
	case l, ok := <-lines:
		m := listeningRE.FindStringSubmatch(l)
		if !ok || m == nil {
			t.Fatalf("first stdout line %q is not the listening line; stderr: %s", l, s.stderr)
		}
		if m[2] != testRegion || m[3] != testAccount {
			t.Fatalf("listening line %q", l)
		}
		s.url = m[1]
	case <-time.After(15 * time.Second):
		t.Fatalf("kmsmac serve printed no URL; stderr: %s", s.stderr)
	}
	go func() {
		for l := range lines {
			s.stdout <- l
		}
		close(s.stdout)
	}()
	return s
}

// stop sends sig and returns the exit code and the remaining stdout.
func (s *served) stop(t *testing.T, sig os.Signal) (int, string) {
	t.Helper()
	if err := s.cmd.Process.Signal(sig); err != nil {
		t.Fatal(err)
	}
	var rest []string
	timeout := time.After(10 * time.Second)
	for {
		select {
		case l, ok := <-s.stdout:
			if ok {
				rest = append(rest, l)
				continue
			}
			<-s.exited
			code := 0
			var ee *exec.ExitError
			if errors.As(s.err, &ee) {
				code = ee.ExitCode()
			} else if s.err != nil {
				t.Fatal(s.err)
			}
			return code, strings.Join(rest, "\n")
		case <-timeout:
			t.Fatalf("kmsmac serve did not exit on %v", sig)
		}
	}
}

func TestServeBinarySignals(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the binary")
	}
	bin := buildKmsmac(t)
	for _, sig := range []os.Signal{os.Interrupt, syscall.SIGTERM} {
		t.Run(sig.String(), func(t *testing.T) {
			s := startBinary(t, bin)
			resp, err := http.Post(s.url+"/", "application/x-amz-json-1.1", strings.NewReader("{}"))
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			code, rest := s.stop(t, sig)
			if code != 0 || !strings.Contains(rest, "shutting down") {
				t.Errorf("exit %d, stdout %q; want 0 and a shutdown line", code, rest)
			}
			// The request without X-Amz-Target was logged, with its status.
			if !regexp.MustCompile(`(?m) 400 \S+ - [0-9.]+ms$`).MatchString(s.stderr.String()) {
				t.Errorf("stderr lacks the request log line: %q", s.stderr)
			}
		})
	}
}

// cleanEnv is the environment for client processes: the user's AWS
// settings removed, dummy credentials, no config files.
func cleanEnv() []string {
	var env []string
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "AWS_") && !strings.HasPrefix(kv, "BOTO_") {
			env = append(env, kv)
		}
	}
	return append(env,
		"AWS_ACCESS_KEY_ID=test",
		"AWS_SECRET_ACCESS_KEY=test",
		"AWS_DEFAULT_REGION="+testRegion,
		"AWS_CONFIG_FILE="+os.DevNull,
		"AWS_SHARED_CREDENTIALS_FILE="+os.DevNull,
		"AWS_EC2_METADATA_DISABLED=true",
		"AWS_MAX_ATTEMPTS=1",
		"AWS_PAGER=",
	)
}

// awsCLI runs the aws CLI against one endpoint.
type awsCLI struct {
	bin, url, dir string
	env           []string
}

// run runs `aws kms <args> --output json` and decodes the output. On a
// failed call it returns the CLI's stderr as the error.
func (a *awsCLI) run(t *testing.T, args ...string) (map[string]any, error) {
	t.Helper()
	args = append([]string{"kms"}, args...)
	args = append(args, "--endpoint-url", a.url, "--region", testRegion, "--output", "json")
	cmd := exec.Command(a.bin, args...)
	cmd.Env = a.env
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		return nil, errors.New(strings.TrimSpace(stderr.String()))
	}
	out := map[string]any{}
	if stdout.Len() > 0 {
		if err := json.Unmarshal(stdout.Bytes(), &out); err != nil {
			t.Fatalf("aws %s: output %q is not JSON", strings.Join(args, " "), stdout.String())
		}
	}
	return out, nil
}

func (a *awsCLI) must(t *testing.T, args ...string) map[string]any {
	t.Helper()
	out, err := a.run(t, args...)
	if err != nil {
		t.Fatalf("aws kms %s: %v", args[0], err)
	}
	return out
}

// file writes b into the test directory and returns a fileb:// reference,
// the unambiguous way to pass blobs to both CLI versions.
func (a *awsCLI) file(t *testing.T, name string, b []byte) string {
	t.Helper()
	p := filepath.Join(a.dir, name)
	if err := os.WriteFile(p, b, 0o600); err != nil {
		t.Fatal(err)
	}
	return "fileb://" + p
}

func b64(t *testing.T, out map[string]any, member string) []byte {
	t.Helper()
	s, _ := out[member].(string)
	b, err := base64.StdEncoding.DecodeString(s)
	if err != nil || len(b) == 0 {
		t.Fatalf("member %s = %q is not a base64 blob", member, s)
	}
	return b
}

var hmacSpecs = []struct {
	spec, alg string
	hash      func() hash.Hash
}{
	{"HMAC_224", "HMAC_SHA_224", sha256.New224},
	{"HMAC_256", "HMAC_SHA_256", sha256.New},
	{"HMAC_384", "HMAC_SHA_384", sha512.New384},
	{"HMAC_512", "HMAC_SHA_512", sha512.New},
}

func TestAWSCLI(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the aws CLI")
	}
	cli, err := exec.LookPath("aws")
	if err != nil {
		t.Skip("aws CLI not installed: ", err)
	}
	s := startBinary(t, buildKmsmac(t))
	a := &awsCLI{bin: cli, url: s.url, dir: t.TempDir(), env: cleanEnv()}
	msgRef := a.file(t, "message", []byte("kmsmac aws-cli check\x00\xff"))
	arnPrefix := "arn:aws:kms:" + testRegion + ":" + testAccount + ":key/"

	t.Run("generate-verify", func(t *testing.T) {
		for _, sp := range hmacSpecs {
			t.Run(sp.spec, func(t *testing.T) {
				t.Parallel()
				md := a.must(t, "create-key", "--key-spec", sp.spec, "--key-usage", "GENERATE_VERIFY_MAC")["KeyMetadata"].(map[string]any)
				id, arn := md["KeyId"].(string), md["Arn"].(string)
				if arn != arnPrefix+id || md["KeySpec"] != sp.spec {
					t.Fatalf("metadata %v", md)
				}
				gm := a.must(t, "generate-mac", "--key-id", id, "--message", msgRef, "--mac-algorithm", sp.alg)
				mac := b64(t, gm, "Mac")
				if gm["KeyId"] != arn || gm["MacAlgorithm"] != sp.alg || len(mac) != sp.hash().Size() {
					t.Errorf("generate-mac %v", gm)
				}
				vm := a.must(t, "verify-mac", "--key-id", arn, "--message", msgRef, "--mac-algorithm", sp.alg,
					"--mac", a.file(t, "mac-"+sp.spec, mac))
				if vm["MacValid"] != true {
					t.Errorf("verify-mac %v", vm)
				}
				mac[len(mac)-1] ^= 0x80
				_, err := a.run(t, "verify-mac", "--key-id", id, "--message", msgRef, "--mac-algorithm", sp.alg,
					"--mac", a.file(t, "bad-mac-"+sp.spec, mac))
				if err == nil || !strings.Contains(err.Error(), "(KMSInvalidMacException)") {
					t.Errorf("tampered MAC: %v", err)
				}
			})
		}
	})

	md := a.must(t, "create-key", "--key-spec", "HMAC_256", "--key-usage", "GENERATE_VERIFY_MAC")["KeyMetadata"].(map[string]any)
	id, arn := md["KeyId"].(string), md["Arn"].(string)

	t.Run("disabled", func(t *testing.T) {
		a.must(t, "disable-key", "--key-id", id)
		_, err := a.run(t, "generate-mac", "--key-id", id, "--message", msgRef, "--mac-algorithm", "HMAC_SHA_256")
		if err == nil || !strings.Contains(err.Error(), "(DisabledException)") || !strings.Contains(err.Error(), arn+" is disabled.") {
			t.Errorf("generate-mac on a disabled key: %v", err)
		}
		a.must(t, "enable-key", "--key-id", id)
		a.must(t, "generate-mac", "--key-id", id, "--message", msgRef, "--mac-algorithm", "HMAC_SHA_256")
	})

	t.Run("alias", func(t *testing.T) {
		a.must(t, "create-alias", "--alias-name", "alias/kmsmac-cli", "--target-key-id", id)
		direct := b64(t, a.must(t, "generate-mac", "--key-id", id, "--message", msgRef, "--mac-algorithm", "HMAC_SHA_256"), "Mac")
		aliasARN := "arn:aws:kms:" + testRegion + ":" + testAccount + ":alias/kmsmac-cli"
		for _, name := range []string{"alias/kmsmac-cli", aliasARN} {
			gm := a.must(t, "generate-mac", "--key-id", name, "--message", msgRef, "--mac-algorithm", "HMAC_SHA_256")
			if !bytes.Equal(b64(t, gm, "Mac"), direct) || gm["KeyId"] != arn {
				t.Errorf("generate-mac via %s: %v", name, gm)
			}
		}
		_, err := a.run(t, "generate-mac", "--key-id", "alias/kmsmac-none", "--message", msgRef, "--mac-algorithm", "HMAC_SHA_256")
		if err == nil || !strings.Contains(err.Error(), "(NotFoundException)") {
			t.Errorf("missing alias: %v", err)
		}
	})

	t.Run("import", func(t *testing.T) {
		material := make([]byte, 64) // inside every HMAC spec's import range
		for i := range material {
			material[i] = byte(0xc0 + i)
		}
		msg := []byte("kmsmac aws-cli check\x00\xff")
		for i, c := range []struct{ spec, wrapping string }{
			{"HMAC_224", "RSAES_OAEP_SHA_1"},
			{"HMAC_256", "RSAES_OAEP_SHA_256"},
			{"HMAC_384", "RSA_AES_KEY_WRAP_SHA_1"},
			{"HMAC_512", "RSA_AES_KEY_WRAP_SHA_256"},
		} {
			sp := hmacSpecs[i]
			t.Run(c.spec, func(t *testing.T) {
				t.Parallel()
				md := a.must(t, "create-key", "--key-spec", c.spec, "--key-usage", "GENERATE_VERIFY_MAC", "--origin", "EXTERNAL")["KeyMetadata"].(map[string]any)
				id := md["KeyId"].(string)
				p := a.must(t, "get-parameters-for-import", "--key-id", id, "--wrapping-algorithm", c.wrapping, "--wrapping-key-spec", "RSA_3072")
				wrapped, err := keywrap.Wrap(b64(t, p, "PublicKey"), c.wrapping, material)
				if err != nil {
					t.Fatal(err)
				}
				a.must(t, "import-key-material", "--key-id", id,
					"--import-token", a.file(t, "token-"+c.spec, b64(t, p, "ImportToken")),
					"--encrypted-key-material", a.file(t, "wrapped-"+c.spec, wrapped),
					"--expiration-model", "KEY_MATERIAL_DOES_NOT_EXPIRE")
				got := b64(t, a.must(t, "generate-mac", "--key-id", id, "--message", msgRef, "--mac-algorithm", sp.alg), "Mac")
				h := hmac.New(sp.hash, material)
				h.Write(msg)
				if want := h.Sum(nil); !bytes.Equal(got, want) {
					t.Errorf("imported %s: MAC %x, RFC 2104 HMAC %x", c.spec, got, want)
				}
			})
		}
	})

	t.Run("signature checked", func(t *testing.T) {
		wrong := *a
		wrong.env = append(cleanEnv(), "AWS_SECRET_ACCESS_KEY=not-test") // the later value wins
		_, err := wrong.run(t, "generate-mac", "--key-id", id, "--message", msgRef, "--mac-algorithm", "HMAC_SHA_256")
		if err == nil || !strings.Contains(err.Error(), "(InvalidSignatureException)") {
			t.Errorf("generate-mac signed with a wrong secret: %v", err)
		}
	})

	if code, _ := s.stop(t, os.Interrupt); code != 0 {
		t.Errorf("serve exited %d", code)
	}
	if strings.Contains(s.stderr.String(), "kmsmac aws-cli check") {
		t.Error("the request log contains a message")
	}
}

func TestBoto3(t *testing.T) {
	if testing.Short() {
		t.Skip("runs Python boto3")
	}
	py, err := exec.LookPath("python3")
	if err != nil {
		t.Skip("python3 not installed: ", err)
	}
	probe := exec.Command(py, "-c", "import boto3")
	probe.Env = cleanEnv()
	if out, err := probe.CombinedOutput(); err != nil {
		t.Skipf("Python boto3 not installed: %s", bytes.TrimSpace(out))
	}
	s := startBinary(t, buildKmsmac(t))
	cmd := exec.Command(py, filepath.Join("testdata", "boto3_client.py"), s.url, testRegion, testAccount)
	cmd.Env = cleanEnv()
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	err = cmd.Run()
	t.Logf("boto3_client.py:\n%s", out.String())
	if err != nil {
		t.Fatalf("boto3_client.py: %v", err)
	}
	want := []string{"ok generate-verify HMAC_224", "ok generate-verify HMAC_256", "ok generate-verify HMAC_384",
		"ok generate-verify HMAC_512", "ok algorithm mismatch", "ok disabled", "ok alias", "ok wrong secret refused"}
	if strings.Contains(out.String(), "skip import:") {
		t.Log("import checks skipped by the script (see above)")
	} else {
		want = append(want, "ok import HMAC_256 RSAES_OAEP_SHA_256", "ok import HMAC_384 RSA_AES_KEY_WRAP_SHA_256")
	}
	for _, w := range want {
		if !strings.Contains(out.String(), w+"\n") {
			t.Errorf("boto3_client.py did not report %q", w)
		}
	}
	if code, _ := s.stop(t, syscall.SIGTERM); code != 0 {
		t.Errorf("serve exited %d", code)
	}
}
