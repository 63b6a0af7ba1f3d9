// Package cli implements the {{ cookiecutter.command_name }} command. It lives
// apart from package main so that tests can run the whole command with
// their own arguments and buffers instead of the process's.
package cli

import (
	"bufio"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"

	"{{ cookiecutter.go_module }}/internal/textstats"
)

// commandName starts every message. It is fixed rather than taken from
// os.Args[0] so that messages read the same however the binary was
// invoked or renamed.
const commandName = "{{ cookiecutter.command_name }}"

// stdinName is the file name that stands for standard input.
const stdinName = "-"

// Run runs the command with args, which exclude the program name, and
// returns the exit status: 0 on success, 1 if an input could not be read
// or the output could not be written, 2 for a command-line mistake. It
// reads stdin only when asked to and writes only to stdout and stderr.
func Run(args []string, stdin io.Reader, stdout, stderr io.Writer, version string) int {
	opts, err := parseFlags(args)
	switch {
	case errors.Is(err, ErrHelp):
		writeUsage(stdout)
		return exitCode(err)
	case err != nil:
		fmt.Fprintf(stderr, "%s: %v\n", commandName, err)
		fmt.Fprintf(stderr, "Run '%s -h' for usage.\n", commandName)
		return exitCode(err)
	}
	if opts.version {
		fmt.Fprintf(stdout, "%s %s\n", commandName, version)
		return 0
	}
	return exitCode(count(opts, stdin, stdout, stderr))
}

// fileCounts is one input's entry in the JSON output.
type fileCounts struct {
	Name string `json:"name"`
	textstats.Counts
}

// report is the JSON document that -json prints.
type report struct {
	Files []fileCounts     `json:"files"`
	Total textstats.Counts `json:"total"`
}

// count counts every input that opts names and prints the results. An
// input that cannot be read is reported on stderr and left out, so that
// one bad file does not hide the others; the result is then ErrFailed.
func count(opts options, stdin io.Reader, stdout, stderr io.Writer) error {
	names := opts.files
	if len(names) == 0 {
		names = []string{stdinName}
	}
	// Not nil, so that JSON shows "files":[] rather than null when every
	// input failed.
	rep := report{Files: make([]fileCounts, 0, len(names))}
	failed := false
	for _, name := range names {
		c, err := countInput(name, stdin)
		if err != nil {
			fmt.Fprintf(stderr, "%s: %v\n", commandName, err)
			failed = true
			continue
		}
		rep.Files = append(rep.Files, fileCounts{Name: name, Counts: c})
		rep.Total.Add(c)
	}

	var err error
	if opts.json {
		err = writeJSON(stdout, rep)
	} else {
		// Like wc: no name when standard input is read by default, and a
		// total whenever several inputs were asked for, even if some failed.
		err = writeText(stdout, rep, len(opts.files) > 0, len(names) > 1)
	}
	if err != nil {
		fmt.Fprintf(stderr, "%s: %v\n", commandName, err)
		return ErrFailed
	}
	if failed {
		return ErrFailed
	}
	return nil
}

// countInput counts the file called name, or stdin if name is "-".
func countInput(name string, stdin io.Reader) (textstats.Counts, error) {
	if name == stdinName {
		c, err := textstats.Count(stdin)
		if err != nil {
			return c, fmt.Errorf("read stdin: %w", err)
		}
		return c, nil
	}
	f, err := os.Open(name)
	if err != nil {
		// Already reads "open NAME: reason".
		return textstats.Counts{}, err
	}
	// The file is only read, so closing it cannot lose data.
	defer f.Close()
	// Read errors from os already read "read NAME: reason".
	return textstats.Count(f)
}

// writeText prints one line per input, with names if named is set, and a
// total line if total is set.
func writeText(w io.Writer, rep report, named, total bool) error {
	// Buffered so that a failing stdout (a closed pipe, a full disk) is
	// reported once, by Flush, rather than checked on every line.
	bw := bufio.NewWriter(w)
	for _, f := range rep.Files {
		label := ""
		if named {
			label = f.Name
		}
		writeLine(bw, f.Counts, label)
	}
	if total {
		writeLine(bw, rep.Total, "total")
	}
	if err := bw.Flush(); err != nil {
		return fmt.Errorf("write output: %w", err)
	}
	return nil
}

// writeLine prints c in wc's layout, followed by label unless it is empty.
func writeLine(w io.Writer, c textstats.Counts, label string) {
	if label == "" {
		fmt.Fprintf(w, "%8d %8d %8d\n", c.Lines, c.Words, c.Bytes)
		return
	}
	fmt.Fprintf(w, "%8d %8d %8d %s\n", c.Lines, c.Words, c.Bytes, label)
}

// writeJSON prints rep as one JSON document ended by a newline.
func writeJSON(w io.Writer, rep report) error {
	enc := json.NewEncoder(w)
	// File names are data, not HTML: keep "&" and "<" readable.
	enc.SetEscapeHTML(false)
	if err := enc.Encode(rep); err != nil {
		return fmt.Errorf("write output: %w", err)
	}
	return nil
}
