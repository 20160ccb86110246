module goguard.bench/bigheap

go 1.22
