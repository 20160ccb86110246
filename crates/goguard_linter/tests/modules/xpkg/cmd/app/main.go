package main

import "example.com/xpkg/server"

func main() {
	go server.Background()
	server.Run()
}
