package main

import (
	"os"

	"{{ cookiecutter.go_module }}/internal/cli"
)

// version is what --version reports. Release builds replace it at link
// time with
//
//	go build -ldflags "-X main.version=1.2.3"
//
// and the Python build hook does exactly that with the version from
// pyproject.toml, so "dev" marks a binary built by hand.
var version = "dev"

func main() {
	os.Exit(cli.Run(os.Args[1:], os.Stdin, os.Stdout, os.Stderr, version))
}
