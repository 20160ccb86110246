module goguard.bench/measure

go 1.22
