module example.com/goguard/scenarios

go 1.22
