// Command kmsmac checks that a KMS-compatible endpoint behaves like AWS KMS
// for HMAC keys (GenerateMac, VerifyMac and the key lifecycle they depend
// on), and measures how fast it is. Run "kmsmac help" for the subcommands.
package main

import (
	"fmt"
	"io"
	"os"
	"sort"
)

// A command is one subcommand. Each lives in its own file and registers
// itself in init, so subcommands never edit each other's files.
type command struct {
	name    string
	summary string
	// run gets the arguments after the subcommand name and returns the exit
	// status: 0 success, 1 a failed check, 2 a usage or setup error.
	run func(args []string, stdout, stderr io.Writer) int
}

var commands = map[string]command{}

func register(c command) {
	if _, dup := commands[c.name]; dup {
		panic("kmsmac: duplicate command " + c.name)
	}
	commands[c.name] = c
}

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

func run(args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		usage(stderr)
		return 2
	}
	switch args[0] {
	case "--version":
		args[0] = "version"
	case "help", "-h", "-help", "--help":
		if len(args) > 1 {
			if c, ok := commands[args[1]]; ok {
				return c.run([]string{"-h"}, stdout, stderr)
			}
		}
		usage(stdout)
		return 0
	}
	c, ok := commands[args[0]]
	if !ok {
		// One line, not the whole usage: the mistake stays on screen.
		fmt.Fprintf(stderr, "kmsmac: unknown command %q", args[0])
		if s := closestCommand(args[0]); s != "" {
			fmt.Fprintf(stderr, ": did you mean %s?", s)
		}
		fmt.Fprintln(stderr, " (run kmsmac help for the commands)")
		return 2
	}
	return c.run(args[1:], stdout, stderr)
}

// closestCommand is the command nearest to name by edit distance, or ""
// when none is near enough to be a typo.
func closestCommand(name string) string {
	best, bestD := "", min(len(name)/2, 3)+1
	for n := range commands {
		if d := editDistance(name, n); d < bestD || d == bestD && n < best {
			best, bestD = n, d
		}
	}
	return best
}

func usage(w io.Writer) {
	fmt.Fprintln(w, "kmsmac checks a KMS-compatible endpoint against AWS KMS HMAC behaviour and measures its speed.")
	fmt.Fprintln(w, "\nUsage: kmsmac <command> [flags]\n\nCommands:")
	names := make([]string, 0, len(commands))
	for n := range commands {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		fmt.Fprintf(w, "  %-9s %s\n", n, commands[n].summary)
	}
	fmt.Fprintln(w, "\nRun \"kmsmac <command> -h\" for a command's flags.")
}
