module goguard.test/samples

go 1.26
