module goguard.dev/bench/gobench-recall

go 1.26
