module goguard.bench/bigdump

go 1.22
