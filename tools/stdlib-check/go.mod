module goguard.dev/tools/stdlib-check

go 1.26
