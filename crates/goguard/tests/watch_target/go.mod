module example.com/watchtarget

go 1.22
