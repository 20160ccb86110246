package p

import "fmt
"
