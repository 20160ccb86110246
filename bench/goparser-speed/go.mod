module goguard.dev/bench/goparser-speed

go 1.26
