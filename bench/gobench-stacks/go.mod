module goguard.bench/gobench-stacks

go 1.22
