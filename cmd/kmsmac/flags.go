package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"time"

	"github.com/kmsmac/kmsmac/steps"
	"github.com/kmsmac/kmsmac/vectors"
)

// newFlagSet is the FlagSet of a command whose -h prints usage (its text
// up to "Flags:") and then the flag defaults, all on stderr.
func newFlagSet(name, usage string, stderr io.Writer) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() { fmt.Fprint(stderr, usage); fs.PrintDefaults() }
	return fs
}

// parseFlags parses args with fs. When ok is false the command returns
// status at once: 0 after -h (help is not an error), 2 after a bad flag
// (the flag package has already said why).
func parseFlags(fs *flag.FlagSet, args []string) (status int, ok bool) {
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0, false
		}
		return 2, false
	}
	return 0, true
}

// parseNoArgs is parseFlags for commands that take flags only: a stray
// argument is a usage error, named after the FlagSet ("kmsmac NAME: ...").
func parseNoArgs(fs *flag.FlagSet, args []string, stderr io.Writer) (status int, ok bool) {
	if status, ok := parseFlags(fs, args); !ok {
		return status, false
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(stderr, "kmsmac %s: unexpected arguments %q\n", fs.Name(), fs.Args())
		return 2, false
	}
	return 0, true
}

// suiteFlags defines the flags that conform and record share, so both
// select and drive a target the same way; verb says what the run does to
// the target ("test", "record"). Each command adds its own --tags and
// --retries, whose help differs.
func suiteFlags(fs *flag.FlagSet, o *steps.Options, verb string) {
	fs.StringVar(&o.Endpoint, "endpoint", "", "endpoint URL to "+verb+" (also AWS_ENDPOINT_URL_KMS / AWS_ENDPOINT_URL); none = the embedded reference")
	fs.BoolVar(&o.AWS, "aws", false, verb+" real AWS KMS with the SDK's default configuration chain (creates keys, costs money)")
	fs.StringVar(&o.Region, "region", "", "region (default AWS_REGION, then us-east-1)")
	fs.StringVar(&o.Format, "format", "progress", "godog formatters, comma-separated: pretty, progress, junit:FILE, cucumber:FILE")
	fs.StringVar(&o.VectorsDir, "vectors", "", "directory of Wycheproof hmac_sha{224,256,384,512}_test.json files to use instead of the embedded set (also $"+vectors.EnvDir+")")
	fs.BoolVar(&o.KeepKeys, "keep-keys", false, "do not schedule the keys the run created for deletion")
	fs.Int64Var(&o.Seed, "seed", 0, "seed for property tests (0 picks one and prints it)")
	fs.DurationVar(&o.Timeout, "timeout", 30*time.Minute, "give up on the whole run after this long")
	fs.DurationVar(&o.PollTimeout, "poll-timeout", 30*time.Second, "how long a state change may take to show")
	fs.StringVar(&o.Profile, "profile", "", "shared-config profile (with --aws)")
	fs.DurationVar(&o.RequestTimeout, "request-timeout", 30*time.Second, "give up on one request after this long")
	fs.StringVar(&o.KeysFile, "keys", "", "YAML file mapping roles to existing keys (bring your own keys)")
	fs.BoolVar(&o.NoCreate, "no-create", false, "never create or change keys; scenarios that must are skipped with that reason")
}

// checkSuite applies the checks and defaults of suiteFlags, before any key
// is created; false means it printed a usage error ("kmsmac NAME: ...").
func checkSuite(o *steps.Options, name string, stderr io.Writer) bool {
	if o.AWS && o.Endpoint != "" {
		fmt.Fprintf(stderr, "kmsmac %s: --aws and --endpoint exclude each other\n", name)
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
		o.Retries = -1 // steps.Options: 0 is the default (3), negative is none
	}
	if o.Seed == 0 {
		o.Seed = time.Now().UnixNano()
	}
	return true
}
