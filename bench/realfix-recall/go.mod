module goguard.dev/bench/realfix-recall

go 1.26
