module goguard.dev/tools/goast-outline

go 1.26
