package cli

import "errors"

// ErrHelp is returned by parseFlags when -h or -help is given. Run then
// prints the full usage to standard output and exits with status 0:
// asking for help is not a mistake.
var ErrHelp = errors.New("help requested")

// ErrFailed means the command ran but at least one input could not be
// read (for example a file that does not exist) or the output could not
// be written. Each cause has already been printed to standard error, so
// ErrFailed itself is never printed. Run exits with status 1.
var ErrFailed = errors.New("failed")

// ErrUsage matches every mistake on the command line: an unknown flag, a
// bad flag value or an invalid argument. Run prints the message and a
// hint to standard error and exits with status 2.
var ErrUsage = errors.New("usage error")

// usageError marks err as a command-line mistake so that
// errors.Is(err, ErrUsage) holds, while its message stays the one the
// user needs to read.
type usageError struct {
	err error
}

func (e usageError) Error() string { return e.err.Error() }

func (e usageError) Unwrap() []error { return []error{e.err, ErrUsage} }

// exitCode maps the result of a run to the process exit status.
func exitCode(err error) int {
	switch {
	case err == nil, errors.Is(err, ErrHelp):
		return 0
	case errors.Is(err, ErrUsage):
		return 2
	default:
		return 1
	}
}
