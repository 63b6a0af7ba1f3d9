package cli

import (
	"errors"
	"flag"
	"fmt"
	"io"
)

// description is the project's one-line summary, shown in the usage.
const description = "{{ cookiecutter.description | replace('\\', '\\\\') | replace('"', '\\"') }}"

// options is the parsed command line.
type options struct {
	json    bool
	version bool
	files   []string
}

// newFlagSet returns a flag set that fills opts. Each parse builds its
// own, rather than using the global flag.CommandLine, so that Run keeps no
// state between calls and tests can run it many times.
func newFlagSet(opts *options) *flag.FlagSet {
	fs := flag.NewFlagSet(commandName, flag.ContinueOnError)
	fs.BoolVar(&opts.json, "json", false, "print one JSON document instead of text")
	fs.BoolVar(&opts.version, "version", false, "print the version and exit")
	return fs
}

// parseFlags parses args, which exclude the program name. It returns
// ErrHelp for -h or -help, and an error matching ErrUsage for anything
// the user has to correct.
func parseFlags(args []string) (options, error) {
	var opts options
	fs := newFlagSet(&opts)
	// On a mistake the flag package would print its bare message and the
	// whole usage. Run prints the message with the command name and a
	// one-line hint instead, and the usage only when it is asked for.
	fs.SetOutput(io.Discard)
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return options{}, ErrHelp
		}
		return options{}, usageError{err}
	}
	opts.files = fs.Args()
	if err := validate(opts); err != nil {
		return options{}, usageError{err}
	}
	return opts, nil
}

// validate checks what the flag package cannot.
func validate(opts options) error {
	for _, name := range opts.files {
		// An empty argument is almost always an unset shell variable;
		// saying so beats the puzzling "open : no such file or directory".
		if name == "" {
			return errors.New("empty file name")
		}
	}
	return nil
}

// usageHead and usageTail frame the flag list that the flag package
// prints, so that the list stays in step with the flags defined above.
const (
	usageHead = `Usage: %s [flags] [FILE ...]

%s

Counts the lines, words and bytes of each FILE, or of standard input
when no FILE is given or FILE is -.

Flags:
`
	usageTail = `  -h, -help
    	print this help and exit

Exit status is 0 on success, 1 if an input could not be read or the
output could not be written, and 2 for an invalid flag or argument.
`
)

// writeUsage prints the full usage to w.
func writeUsage(w io.Writer) {
	fmt.Fprintf(w, usageHead, commandName, description)
	fs := newFlagSet(&options{})
	fs.SetOutput(w)
	fs.PrintDefaults()
	fmt.Fprint(w, usageTail)
}
