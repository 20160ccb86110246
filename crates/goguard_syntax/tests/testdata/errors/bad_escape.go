package p

var s = "tab\qtab"
