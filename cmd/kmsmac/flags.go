package main

import (
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/spf13/pflag"

	"github.com/kmsmac/kmsmac/runner"
	"github.com/kmsmac/kmsmac/target"
	"github.com/kmsmac/kmsmac/vectors"
)

// newFlagSet is the FlagSet of a command whose -h prints usage (its text
// up to "Flags:") and then the flag defaults, all on stderr.
func newFlagSet(name, usage string, stderr io.Writer) *pflag.FlagSet {
	fs := pflag.NewFlagSet(name, pflag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() { fmt.Fprint(stderr, usage); fs.PrintDefaults() }
	return fs
}

// parseFlags parses args with fs; flags may come before or after the
// other arguments ("report new.txt -o report.md"). When ok is false the
// command returns status at once: 0 after -h (help is not an error), 2
// after a bad flag, said in one line on fs's output.
func parseFlags(fs *pflag.FlagSet, args []string) (status int, ok bool) {
	err := fs.Parse(longForms(fs, args))
	switch {
	case err == nil:
		return 0, true
	case errors.Is(err, pflag.ErrHelp):
		return 0, false
	}
	fmt.Fprintf(fs.Output(), "kmsmac %s: %s (run kmsmac %s -h for the flags)\n", fs.Name(), flagError(fs, err), fs.Name())
	return 2, false
}

// parseNoArgs is parseFlags for commands that take flags only: a stray
// argument is a usage error, named after the FlagSet ("kmsmac NAME: ...").
func parseNoArgs(fs *pflag.FlagSet, args []string, stderr io.Writer) (status int, ok bool) {
	if status, ok := parseFlags(fs, args); !ok {
		return status, false
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(stderr, "kmsmac %s: unexpected arguments %q\n", fs.Name(), fs.Args())
		return 2, false
	}
	return 0, true
}

// longForms rewrites the single-dash long flags the Go flag package
// accepted ("-endpoint URL", "-seed=3") to pflag's "--endpoint", so
// scripts written before the switch keep working. Values are skipped, so
// "--tags -x" keeps its value; "--" ends the flags.
func longForms(fs *pflag.FlagSet, args []string) []string {
	out := make([]string, 0, len(args))
	for i := 0; i < len(args); i++ {
		a := args[i]
		if a == "--" {
			return append(out, args[i:]...)
		}
		if a == "-help" || a == "--h" {
			a = "--help"
		}
		name, hasValue := "", false
		switch {
		case strings.HasPrefix(a, "--"):
			name, _, hasValue = strings.Cut(a[2:], "=")
		case strings.HasPrefix(a, "-") && len(a) > 2:
			n, _, hv := strings.Cut(a[1:], "=")
			if len(n) > 1 && fs.Lookup(n) != nil {
				a, name, hasValue = "-"+a, n, hv
			}
		}
		out = append(out, a)
		// A flag that takes a value consumes the next argument as is.
		if f := fs.Lookup(name); f != nil && !hasValue && f.NoOptDefVal == "" && i+1 < len(args) {
			i++
			out = append(out, args[i])
		}
	}
	return out
}

// flagError says what was wrong with the flags in a few words; an unknown
// flag gets the closest existing one.
func flagError(fs *pflag.FlagSet, err error) string {
	var unknown *pflag.NotExistError
	var invalid *pflag.InvalidValueError
	switch {
	case errors.As(err, &unknown):
		name, dash := unknown.GetSpecifiedName(), "--"
		if short := unknown.GetSpecifiedShortnames(); short != "" {
			// "-endpont" is a typo of a long flag, not the shorthand -e.
			name, _, _ = strings.Cut(short, "=")
			dash = "-"
		}
		msg := "unknown flag " + dash + name
		if s := closestFlag(fs, name); s != "" {
			msg += ": did you mean --" + s + "?"
		}
		return msg
	case errors.As(err, &invalid):
		cause := invalid.Unwrap()
		var num *strconv.NumError
		if errors.As(cause, &num) {
			cause = num.Err // "invalid syntax", without strconv's prefix
		}
		return fmt.Sprintf("invalid value %q for --%s: %v", invalid.GetValue(), invalid.GetFlag().Name, cause)
	}
	return err.Error()
}

// closestFlag is the flag of fs nearest to name by edit distance (or the
// one name starts), or "" when none is near enough to be a typo.
func closestFlag(fs *pflag.FlagSet, name string) string {
	// Farther than half the name (at most 3 edits) is not a typo.
	best, bestD := "", min(len(name)/2, 3)+1
	fs.VisitAll(func(f *pflag.Flag) { // in sorted order: ties go to the first
		d := editDistance(name, f.Name)
		if len(name) >= 3 && strings.HasPrefix(f.Name, name) {
			d = 1 // "--expect" for "--expectations"
		}
		if d < bestD {
			best, bestD = f.Name, d
		}
	})
	return best
}

// editDistance is the Levenshtein distance between a and b.
func editDistance(a, b string) int {
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}

// Type makes multiFlag (conform.go) a pflag.Value; it is here so the
// flag-library switch leaves conform.go alone.
func (m *multiFlag) Type() string { return "FILE" }

// suiteFlags defines the flags that conform and record share, so both
// select and drive a target the same way; verb says what the run does to
// the target ("test", "record"). Each command adds its own --tags and
// --retries, whose help differs.
func suiteFlags(fs *pflag.FlagSet, o *runner.Options, verb string) {
	fs.StringVar(&o.Endpoint, "endpoint", "", "endpoint URL to "+verb+" (also AWS_ENDPOINT_URL_KMS / AWS_ENDPOINT_URL); none = the embedded reference")
	fs.BoolVar(&o.AWS, "aws", false, verb+" real AWS KMS with the SDK's default configuration chain (creates keys, costs money)")
	fs.StringVar(&o.Region, "region", "", "region (default AWS_REGION, then us-east-1)")
	fs.StringVar(&o.Region2, "region2", "", "a second `region` of the endpoint for the multi-Region scenarios (ReplicateKey); without it they are blocked (the embedded reference has one)")
	fs.StringVar(&o.Format, "format", "progress", "godog formatters, comma-separated: pretty, progress, junit:FILE, cucumber:FILE")
	fs.StringVar(&o.VectorsDir, "vectors", "", "directory of Wycheproof hmac_sha{224,256,384,512}_test.json files to use instead of the embedded set (also $"+vectors.EnvDir+")")
	fs.BoolVar(&o.KeepKeys, "keep-keys", false, "do not schedule the keys the run created for deletion")
	fs.Int64Var(&o.Seed, "seed", 0, "seed for property tests (0 picks one and prints it)")
	fs.DurationVar(&o.Timeout, "timeout", 30*time.Minute, "give up on the whole run after this long")
	fs.DurationVar(&o.PollTimeout, "poll-timeout", 30*time.Second, "how long a state change may take to show (off AWS a settled state that stays 2 s is the answer; a transitional one such as Creating is waited for)")
	fs.StringVar(&o.Profile, "profile", "", "shared-config profile (with --aws)")
	fs.DurationVar(&o.RequestTimeout, "request-timeout", 30*time.Second, "give up on one request after this long")
	fs.StringVar(&o.KeysFile, "keys", "", "YAML file mapping roles to existing keys (bring your own keys)")
	fs.BoolVar(&o.NoCreate, "no-create", false, "never create or change keys; scenarios that must are skipped with that reason")
}

// checkSuite applies the checks and defaults of suiteFlags, before any key
// is created; false means it printed a usage error ("kmsmac NAME: ...").
func checkSuite(o *runner.Options, name string, stderr io.Writer) bool {
	if o.AWS && o.Endpoint != "" {
		fmt.Fprintf(stderr, "kmsmac %s: --aws and --endpoint exclude each other\n", name)
		return false
	}
	if !checkEndpoint(&o.Endpoint, name, stderr) {
		return false
	}
	if err := checkFormats(o.Format); err != nil {
		fmt.Fprintf(stderr, "kmsmac %s: %v\n", name, err)
		return false
	}
	// A directory given in place of the embedded Wycheproof set must hold
	// the files: say so before any key is created.
	if _, _, err := vectors.OpenWycheproof(o.VectorsDir); err != nil {
		fmt.Fprintf(stderr, "kmsmac %s: %v\n", name, err)
		return false
	}
	if o.Retries == 0 {
		o.Retries = -1 // runner.Options: 0 is the default (3), negative is none
	}
	if o.Seed == 0 {
		o.Seed = time.Now().UnixNano()
	}
	return true
}

// checkEndpoint turns a --endpoint host:port into its http:// URL, with a
// note, and rejects other values that are not URLs (kmsmac NAME: ...).
func checkEndpoint(endpoint *string, name string, stderr io.Writer) bool {
	u, guessed, err := target.EndpointURL(*endpoint)
	if err != nil {
		fmt.Fprintf(stderr, "kmsmac %s: --endpoint: %v\n", name, err)
		return false
	}
	if guessed {
		fmt.Fprintf(stderr, "kmsmac %s: --endpoint %s has no scheme: using %s\n", name, *endpoint, u)
	}
	*endpoint = u
	return true
}
