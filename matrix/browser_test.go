package matrix

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"
)

const chromium = "/usr/bin/chromium"

// TestMatrixBrowser loads the HTML page in headless Chromium and uses it
// as a reader would: filters, expands a rule, and takes a screenshot
// (also copied to /tmp/conformance.png for a human to look at).
func TestMatrixBrowser(t *testing.T) {
	if _, err := os.Stat(chromium); err != nil {
		t.Skipf("no headless browser: %s is absent (Debian: apt-get install chromium)", chromium)
	}
	dir := t.TempDir()
	page := filepath.Join(dir, "conformance.html")
	f, err := os.Create(page)
	if err != nil {
		t.Fatal(err)
	}
	if err := loadTestdata(t).WriteHTML(f); err != nil {
		t.Fatal(err)
	}
	f.Close()

	opts := []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(chromium),
		chromedp.Headless, chromedp.NoSandbox, chromedp.DisableGPU, chromedp.NoFirstRun, chromedp.NoDefaultBrowserCheck,
		chromedp.Flag("disable-quic", true), chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true), chromedp.Flag("disable-sync", true),
		chromedp.UserDataDir(filepath.Join(dir, "profile")), chromedp.WindowSize(1280, 900),
	}
	actx, cancelA := chromedp.NewExecAllocator(context.Background(), opts...)
	defer cancelA()
	ctx, cancel := chromedp.NewContext(actx)
	defer cancel()
	ctx, cancelT := context.WithTimeout(ctx, 90*time.Second)
	defer cancelT()

	var (
		mu       sync.Mutex // the listener runs on chromedp's goroutine
		jsErrors []string
	)
	if err := chromedp.Listen(ctx, func(ev any) {
		if e, ok := ev.(*runtime.EventExceptionThrown); ok && e.ExceptionDetails != nil {
			mu.Lock()
			jsErrors = append(jsErrors, e.ExceptionDetails.Text)
			mu.Unlock()
		}
	}); err != nil {
		t.Fatal(err)
	}
	eval := func(js string, out any) {
		t.Helper()
		v, err := chromedp.Run(ctx, chromedp.Evaluate[[]byte](js)) // the raw JSON value
		if err != nil {
			t.Fatalf("%s: %v", js, err)
		}
		if out != nil {
			if err := json.Unmarshal(v, out); err != nil {
				t.Fatalf("%s: %v", js, err)
			}
		}
	}
	choose := func(id, value string) { // as a user would: change the select, which fires "change"
		t.Helper()
		eval(`(() => { const s = document.getElementById("`+id+`"); s.value = "`+value+`"; s.dispatchEvent(new Event("change", {bubbles: true})); return s.value; })()`, nil)
	}
	var visible []string
	visibleRules := func() []string {
		t.Helper()
		eval(`Array.from(document.querySelectorAll("tr.rule")).filter(tr => tr.offsetParent !== null).map(tr => tr.dataset.rule)`, &visible)
		return visible
	}

	if err := chromedp.Do(ctx, chromedp.Navigate("file://"+page), chromedp.WaitVisible(chromedp.CSS("#filters"))); err != nil {
		t.Fatal(err)
	}

	// It renders: the three endpoint columns and every rule row.
	var cols []string
	eval(`Array.from(document.querySelectorAll("table.matrix thead th.ep")).map(th => th.firstChild.textContent.trim())`, &cols)
	if strings.Join(cols, ",") != "reference,moto,local-kms" {
		t.Errorf("endpoint columns %q", cols)
	}
	if n := len(visibleRules()); n != 141 {
		t.Errorf("%d rule rows visible, want 141", n)
	}
	var overflow bool
	eval(`document.documentElement.scrollWidth > document.documentElement.clientWidth`, &overflow)
	if overflow {
		var wide []string
		eval(`Array.from(document.querySelectorAll("body *")).filter(e => e.getBoundingClientRect().right > document.documentElement.clientWidth + 1).slice(0, 8).map(e => e.tagName + "." + e.className + " " + Math.round(e.getBoundingClientRect().right))`, &wide)
		t.Errorf("the page scrolls sideways at 1280 px: %q", wide)
	}
	var external int
	eval(`performance.getEntriesByType("resource").length`, &external)
	if external != 0 {
		t.Errorf("the page loaded %d external resources", external)
	}

	// Status filter: only rules failed on some endpoint remain.
	choose("f-status", "failed")
	failed := visibleRules()
	var notFailed, hiddenFailed int
	eval(`Array.from(document.querySelectorAll("tr.rule")).filter(tr => tr.offsetParent !== null && !tr.querySelector("td.st-failed")).length`, &notFailed)
	eval(`Array.from(document.querySelectorAll("tr.rule")).filter(tr => tr.offsetParent === null && tr.querySelector("td.st-failed")).length`, &hiddenFailed)
	if len(failed) == 0 || len(failed) == 141 || notFailed != 0 || hiddenFailed != 0 {
		t.Errorf("status=failed: %d shown, %d shown without a failed cell, %d failed hidden", len(failed), notFailed, hiddenFailed)
	}
	var hash, shown string
	eval(`location.hash`, &hash)
	eval(`document.getElementById("shown").textContent`, &shown)
	if hash != "#status=failed" || shown != fmt.Sprintf("%d of 141 rules shown", len(failed)) {
		t.Errorf("status=failed: hash %q, counter %q", hash, shown)
	}

	// Section filter, with the status filter on and then off.
	choose("f-section", "WIRE")
	for _, id := range visibleRules() {
		if !strings.HasPrefix(id, "WIRE-") {
			t.Errorf("section=WIRE shows %s", id)
		}
	}
	wireFailed := len(visible)
	choose("f-status", "")
	if n := len(visibleRules()); n != 14 || n <= wireFailed && wireFailed != 14 {
		t.Errorf("section=WIRE: %d rows, want 14 (%d of them failed somewhere)", n, wireFailed)
	}
	var heads int
	eval(`Array.from(document.querySelectorAll("tbody.section")).filter(tb => tb.offsetParent !== null).length`, &heads)
	if heads != 1 {
		t.Errorf("section=WIRE: %d sections shown", heads)
	}

	// Expanding a rule shows each endpoint's expected and observed values.
	var target string
	eval(`Array.from(document.querySelectorAll("tr.rule")).find(tr => tr.offsetParent !== null && tr.querySelector("td.st-failed")).dataset.rule`, &target)
	if err := chromedp.Do(ctx, chromedp.Click(chromedp.CSS(`#r-`+target+` button.toggle`)), chromedp.WaitVisible(chromedp.CSS(`#d-`+target))); err != nil {
		t.Fatal(err)
	}
	var detail struct {
		Expanded string   `json:"expanded"`
		Text     string   `json:"text"`
		Expected []string `json:"expected"`
		Observed []string `json:"observed"`
	}
	eval(`(() => { const d = document.getElementById("d-`+target+`");
		const vis = sel => Array.from(d.querySelectorAll(sel)).filter(e => e.offsetParent !== null).map(e => e.textContent);
		return {expanded: document.querySelector("#r-`+target+` button.toggle").getAttribute("aria-expanded"),
			text: d.innerText, expected: vis("pre.expected"), observed: vis("pre.observed")}; })()`, &detail)
	if detail.Expanded != "true" || len(detail.Expected) == 0 || len(detail.Observed) == 0 ||
		!strings.Contains(detail.Text, "Expected") || !strings.Contains(detail.Text, "Observed") || !strings.Contains(detail.Text, "moto") {
		t.Errorf("expanded %s: %+v", target, detail)
	}
	// And collapses again.
	var open bool
	eval(`document.querySelector("#r-`+target+` button.toggle").click(); document.getElementById("d-`+target+`").offsetParent !== null`, &open)
	if open {
		t.Errorf("%s did not collapse", target)
	}

	// Screenshot: the WIRE section with its first failing rule expanded.
	if err := chromedp.Do(ctx, chromedp.Click(chromedp.CSS(`#r-`+target+` button.toggle`))); err != nil {
		t.Fatal(err)
	}
	png, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range []string{filepath.Join(dir, "conformance.png"), "/tmp/conformance.png"} {
		if err := os.WriteFile(p, png, 0o644); err != nil {
			t.Error(err)
		}
	}
	t.Logf("screenshot (%d bytes): %s and /tmp/conformance.png", len(png), filepath.Join(dir, "conformance.png"))
	mu.Lock()
	defer mu.Unlock()
	if len(jsErrors) > 0 {
		t.Errorf("JavaScript errors: %q", jsErrors)
	}
}
