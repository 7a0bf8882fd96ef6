package main

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os/exec"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/credentials"

	"github.com/kmsmac/kmsmac/internal/awsraw"
	"github.com/kmsmac/kmsmac/internal/syncbuf"
)

// startData runs `kmsmac serve --data dir` and returns its URL and process.
func startData(t *testing.T, bin, dir string) (string, *exec.Cmd) {
	t.Helper()
	cmd := exec.Command(bin, "serve", "--addr", "127.0.0.1:0", "--data", dir)
	var stderr syncbuf.Buffer
	cmd.Stderr = &stderr
	pipe, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cmd.Process.Kill(); cmd.Wait() })
	line := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(pipe)
		sc.Scan()
		line <- sc.Text()
		io.Copy(io.Discard, pipe)
	}()
	select {
	case l := <-line:
		m := listeningRE.FindStringSubmatch(l)
		if m == nil {
			t.Fatalf("first line %q; stderr: %s", l, stderr.String())
		}
		return m[1], cmd
	case <-time.After(20 * time.Second):
		t.Fatalf("no URL; stderr: %s", stderr.String())
	}
	return "", nil
}

// dataClient signs as the default principal (test/test): serve checks SigV4.
var dataClient = &awsraw.Client{Region: "us-east-1",
	Credentials: credentials.NewStaticCredentialsProvider("test", "test", ""),
	HTTP:        &http.Client{Timeout: 10 * time.Second}}

// kmsCall sends one awsJson1_1 request; err is set when no answer came.
func kmsCall(url, op string, req any) (int, map[string]any, error) {
	body, _ := json.Marshal(req)
	c := *dataClient
	c.URL = url
	resp, err := c.Do(context.Background(), awsraw.Target(op), body)
	if err != nil {
		return 0, nil, err
	}
	var out map[string]any
	if err := json.Unmarshal(resp.Body, &out); err != nil {
		return 0, nil, fmt.Errorf("%s: %d %q: %v", op, resp.Status, resp.Body, err)
	}
	return resp.Status, out, nil
}

// confirmed is what the server answered 200 for, per key; unsure marks a
// key whose last call got no answer (it may or may not have happened).
type confirmed struct {
	id, mac, alias, tag string
	state               string
	unsure              bool
}

// TestServeDataSurvivesKill9 kills `serve --data` with SIGKILL in the middle
// of a burst of writes and restarts it on the same directory: every key
// answered 200 is there, in the state last answered, with the same tags,
// aliases and material (the same MAC for the same message).
func TestServeDataSurvivesKill9(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the binary")
	}
	bin := buildKmsmac(t)
	dir := t.TempDir()
	url, cmd := startData(t, bin, dir)

	var mu sync.Mutex
	var keys []*confirmed
	stop := make(chan struct{})
	var wg sync.WaitGroup
	for w := range 6 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; ; i++ {
				select {
				case <-stop:
					return
				default:
				}
				st, out, err := kmsCall(url, "CreateKey", map[string]any{"KeySpec": "HMAC_256", "KeyUsage": "GENERATE_VERIFY_MAC"})
				if err != nil || st != 200 {
					return // the server is gone
				}
				c := &confirmed{id: out["KeyMetadata"].(map[string]any)["KeyId"].(string), state: "Enabled"}
				mu.Lock()
				keys = append(keys, c)
				mu.Unlock()
				steps := []func() bool{
					func() bool {
						st, out, err := kmsCall(url, "GenerateMac", map[string]any{"KeyId": c.id, "Message": "aGVsbG8=", "MacAlgorithm": "HMAC_SHA_256"})
						if err == nil && st == 200 {
							c.mac = out["Mac"].(string)
						}
						return err == nil
					},
					func() bool {
						tag := fmt.Sprintf("w%d-%d", w, i)
						st, _, err := kmsCall(url, "TagResource", map[string]any{"KeyId": c.id, "Tags": []map[string]string{{"TagKey": "t", "TagValue": tag}}})
						if err == nil && st == 200 {
							c.tag = tag
						}
						return err == nil
					},
					func() bool {
						alias := fmt.Sprintf("alias/w%d-%d", w, i)
						st, _, err := kmsCall(url, "CreateAlias", map[string]any{"AliasName": alias, "TargetKeyId": c.id})
						if err == nil && st == 200 {
							c.alias = alias
						}
						return err == nil
					},
					func() bool {
						if i%2 == 1 {
							return true
						}
						st, _, err := kmsCall(url, "ScheduleKeyDeletion", map[string]any{"KeyId": c.id, "PendingWindowInDays": 7})
						if err == nil && st == 200 {
							c.state = "PendingDeletion"
						}
						return err == nil
					},
				}
				for _, step := range steps {
					if !step() {
						mu.Lock()
						c.unsure = true
						mu.Unlock()
						return
					}
				}
			}
		}()
	}
	// Kill once the burst is well under way.
	deadline := time.Now().Add(30 * time.Second)
	for {
		mu.Lock()
		n := len(keys)
		mu.Unlock()
		if n >= 60 || time.Now().After(deadline) {
			break
		}
		time.Sleep(20 * time.Millisecond)
	}
	if err := cmd.Process.Kill(); err != nil {
		t.Fatal(err)
	}
	cmd.Wait()
	close(stop)
	wg.Wait()
	if len(keys) < 10 {
		t.Fatalf("only %d keys created before the kill", len(keys))
	}

	url, _ = startData(t, bin, dir)
	checked := 0
	for _, c := range keys {
		st, out, err := kmsCall(url, "DescribeKey", map[string]any{"KeyId": c.id})
		if err != nil || st != 200 {
			t.Errorf("key %s answered 200 before the kill: DescribeKey now %d %v %v", c.id, st, out, err)
			continue
		}
		state := out["KeyMetadata"].(map[string]any)["KeyState"].(string)
		if !c.unsure && state != c.state {
			t.Errorf("key %s: state %s after restart, last answered %s", c.id, state, c.state)
		}
		if c.tag != "" {
			_, out, _ := kmsCall(url, "ListResourceTags", map[string]any{"KeyId": c.id})
			if got := fmt.Sprint(out["Tags"]); !strings.Contains(got, c.tag) {
				t.Errorf("key %s: tags %s after restart, want t=%s", c.id, got, c.tag)
			}
		}
		if c.alias != "" {
			st, out, _ := kmsCall(url, "DescribeKey", map[string]any{"KeyId": c.alias})
			if st != 200 || out["KeyMetadata"].(map[string]any)["KeyId"] != c.id {
				t.Errorf("alias %s after restart: %d %v, want key %s", c.alias, st, out, c.id)
			}
		}
		if c.mac == "" {
			continue
		}
		if state == "PendingDeletion" { // a MAC needs an enabled key
			kmsCall(url, "CancelKeyDeletion", map[string]any{"KeyId": c.id})
			kmsCall(url, "EnableKey", map[string]any{"KeyId": c.id})
		}
		st, out, err = kmsCall(url, "GenerateMac", map[string]any{"KeyId": c.id, "Message": "aGVsbG8=", "MacAlgorithm": "HMAC_SHA_256"})
		if err != nil || st != 200 || out["Mac"] != c.mac {
			t.Errorf("key %s: GenerateMac after restart %d %v, want Mac %s", c.id, st, out, c.mac)
		}
		checked++
	}
	if checked < 10 {
		t.Fatalf("only %d keys had a MAC to compare", checked)
	}
	t.Logf("%d keys answered 200 before kill -9, %d MACs compared after restart", len(keys), checked)
}
