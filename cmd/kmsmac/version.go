package main

import (
	"fmt"
	"io"
	"runtime"
	"runtime/debug"
)

func init() {
	register(command{name: "version", summary: "print the kmsmac version, the commit it was built from and the Go version", run: runVersion})
}

const versionUsage = `Usage: kmsmac version

Prints the module version ("(devel)" for a build from a checkout), the VCS
commit and time it was built from (when built in a git checkout), and the
Go version and platform. Quote it in bug reports.
`

func runVersion(args []string, stdout, stderr io.Writer) int {
	fs := newFlagSet("version", versionUsage, stderr)
	if status, ok := parseNoArgs(fs, args, stderr); !ok {
		return status
	}
	fmt.Fprintln(stdout, versionLine(debug.ReadBuildInfo()))
	return 0
}

// versionLine is e.g. "kmsmac v0.3.0 (commit 1a2b3c4d5e6f, 2025-01-02T15:04:05Z,
// modified) go1.26.8 linux/amd64". go install ...@v0.3.0 sets the module
// version; go build in a checkout sets the vcs.* settings.
func versionLine(bi *debug.BuildInfo, ok bool) string {
	version, commit, when, modified := "unknown", "", "", false
	if ok {
		version = bi.Main.Version
		for _, s := range bi.Settings {
			switch s.Key {
			case "vcs.revision":
				commit = s.Value
			case "vcs.time":
				when = s.Value
			case "vcs.modified":
				modified = s.Value == "true"
			}
		}
	}
	if version == "" {
		version = "(devel)"
	}
	line := "kmsmac " + version
	if commit != "" {
		if len(commit) > 12 {
			commit = commit[:12]
		}
		line += " (commit " + commit
		if when != "" {
			line += ", " + when
		}
		if modified {
			line += ", modified"
		}
		line += ")"
	} else {
		line += " (no VCS commit recorded: not built in a git checkout, or with -buildvcs=false)"
	}
	return fmt.Sprintf("%s %s %s/%s", line, runtime.Version(), runtime.GOOS, runtime.GOARCH)
}
