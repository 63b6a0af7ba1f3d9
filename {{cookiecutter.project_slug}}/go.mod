module {{ cookiecutter.go_module }}

go 1.25.0
