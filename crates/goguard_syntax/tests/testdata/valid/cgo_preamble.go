package cgo

/*
#include <stdlib.h>
#include <string.h>

static int add(int a, int b) { return a + b; }
*/
import "C"

import "unsafe"

func Add(a, b int) int {
	return int(C.add(C.int(a), C.int(b)))
}

func CString(s string) func() {
	cs := C.CString(s)
	return func() { C.free(unsafe.Pointer(cs)) }
}
