// {{ cookiecutter.command_name[:1] | upper }}{{ cookiecutter.command_name[1:] }} counts the lines, words and bytes of files, like a small wc.
// {{ cookiecutter.description.strip() }}{# Line comments, so that a */ in it is harmless; in the
   first paragraph, where Go doc syntax (and gofmt) reads any text as plain words. #}
//
// Usage:
//
//	{{ cookiecutter.command_name }} [flags] [FILE ...]
//
// With no FILE, or where FILE is -, it reads standard input. For each input
// it prints one line with the number of lines, words and bytes, then the file
// name (left out when standard input is read because no FILE was given), and
// a final "total" line when there is more than one input:
//
//	$ {{ cookiecutter.command_name }} a.txt b.txt
//	       3       12       80 a.txt
//	       1        2       12 b.txt
//	       4       14       92 total
//
// A line is counted for each newline byte, so a last line without one is not
// counted. A word is a maximal run of bytes that are not ASCII white space
// (space, \t, \n, \v, \f, \r); bytes of non-ASCII UTF-8 characters are never
// white space.
//
// The flags are:
//
//	-json
//		Print one JSON document instead of text, ended by a newline.
//		Standard input is named "-" in it. Laid out here for reading:
//		  {
//		    "files": [
//		      {"name": "a.txt", "lines": 3, "words": 12, "bytes": 80}
//		    ],
//		    "total": {"lines": 3, "words": 12, "bytes": 80}
//		  }
//	-version
//		Print the command name and version, then exit.
//	-h, -help
//		Print the usage to standard output, then exit.
//
// Flags may be written with one dash or two, and must come before the file
// names; "--" ends the flags, so that a file named "-json" can be counted.
//
// Exit status:
//
//	0  success, or -h or -version was given
//	1  an input could not be read or the output could not be written;
//	   the inputs that could be read are still counted and printed
//	2  invalid flag or argument
package main
